/**
 * Every kernel and gradient deepdeck adds to TensorFlow.js, in one list. A new kernel module exports its
 * descriptors and is added here; `installKernels` in kernel_registry.ts does the rest.
 */
import { convBackpropKernels, dilatedConv2DGradient } from "./conv2d_gradients";
import type { GradientDescriptor, KernelDescriptor } from "./kernel_registry";
import { nativeIdentityKernels } from "./native_identity_kernels";
import { nativeKernels } from "./native_kernels";
import { nativeMatMul } from "./native_mat_mul";
import { nativeMaxPool, nativeMaxPoolGrad } from "./native_max_pool";
import { nativeReluGradient, nativeReluGradKernel, reluGradGradient } from "./native_relu_grad";
import { wasmCopyKernels } from "./wasm_copy_kernels";
import { wasmKernelFixes } from "./wasm_kernels";
import { wasmMaxPoolGrad } from "./wasm_max_pool_grad";
import { wasmReductions } from "./wasm_reductions";
import { wasmSegmentSum } from "./wasm_segment_sum";

export const deepdeckKernels: readonly KernelDescriptor[] = [
  ...convBackpropKernels,
  ...wasmKernelFixes,
  ...wasmCopyKernels,
  wasmMaxPoolGrad,
  wasmSegmentSum,
  ...wasmReductions,
  ...nativeKernels,
  ...nativeIdentityKernels,
  nativeReluGradKernel,
  nativeMaxPool,
  nativeMaxPoolGrad,
  nativeMatMul,
];

export const deepdeckGradients: readonly GradientDescriptor[] = [
  dilatedConv2DGradient,
  nativeReluGradient,
  reluGradGradient,
];
