/**
 * How deepdeck's native kernels call TensorFlow ops through tfjs-node's binding: the backend's two
 * execute functions, the attribute kinds they take, and the one switch oneDNN's own kernels need.
 */
import type * as tf from "@tensorflow/tfjs";

/** One attribute of a TensorFlow op, as tfjs-node's binding takes it. */
export interface OpAttr {
  name: string;
  type: number;
  value: unknown;
}

/**
 * The part of tfjs-node's NodeJSKernelBackend deepdeck's native kernels use. Its outputs are engine tensors
 * (tracked by the active scope): a kernel disposes those it made for itself with tf.dispose.
 */
export interface NodeBackend {
  binding: { TF_ATTR_STRING: number; TF_ATTR_TYPE: number; TF_ATTR_INT: number; TF_ATTR_BOOL: number };
  executeSingleOutput(name: string, attrs: OpAttr[], inputs: tf.TensorInfo[]): tf.Tensor;
  executeMultipleOutputs(name: string, attrs: OpAttr[], inputs: tf.TensorInfo[], numOutputs: number): tf.Tensor[];
  /** How many tensors' data the backend holds (for tests: what a kernel leaves behind). */
  numDataIds(): number;
}

/** TensorFlow's DataType enum values for the dtypes tfjs tensors come in. */
export const tfDType: Record<string, number> = { float32: 1, int32: 3, bool: 10 };

/**
 * The attribute that selects oneDNN's kernel of an op whose name oneDNN's graph rewrite gives it
 * (`_MklNative…`): TensorFlow registers those kernels under this label, which eager execution never sets.
 */
export const oneDnnKernelLabel = (node: NodeBackend): OpAttr => ({
  name: "_kernel",
  type: node.binding.TF_ATTR_STRING,
  value: "MklNameChangeOp",
});
