/**
 * tfjs's matMul on tfjs-node as TensorFlow's MatMul when it multiplies two matrices. tfjs hands every
 * product to its BatchMatMul kernel as rank-3 tensors (a batch of one for a Dense layer's), which tfjs-node
 * runs as BatchMatMulV2; TensorFlow's eager BatchMatMulV2 takes two to three times as long as MatMul on the
 * same two matrices (measured here on the course convnet's six products per step: 577 µs against 262 µs,
 * the three extra ops included). So two matrices (rank 2, as tfjs-node's _FusedMatMul passes a Dense
 * layer's) run as one MatMul, and a batch of one as Squeeze, MatMul, Pack (Pack's axis is an attribute,
 * where ExpandDims and Reshape would each need a shape tensor made for the call). Everything else (real
 * batches, broadcasting, int32) goes to tfjs-node's kernel.
 */
import * as tf from "@tensorflow/tfjs";
import type { KernelDescriptor, KernelParams, KernelRun } from "./kernel_registry";
import { tfDType, type NodeBackend } from "./native_ops";

const batchOfOne = (t: tf.TensorInfo): boolean => t.shape.length === 3 && t.shape[0] === 1;
const matrix = (t: tf.TensorInfo): boolean => t.shape.length === 2;

const matMul: KernelRun = ({ inputs, backend, attrs }: KernelParams) => {
  const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  if (a.dtype !== "float32" || b.dtype !== "float32") return null;
  const squeezed = batchOfOne(a) && batchOfOne(b);
  if (!squeezed && !(matrix(a) && matrix(b))) return null;
  const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
  const node = backend as unknown as NodeBackend;
  const { TF_ATTR_TYPE, TF_ATTR_BOOL, TF_ATTR_INT } = node.binding;
  const T = { name: "T", type: TF_ATTR_TYPE, value: tfDType["float32"] };
  const squeeze = [T, { name: "squeeze_dims", type: TF_ATTR_INT, value: [0] }];
  const transposes = [
    { name: "transpose_a", type: TF_ATTR_BOOL, value: transposeA },
    { name: "transpose_b", type: TF_ATTR_BOOL, value: transposeB },
  ];
  // Two matrices (tfjs-node's _FusedMatMul, a Dense layer's forward pass, passes them as they are): one op.
  if (!squeezed) return node.executeSingleOutput("MatMul", [T, ...transposes], [a, b]);
  const made: tf.Tensor[] = [];
  try {
    const a2 = node.executeSingleOutput("Squeeze", squeeze, [a]);
    made.push(a2);
    const b2 = node.executeSingleOutput("Squeeze", squeeze, [b]);
    made.push(b2);
    const product = node.executeSingleOutput("MatMul", [T, ...transposes], [a2, b2]);
    made.push(product);
    return node.executeSingleOutput(
      "Pack",
      [T, { name: "N", type: TF_ATTR_INT, value: 1 }, { name: "axis", type: TF_ATTR_INT, value: 0 }],
      [product],
    );
  } finally {
    tf.dispose(made);
  }
};

/** BatchMatMul on the `tensorflow` backend: a batch of one as MatMul, the rest tfjs-node's. */
export const nativeMatMul: KernelDescriptor = {
  kernelName: tf.BatchMatMul,
  backendName: "tensorflow",
  kind: "replacement",
  reason: "a product of two matrices as TensorFlow's MatMul, less than half of its eager BatchMatMulV2",
  make: () => matMul,
};
