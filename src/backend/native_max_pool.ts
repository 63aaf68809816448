/**
 * Max pooling and its gradient on tfjs-node as oneDNN's kernels, the ones Keras's graph runs. TensorFlow's
 * eager MaxPoolGrad, which tfjs-node's kernel calls, finds each window's maximum again on one thread:
 * 6-12 ms for the course convnet's first pooling layer (batch 64, 26×26×32), the largest op of its
 * training step. oneDNN's max pool also returns a workspace (which input each output came from), and its
 * gradient scatters dy through it: about 1 ms for both. TensorFlow's grappler makes this rewrite in a
 * graph (Keras's train step); eager execution has none for pooling, so these kernels ask for oneDNN's
 * ops by name. Same values: each window's gradient goes to the first maximum in row-major order, as
 * TensorFlow's own kernel gives it (ties are common after a ReLU).
 *
 * While a gradient is being recorded (fit's forward pass), the forward kernel keeps the workspace of
 * the output it returns, and the gradient of that output takes it (once) instead of pooling again. A
 * workspace whose output is gone (its gradient never ran) is freed at the next pooling call, and at most
 * {@link keptWorkspaces} wait at once (the oldest goes first). Everywhere else (inference, a gradient
 * whose workspace is gone) the gradient pools again for it.
 *
 * A TensorFlow built without oneDNN (no such kernels: ARM and macOS builds) keeps tfjs-node's kernels:
 * that refusal is remembered and every later call goes straight to the stock kernel. (TF_ENABLE_ONEDNN_OPTS=0
 * turns off grappler's rewrite, not these kernels, which still run.) Any other refusal hands that one call
 * to the stock kernel, which says what is wrong in tfjs-node's words.
 */
import * as tf from "@tensorflow/tfjs";
import type { KernelDescriptor, KernelParams, KernelRun } from "./kernel_registry";
import { oneDnnKernelLabel, tfDType, type NodeBackend, type OpAttr } from "./native_ops";

/** The dtypes oneDNN's max pooling takes that tfjs has. */
const oneDnnDTypes = new Set(["float32"]);

/** How many forward workspaces wait for their gradient at most (one per pooling layer of a model). */
export const keptWorkspaces = 16;

let oneDnnMissing = false;
/** Forward outputs' data → their workspace, oldest first (a Map keeps insertion order). */
const workspaces = new Map<tf.DataId, tf.Tensor>();

/** Whether oneDNN's pooling kernels refused to run here (so the stock kernel runs); for tests and benchmarks. */
export function nativeMaxPoolFellBack(): boolean {
  return oneDnnMissing;
}

/** How many workspaces wait for their gradient now; for tests. */
export function waitingWorkspaces(): number {
  return workspaces.size;
}

function poolAttrs(node: NodeBackend, x: tf.TensorInfo, attrs: tf.MaxPoolAttrs): OpAttr[] | null {
  if (oneDnnMissing || !oneDnnDTypes.has(x.dtype)) return null;
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

/** oneDNN's max pool of `x`: [output, workspace], or null when TensorFlow has no such kernel. */
function oneDnnPool(node: NodeBackend, opAttrs: OpAttr[], x: tf.TensorInfo): tf.Tensor[] | null {
  try {
    return node.executeMultipleOutputs("_MklNativeMaxPool", opAttrs, [x], 2);
  } catch (e) {
    if (/not registered|No registered/.test(String(e))) oneDnnMissing = true;
    return null;
  }
}

const recordingGradients = (): boolean => (tf.engine().state as unknown as { gradientDepth: number }).gradientDepth > 0;

const maxPool: KernelRun = ({ inputs, backend, attrs }: KernelParams) => {
  const { x } = inputs as { x: tf.TensorInfo };
  // Without a gradient to come, tfjs-node's MaxPool (as fast, and no workspace to keep).
  if (!recordingGradients()) return null;
  const node = backend as unknown as NodeBackend;
  const opAttrs = poolAttrs(node, x, attrs as unknown as tf.MaxPoolAttrs);
  const pooled = opAttrs && oneDnnPool(node, opAttrs, x);
  if (!pooled) return null;
  const [output, workspace] = pooled as [tf.Tensor, tf.Tensor];
  forgetWorkspaces(backend);
  workspaces.set(output.dataId, tf.keep(workspace));
  return output;
};

/** Free the workspaces whose output the backend no longer holds, and the oldest past {@link keptWorkspaces}. */
function forgetWorkspaces(backend: tf.KernelBackend): void {
  let extra = workspaces.size + 1 - keptWorkspaces;
  for (const [dataId, old] of workspaces)
    if (extra-- > 0 || backend.refCount(dataId) === 0) {
      workspaces.delete(dataId);
      old.dispose();
    }
}

const maxPoolGrad: KernelRun = ({ inputs, backend, attrs }: KernelParams) => {
  const { dy, input, output } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo; output: tf.TensorInfo };
  const node = backend as unknown as NodeBackend;
  const opAttrs = poolAttrs(node, input, attrs as unknown as tf.MaxPoolAttrs);
  if (!opAttrs) return null;
  const kept = workspaces.get(output.dataId);
  workspaces.delete(output.dataId);
  // No workspace kept: the forward pass again, for its workspace (a tenth of what the stock gradient costs).
  const pooled = kept ? [kept] : oneDnnPool(node, opAttrs, input);
  if (!pooled) return null;
  try {
    return node.executeSingleOutput("_MklNativeMaxPoolGrad", opAttrs, [input, output, dy, pooled.at(-1)!]);
  } finally {
    tf.dispose(pooled);
  }
};

/** MaxPool on the `tensorflow` backend as oneDNN's while a gradient is recorded (tfjs-node's otherwise). */
export const nativeMaxPool: KernelDescriptor = {
  kernelName: tf.MaxPool,
  backendName: "tensorflow",
  kind: "replacement",
  reason: "max pooling as oneDNN's while training, keeping the workspace its gradient needs",
  make: () => maxPool,
};

/** MaxPoolGrad on the `tensorflow` backend as oneDNN's (tfjs-node's kernel as the fallback). */
export const nativeMaxPoolGrad: KernelDescriptor = {
  kernelName: tf.MaxPoolGrad,
  backendName: "tensorflow",
  kind: "replacement",
  reason: "max pooling's gradient as oneDNN's kernels, a tenth of TensorFlow's eager MaxPoolGrad",
  make: () => maxPoolGrad,
};
