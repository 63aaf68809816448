/**
 * Max pooling's gradient on tfjs-node as oneDNN's kernels, the ones Keras's graph runs. TensorFlow's
 * eager MaxPoolGrad, which tfjs-node's kernel calls, finds each window's maximum again on one thread:
 * 6-12 ms for the course convnet's first pooling layer (batch 64, 26×26×32), the largest op of its
 * training step. oneDNN's max pool returns a workspace (which input each output came from) and its
 * gradient scatters dy through it: the two together take about 1 ms. TensorFlow's grappler makes the
 * same rewrite in a graph (Keras's train step); eager execution has no such rewrite for pooling, so
 * this kernel asks for oneDNN's ops by name. Same values: each window's gradient goes to the first
 * maximum in row-major order, as TensorFlow's own kernel gives it (ties are common after a ReLU).
 *
 * A TensorFlow built without oneDNN (no such kernels: ARM and macOS builds) keeps tfjs-node's MaxPoolGrad:
 * that refusal is remembered and every later call goes straight to the stock kernel. (TF_ENABLE_ONEDNN_OPTS=0
 * turns off grappler's rewrite, not these kernels, which still run.) Any other refusal hands that one call
 * to the stock kernel, which says what is wrong in tfjs-node's words.
 */
import * as tf from "@tensorflow/tfjs";
import type { KernelDescriptor, KernelParams, KernelRun } from "./kernel_registry";
import { oneDnnKernelLabel, tfDType, type NodeBackend, type OpAttr } from "./native_ops";

/** The dtypes oneDNN's max pooling takes that tfjs has. */
const oneDnnDTypes = new Set(["float32"]);

let oneDnnMissing = false;

/** Whether oneDNN's pooling kernels refused to run here (so the stock kernel runs); for tests and benchmarks. */
export function nativeMaxPoolGradFellBack(): boolean {
  return oneDnnMissing;
}

function poolAttrs(node: NodeBackend, x: tf.TensorInfo, attrs: tf.MaxPoolGradAttrs): OpAttr[] | null {
  const { filterSize, strides, pad, dimRoundingMode } = attrs;
  const info = tf.backend_util.computePool2DInfo(
    x.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  // Explicit padding (a number) goes to tfjs-node's kernel, which says it supports only valid and same.
  if (info.padInfo.type !== "VALID" && info.padInfo.type !== "SAME") return null;
  const { TF_ATTR_TYPE, TF_ATTR_INT, TF_ATTR_STRING, TF_ATTR_BOOL } = node.binding;
  return [
    { name: "T", type: TF_ATTR_TYPE, value: tfDType[x.dtype] },
    { name: "ksize", type: TF_ATTR_INT, value: [1, info.filterHeight, info.filterWidth, 1] },
    { name: "strides", type: TF_ATTR_INT, value: [1, info.strideHeight, info.strideWidth, 1] },
    { name: "padding", type: TF_ATTR_STRING, value: info.padInfo.type },
    { name: "data_format", type: TF_ATTR_STRING, value: "NHWC" },
    { name: "workspace_enabled", type: TF_ATTR_BOOL, value: true },
    oneDnnKernelLabel(node),
  ];
}

const maxPoolGrad: KernelRun = ({ inputs, backend, attrs }: KernelParams) => {
  if (oneDnnMissing) return null;
  const { dy, input, output } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo; output: tf.TensorInfo };
  if (!oneDnnDTypes.has(input.dtype)) return null;
  const node = backend as unknown as NodeBackend;
  const opAttrs = poolAttrs(node, input, attrs as unknown as tf.MaxPoolGradAttrs);
  if (!opAttrs) return null;
  let pooled: tf.Tensor[];
  try {
    // The forward pass again, for its workspace: a tenth of what the stock gradient costs.
    pooled = node.executeMultipleOutputs("_MklNativeMaxPool", opAttrs, [input], 2);
  } catch (e) {
    if (/not registered|No registered/.test(String(e))) oneDnnMissing = true;
    return null;
  }
  try {
    return node.executeSingleOutput("_MklNativeMaxPoolGrad", opAttrs, [input, output, dy, pooled[1]!]);
  } finally {
    tf.dispose(pooled);
  }
};

/** MaxPoolGrad on the `tensorflow` backend as oneDNN's pooling and its gradient (tfjs-node's kernel as the fallback). */
export const nativeMaxPoolGrad: KernelDescriptor = {
  kernelName: tf.MaxPoolGrad,
  backendName: "tensorflow",
  kind: "replacement",
  reason: "max pooling's gradient as oneDNN's kernels, a tenth of TensorFlow's eager MaxPoolGrad",
  make: () => maxPoolGrad,
};
