/**
 * Cast to the dtype a tensor already has and Reshape to the shape it already has, on tfjs-node's
 * `tensorflow` backend, as the input itself instead of a TensorFlow op each. tfjs's gradients call
 * both unconditionally (Add's and Mul's gradients reshape to the input's shape, Relu's casts a float32
 * step to float32, fit casts int32 indices to int32): 18 Casts and 16 Reshapes in a step of the course
 * MLP, most of them changing nothing, each paying tfjs-node's per-op overhead. tfjs's cpu backend
 * does the same (its Cast and Reshape share the input's data); a real change goes to tfjs-node's kernel.
 * Only an unchanged shape and dtype can share: TensorFlow's handle carries both.
 */
import * as tf from "@tensorflow/tfjs";
import type { KernelDescriptor, KernelParams, KernelRun } from "./kernel_registry";

/** The input itself, one more reference to its data. */
function same(x: tf.TensorInfo, backend: tf.KernelBackend): tf.TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

const cast: KernelRun = ({ inputs, attrs, backend }: KernelParams) => {
  const { x } = inputs as { x: tf.TensorInfo };
  return (attrs as unknown as tf.CastAttrs).dtype === x.dtype ? same(x, backend) : null;
};

const reshape: KernelRun = ({ inputs, attrs, backend }: KernelParams) => {
  const { x } = inputs as { x: tf.TensorInfo };
  const { shape } = attrs as unknown as tf.ReshapeAttrs;
  const size = tf.util.sizeFromShape(x.shape);
  // A bad shape (wrong size, two -1s) goes to tfjs-node's kernel, which says what is wrong.
  if (shape.filter((d) => d === -1).length > 1 || shape.some((d) => d < -1)) return null;
  const target = tf.util.inferFromImplicitShape(shape, size);
  return tf.util.sizeFromShape(target) === size && tf.util.arraysEqual(target, x.shape) ? same(x, backend) : null;
};

/** The two replacements, for the `tensorflow` backend only (tfjs-node's kernels stay as their fallback). */
export const nativeIdentityKernels: readonly KernelDescriptor[] = [
  { kernelName: tf.Cast, reason: "a Cast to the same dtype is the input, not a TensorFlow op", run: cast },
  { kernelName: tf.Reshape, reason: "a Reshape to the same shape is the input, not a TensorFlow op", run: reshape },
].map(({ run, ...d }) => ({ ...d, backendName: "tensorflow", kind: "replacement" as const, make: () => run }));
