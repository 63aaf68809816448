/** Reading groups and datasets of an HDF5 file opened with h5wasm (src/models/hdf5.ts) as tensors. */
import * as tf from "@tensorflow/tfjs";
import { messages } from "../messages";
import type { H5Dataset, H5Group } from "./hdf5";

/** A member of a group, or null when there is none (h5wasm throws for some missing paths). */
export function child(group: H5Group, name: string): H5Group | H5Dataset | null {
  try {
    return (group.get(name) as H5Group | H5Dataset | null) ?? null;
  } catch {
    return null;
  }
}

export function isDataset(v: unknown): v is H5Dataset {
  return (
    !!v &&
    typeof (v as { shape?: unknown }).shape !== "undefined" &&
    typeof (v as { keys?: unknown }).keys !== "function"
  );
}

export function isGroup(v: unknown): v is H5Group {
  return !!v && typeof (v as { keys?: unknown }).keys === "function";
}

/** A dataset's values as a float32 tensor; `what` names it in the error for a type deepdeck cannot read. */
export function toTensor(fn: string, ds: H5Dataset, what: string): tf.Tensor {
  const value = ds.value as unknown;
  const shape = ds.shape ?? [];
  if (value instanceof Float32Array) return tf.tensor(value, shape, "float32");
  if (
    value instanceof Float64Array ||
    value instanceof Int32Array ||
    value instanceof Uint8Array ||
    value instanceof Int16Array
  )
    return tf.tensor(Float32Array.from(value as ArrayLike<number>), shape, "float32");
  if (typeof value === "number") return tf.scalar(value);
  throw new Error(messages.kerasWeightType(fn, what, ds.dtype));
}
