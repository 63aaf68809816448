/**
 * Fixes to the wasm backend's own kernels, by wrapping them (the originals still do the work):
 * - BatchMatMul and _FusedMatMul run on XNNPACK only without transpose flags; with `transposeA` /
 *   `transposeB` they take a slow generic path (measured ~10x slower), and every matMul gradient
 *   (and Dense's fused matMul gradient) sets those flags. We transpose the operand explicitly, then
 *   multiply without flags. Results are identical.
 * - Conv2D and FusedConv2D with `pad: "same"` and a stride above 1 return zeros on wasm 4.22 (for
 *   example a 6x6 input, 2x1 filter, stride 3). We pass the same padding spelled out instead, which
 *   wasm computes correctly.
 */
import * as tf from "@tensorflow/tfjs";
import type { KernelDescriptor, KernelFunc, KernelRun } from "./kernel_registry";

type Rewrite = (
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap,
  backend: tf.KernelBackend,
  temporaries: tf.TensorInfo[],
) => { inputs: tf.NamedTensorInfoMap; attrs: tf.NamedAttrMap } | null;

/** A run that may rewrite the inputs and attributes, then calls the stock kernel. */
function rewriting(rewrite: Rewrite): KernelRun {
  return ({ inputs, attrs, backend }, stock) => {
    const temporaries: tf.TensorInfo[] = [];
    try {
      const changed = rewrite(inputs, attrs, backend, temporaries);
      return stock!({ inputs: changed?.inputs ?? inputs, attrs: changed?.attrs ?? attrs, backend });
    } finally {
      for (const t of temporaries) backend.disposeData(t.dataId);
    }
  };
}

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1]!, perm[rank - 2]!];
  return perm;
}

function matMulWithoutFlags(backendName: string): Rewrite {
  const transpose = tf.getKernel("Transpose", backendName).kernelFunc as KernelFunc;
  return (inputs, attrs, backend, temporaries) => {
    const a = attrs as { transposeA?: boolean; transposeB?: boolean };
    if (!a.transposeA && !a.transposeB) return null;
    const plain = (info: tf.TensorInfo): tf.TensorInfo => {
      const out = transpose({
        inputs: { x: info },
        attrs: { perm: swapLastTwo(info.shape.length) },
        backend,
      }) as tf.TensorInfo;
      temporaries.push(out);
      return out;
    };
    return {
      inputs: {
        ...inputs,
        a: a.transposeA ? plain(inputs["a"]!) : inputs["a"]!,
        b: a.transposeB ? plain(inputs["b"]!) : inputs["b"]!,
      },
      attrs: { ...attrs, transposeA: false, transposeB: false },
    };
  };
}

const explicitSamePadding: Rewrite = (inputs, attrs) => {
  const a = attrs as {
    pad?: unknown;
    strides: number | [number, number];
    dilations?: number | [number, number];
    dimRoundingMode?: "floor" | "round" | "ceil";
    dataFormat?: string;
  };
  if (a.pad !== "same" || a.dataFormat === "NCHW") return null;
  const x = inputs["x"]!;
  const filter = inputs["filter"]!;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    a.strides,
    a.dilations ?? 1,
    "same",
    a.dimRoundingMode,
    false,
    "channelsLast",
  );
  const { top, bottom, left, right } = info.padInfo;
  return {
    inputs,
    attrs: {
      ...attrs,
      pad: [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ],
    },
  };
};

const matMulReason = "wasm multiplies with transpose flags on a slow generic path; we transpose, then multiply";
const samePaddingReason = "wasm 4.22 returns zeros for same padding with strides; we spell the padding out";

/** The rewriting wrappers on wasm. */
export const wasmKernelFixes: readonly KernelDescriptor[] = [
  { kernelName: "BatchMatMul", reason: matMulReason, make: (b: string) => rewriting(matMulWithoutFlags(b)) },
  { kernelName: "_FusedMatMul", reason: matMulReason, make: (b: string) => rewriting(matMulWithoutFlags(b)) },
  { kernelName: "Conv2D", reason: samePaddingReason, make: () => rewriting(explicitSamePadding) },
  { kernelName: "FusedConv2D", reason: samePaddingReason, make: () => rewriting(explicitSamePadding) },
].map((d) => ({ ...d, backendName: "wasm", kind: "replacement" as const }));
