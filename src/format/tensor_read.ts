import * as tf from "@tensorflow/tfjs";
import { messages } from "../messages";
import type { ValueBlock } from "./tensor_format";

/** Throw a clear error unless `x` is a tensor that is still alive. */
export function assertLiveTensor(fn: string, arg: string, x: unknown): asserts x is tf.Tensor {
  if (!(x instanceof tf.Tensor)) throw new TypeError(messages.notATensor(fn, arg, x));
  if (x.isDisposed) throw new Error(messages.disposedTensor(fn, arg));
}

/**
 * Read only the values at `indices` (one index list per axis) into a block, so a 60000x28x28
 * tensor prints after reading a few hundred numbers instead of 47 million.
 */
export function readBlock(x: tf.Tensor, indices: readonly number[][]): ValueBlock {
  const cut = indices.map((ix, axis) => ix.length < x.shape[axis]!);
  const shape = indices.map((ix) => ix.length);
  if (!cut.some(Boolean) || x.dtype === "string") {
    const full: (number | string)[] =
      x.dtype === "string" ? (x.dataSync() as unknown as string[]) : Array.from(x.dataSync() as ArrayLike<number>);
    if (!cut.some(Boolean)) return { data: normalise(full, x.dtype), shape: x.shape, cut };
    return { data: pick(full, x.shape, indices), shape, cut };
  }
  const data = tf.tidy(() => {
    let t: tf.Tensor = x;
    indices.forEach((ix, axis) => {
      if (cut[axis]) t = tf.gather(t, tf.tensor1d(ix, "int32"), axis);
    });
    return Array.from(t.dataSync() as ArrayLike<number>);
  });
  return { data: normalise(data, x.dtype), shape, cut };
}

function normalise(values: ArrayLike<number | string>, dtype: string): ArrayLike<number | string | boolean> {
  if (dtype !== "bool") return values;
  return Array.from(values as ArrayLike<number>, (v) => v !== 0);
}

/** Pick the values at `indices` out of a full row-major array (used where gather cannot run, for strings). */
function pick<T>(full: readonly T[], shape: readonly number[], indices: readonly number[][]): T[] {
  const out: T[] = [];
  const strides = shape.map((_, a) => shape.slice(a + 1).reduce((p, q) => p * q, 1));
  const walk = (axis: number, offset: number) => {
    if (axis === shape.length) {
      out.push(full[offset]!);
      return;
    }
    for (const i of indices[axis]!) walk(axis + 1, offset + i * strides[axis]!);
  };
  walk(0, 0);
  return out;
}
