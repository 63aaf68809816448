/**
 * UnsortedSegmentSum for the wasm backend, which has none: without it the gradient of `tf.gather`
 * (and so of an Embedding layer) fails on wasm. Sums each slice of `x` into the row its segment id
 * names; ids outside [0, numSegments) are dropped, as on cpu. The result is float32, as cpu's is.
 */
import * as tf from "@tensorflow/tfjs";
import { onHeap, type KernelDescriptor } from "./kernel_registry";

/** out[id][j] += x[k][j] for every k whose id is in range; `out` must start at zero. */
export function segmentSum(
  x: ArrayLike<number>,
  ids: ArrayLike<number>,
  inner: number,
  numSegments: number,
  out: Float32Array,
): void {
  out.fill(0);
  for (let k = 0; k < ids.length; k++) {
    const id = ids[k]!;
    if (!(id >= 0 && id < numSegments)) continue;
    const from = k * inner;
    const to = id * inner;
    for (let j = 0; j < inner; j++) out[to + j]! += x[from + j]!;
  }
}

/** UnsortedSegmentSum on wasm, which has none. */
export const wasmSegmentSum: KernelDescriptor = {
  kernelName: "UnsortedSegmentSum",
  backendName: "wasm",
  kind: "addition",
  reason: "wasm has none, so the gradient of gather (an Embedding layer's) fails",
  make: () =>
    onHeap(({ inputs, attrs, backend }) => {
      const x = inputs["x"]!;
      const ids = inputs["segmentIds"]!;
      const numSegments = (attrs as unknown as { numSegments: number }).numSegments;
      const idRank = ids.shape.length;
      const out = backend.makeOutput([numSegments, ...x.shape.slice(idRank)], "float32");
      segmentSum(
        backend.typedArrayFromHeap(x),
        backend.typedArrayFromHeap(ids),
        tf.util.sizeFromShape(x.shape.slice(idRank)),
        numSegments,
        backend.typedArrayFromHeap(out) as Float32Array,
      );
      return out;
    }),
};
