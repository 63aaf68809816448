/**
 * Sum and Mean on the wasm backend with float64 accumulators. tfjs-wasm 4.22 adds float32 values into a
 * float32 running total, so a large reduction drifts: the mean of MNIST's 47,040,000 training pixels
 * came out 33.4961 (the right value is 33.3184). Accumulating in doubles keeps the error of a sum of
 * n float32 values near one float32 rounding, whatever n. Reduced axes that form one contiguous block
 * (all of them, the leading ones as in a bias gradient, the trailing ones) are summed in place, without
 * the transpose the stock kernel makes; other axis sets keep the stock kernel. The stock kernels also
 * leave the output of an empty reduction unwritten (a sum over a [0, 4] tensor returned 25584); these
 * write zeros, as the cpu backend does.
 */
import * as tf from "@tensorflow/tfjs";
import { onHeap, type HeapParams, type KernelDescriptor } from "./kernel_registry";

/** `x` viewed as [outer, reduce, inner], summed over the middle axis into `out` [outer, inner], in doubles. */
export function sumMiddleAxis(
  x: ArrayLike<number>,
  outer: number,
  reduce: number,
  inner: number,
  out: { [i: number]: number },
  scale = 1,
): void {
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    const base = o * reduce * inner;
    if (inner === 1) {
      let s = 0;
      for (let r = 0; r < reduce; r++) s += x[base + r]!;
      acc[0] = s;
    } else {
      for (let r = 0; r < reduce; r++) {
        const row = base + r * inner;
        for (let i = 0; i < inner; i++) acc[i]! += x[row + i]!;
      }
    }
    for (let i = 0; i < inner; i++) out[o * inner + i] = acc[i]! * scale;
  }
}

/** The [outer, reduce, inner] split of `shape` when `axes` are one contiguous block, else null. */
function contiguousSplit(shape: readonly number[], axes: readonly number[]): [number, number, number] | null {
  const sorted = [...axes].sort((a, b) => a - b);
  const first = sorted[0];
  if (first === undefined) return null;
  if (sorted.some((a, i) => a !== first + i)) return null;
  const last = sorted[sorted.length - 1]!;
  const size = (from: number, to: number) => shape.slice(from, to).reduce((a, b) => a * b, 1);
  return [size(0, first), size(first, last + 1), size(last + 1, shape.length)];
}

function reduction(kind: "sum" | "mean") {
  return ({ inputs, attrs, backend }: HeapParams): tf.TensorInfo | null => {
    const x = inputs["x"]!;
    if (x.dtype === "string" || x.dtype === "complex64") return null;
    const a = attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const axes = tf.util.parseAxisParam(a.axis, x.shape);
    const split = contiguousSplit(x.shape, axes);
    if (!split) return null;
    const [outer, reduce, inner] = split;
    const [outShape] = tf.backend_util.computeOutAndReduceShapes(x.shape, axes);
    const shape = a.keepDims ? tf.backend_util.expandShapeToKeepDim(outShape, axes) : outShape;
    // A sum keeps its dtype (int32 sums are exact in doubles too); a mean is float32, as tfjs's.
    const out = backend.makeOutput(shape, kind === "sum" ? x.dtype : "float32");
    if (outer * inner === 0) return out;
    // Views after the allocation: growing the heap would detach a view taken before it.
    const values = backend.typedArrayFromHeap(x);
    // An empty mean is 0, as on the cpu backend.
    const scale = kind === "mean" ? (reduce > 0 ? 1 / reduce : 0) : 1;
    sumMiddleAxis(values, outer, reduce, inner, backend.typedArrayFromHeap(out), scale);
    return out;
  };
}

/** Sum and Mean on wasm, accumulated in doubles. */
export const wasmReductions: readonly KernelDescriptor[] = [
  { kernelName: "Sum", reason: "wasm's float32 running total drifts on large sums", run: reduction("sum") },
  { kernelName: "Mean", reason: "wasm's float32 running total drifts on large means", run: reduction("mean") },
].map(({ run, ...d }) => ({ ...d, backendName: "wasm", kind: "replacement" as const, make: () => onHeap(run) }));
