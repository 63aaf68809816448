/**
 * Slice and Gather for the wasm backend, as plain copies between views of the wasm heap. Both only
 * move memory, and tfjs-wasm 4.22 does it slowly:
 * - its Slice first copies the whole input out of the heap (`readSync`), then copies the slice: taking
 *   32 rows of the 10,000 test digits copies 31 MB, so `model.predict` at its default batch size spent
 *   nearly all its time there (measured: 25 ms per slice of a 10,000×784 tensor, 590 ms of a 60,000×784
 *   one; 0.13 ms after; predicting the test digits with the course convnet 17.6 s → 2.1 s);
 * - its Gather copies element by element (3.1 ms for the 128 rows of one MLP batch, which `fit` gathers
 *   for every batch); whole rows at a time it takes 0.05 ms.
 * Cast is here too, for one case: wasm casts numbers to bool by copying them into bytes (-5 becomes
 * 251, 0.5 becomes 0); we test x ≠ 0 as every other backend does.
 * Results are identical to the cpu backend; string tensors keep the original kernels.
 */
import * as tf from "@tensorflow/tfjs";
import { messages } from "../messages";
import { onHeap, type HeapParams, type KernelDescriptor } from "./kernel_registry";

/** Copy the box `begin`/`size` of a row-major array with `shape` into `out`, whole innermost runs at a time. */
export function copyBox(
  src: tf.TypedArray,
  shape: readonly number[],
  begin: readonly number[],
  size: readonly number[],
  out: tf.TypedArray,
): void {
  const rank = shape.length;
  if (rank === 0) {
    out[0] = src[0]!;
    return;
  }
  const strides = tf.util.computeStrides(shape as number[]);
  // Trailing axes taken whole form one contiguous run per position of the axes before them.
  let runAxis = rank - 1;
  while (runAxis > 0 && begin[runAxis] === 0 && size[runAxis] === shape[runAxis]) runAxis--;
  const run = size.slice(runAxis).reduce((a, b) => a * b, 1);
  const outer = size.slice(0, runAxis);
  const count = outer.reduce((a, b) => a * b, 1);
  const index = new Array<number>(runAxis).fill(0);
  const innerBase = begin[runAxis]! * (strides[runAxis] ?? 1);
  for (let k = 0, o = 0; k < count; k++, o += run) {
    let offset = innerBase;
    for (let a = 0; a < runAxis; a++) offset += (begin[a]! + index[a]!) * strides[a]!;
    // A subarray costs more than copying a short run element by element.
    if (run < 64) for (let e = 0; e < run; e++) out[o + e] = src[offset + e]!;
    else out.set(src.subarray(offset, offset + run), o);
    for (let a = runAxis - 1; a >= 0; a--) {
      if (++index[a]! < outer[a]!) break;
      index[a] = 0;
    }
  }
}

/**
 * `out[o][i][s] = src[o][indices[i]][s]` for `src` seen as [outer, dim, inner]: what Gather computes with
 * `batchDims` 0. Throws on an index outside [0, dim), as tfjs does.
 */
export function gatherRows(
  src: tf.TypedArray,
  outer: number,
  dim: number,
  inner: number,
  indices: ArrayLike<number>,
  out: tf.TypedArray,
): void {
  const n = indices.length;
  for (let i = 0; i < n; i++) {
    const index = indices[i]!;
    if (!(index >= 0 && index < dim)) throw new Error(messages.gatherIndexOutOfRange(index, dim));
  }
  for (let o = 0, w = 0; o < outer; o++) {
    const base = o * dim * inner;
    for (let i = 0; i < n; i++, w += inner) {
      const from = base + indices[i]! * inner;
      if (inner < 64) for (let e = 0; e < inner; e++) out[w + e] = src[from + e]!;
      else out.set(src.subarray(from, from + inner), w);
    }
  }
}

type Params = HeapParams;

function slice({ inputs, attrs, backend }: Params): tf.TensorInfo | null {
  const x = inputs["x"]!;
  if (x.dtype === "string") return null;
  const a = attrs as unknown as { begin: number | number[]; size: number | number[] };
  const [begin, size] = tf.slice_util.parseSliceParams(x, a.begin, a.size) as [number[], number[]];
  const out = backend.makeOutput(size, x.dtype);
  if (tf.util.sizeFromShape(size) === 0) return out;
  // Views after the allocation: growing the heap would detach a view taken before it.
  copyBox(backend.typedArrayFromHeap(x), x.shape, begin, size, backend.typedArrayFromHeap(out));
  return out;
}

function gather({ inputs, attrs, backend }: Params): tf.TensorInfo | null {
  const x = inputs["x"]!;
  const indices = inputs["indices"]!;
  const a = attrs as unknown as { axis: number; batchDims?: number };
  if (x.dtype === "string" || (a.batchDims ?? 0) !== 0) return null;
  const axis = tf.util.parseAxisParam(a.axis, x.shape)[0]!;
  const outer = tf.util.sizeFromShape(x.shape.slice(0, axis));
  const dim = x.shape[axis]!;
  const inner = tf.util.sizeFromShape(x.shape.slice(axis + 1));
  const outShape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
  const out = backend.makeOutput(outShape, x.dtype);
  if (tf.util.sizeFromShape(outShape) === 0) return out;
  gatherRows(
    backend.typedArrayFromHeap(x),
    outer,
    dim,
    inner,
    backend.typedArrayFromHeap(indices),
    backend.typedArrayFromHeap(out),
  );
  return out;
}

/** Cast to bool: wasm copies the numbers into bytes (-5 → 251, 0.5 → 0); every other backend tests x ≠ 0. */
function castToBool({ inputs, attrs, backend }: Params): tf.TensorInfo | null {
  const x = inputs["x"]!;
  if (
    (attrs as { dtype?: string }).dtype !== "bool" ||
    x.dtype === "bool" ||
    x.dtype === "string" ||
    x.dtype === "complex64"
  )
    return null;
  const out = backend.makeOutput(x.shape, "bool");
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  for (let i = 0; i < src.length; i++) dst[i] = src[i] !== 0 ? 1 : 0;
  return out;
}

/** The copy kernels on wasm; string tensors and other backends keep the stock kernels. */
export const wasmCopyKernels: readonly KernelDescriptor[] = [
  { kernelName: "Slice", reason: "wasm's Slice copies its whole input first", run: slice },
  { kernelName: "GatherV2", reason: "wasm's Gather copies element by element", run: gather },
  { kernelName: "Cast", reason: "wasm casts -5 to bool as 251", run: castToBool },
].map(({ run, ...d }) => ({ ...d, backendName: "wasm", kind: "replacement" as const, make: () => onHeap(run) }));
