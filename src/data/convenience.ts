/**
 * The R deck's data helpers in TypeScript: `to_categorical`, `array_reshape`, and slicing samples
 * and batches along the first axis, each with errors that say what was expected.
 */
import * as tf from "@tensorflow/tfjs";
import { messages } from "../messages";
import { assertLiveTensor } from "../format/tensor_read";

/**
 * One-hot encode class labels, as Keras's `to_categorical(y, num_classes)`: [n] (or [n, 1]) integers
 * in [0, numClasses) become a float32 [n, numClasses] matrix.
 *
 * @example dd.toCategorical(mnist.train.y, 10)   // float32 [60000, 10]
 */
export function toCategorical(y: tf.Tensor | ArrayLike<number>, numClasses?: number): tf.Tensor2D {
  const fn = "toCategorical";
  let labels: tf.Tensor1D;
  if (y instanceof tf.Tensor) {
    assertLiveTensor(fn, "y", y);
    if (y.rank !== 1 && !(y.rank === 2 && y.shape[1] === 1)) throw new RangeError(messages.labelsShape(fn, y.shape));
    labels = tf.reshape<tf.Rank.R1>(y, [-1]);
  } else {
    if (y === null || typeof y !== "object" || typeof y.length !== "number")
      throw new TypeError(messages.labelsType(fn, y));
    labels = tf.tensor1d(Array.from(y), "float32");
  }
  try {
    const values = labels.dataSync() as ArrayLike<number>;
    let max = -1;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!Number.isInteger(v) || v < 0) throw new RangeError(messages.badLabel(fn, i, v));
      if (v > max) max = v;
    }
    const k = numClasses ?? max + 1;
    if (!Number.isInteger(k) || k < 1) throw new RangeError(messages.badNumClasses(fn, numClasses));
    if (max >= k) throw new RangeError(messages.labelBeyondNumClasses(fn, max, k));
    return tf.tidy(() => tf.cast(tf.oneHot(tf.cast(labels, "int32"), k), "float32")) as tf.Tensor2D;
  } finally {
    if (labels !== y) labels.dispose();
  }
}

/**
 * Reshape in row-major (C) order, like R keras's `array_reshape(x, dim)`, with -1 for one inferred size.
 *
 * Why not R's `dim(x) <- ...`: R fills arrays column-major, so `dim<-` on a 60000x28x28 array would
 * scramble each image's pixels across samples; `array_reshape` (and tf.reshape) keep each image's
 * 784 values together, row by row, as Keras expects.
 *
 * @example dd.arrayReshape(xTrain, [60000, 784])
 */
export function arrayReshape<R extends tf.Rank>(x: tf.Tensor, shape: number[]): tf.Tensor<R> {
  const fn = "arrayReshape";
  assertLiveTensor(fn, "x", x);
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || (d < 0 && d !== -1))) {
    throw new TypeError(messages.badReshape(fn, shape));
  }
  if (shape.filter((d) => d === -1).length > 1) throw new RangeError(messages.reshapeTwoInferred(fn, shape));
  const known = shape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const inferred = shape.includes(-1) ? (known === 0 ? 0 : x.size / known) : known;
  if ((shape.includes(-1) && !Number.isInteger(inferred)) || (!shape.includes(-1) && known !== x.size)) {
    throw new RangeError(messages.reshapeSize(fn, x.shape, x.size, shape, known));
  }
  return tf.reshape<R>(x, shape as never);
}

function checkSamples(fn: string, x: tf.Tensor): number {
  assertLiveTensor(fn, "x", x);
  if (x.rank < 1) throw new RangeError(messages.noSamplesAxis(fn));
  return x.shape[0];
}

/**
 * Samples `start` to `end` (0-based, `end` excluded) along the first axis: R's `x[10:99, , ]` is
 * `dd.sampleSlice(x, 9, 99)` (90 samples).
 */
export function sampleSlice<T extends tf.Tensor>(x: T, start: number, end?: number): T {
  const fn = "sampleSlice";
  const n = checkSamples(fn, x);
  const stop = end ?? n;
  if (!Number.isInteger(start) || start < 0 || start > n) throw new RangeError(messages.badSliceStart(fn, n, start));
  if (!Number.isInteger(stop) || stop < start || stop > n)
    throw new RangeError(messages.badSliceEnd(fn, start, n, end));
  return tf.slice<tf.Rank, T>(x, [start, ...x.shape.slice(1).map(() => 0)], [stop - start, ...x.shape.slice(1)]);
}

/**
 * Batch number `index` (0-based) of `batchSize` samples; the last batch may be smaller.
 *
 * @example dd.batch(xTrain, 0, 128)   // R: x_train[1:128, , ]
 * @example dd.batch(xTrain, 1, 128)   // R: x_train[129:256, , ]
 */
export function batch<T extends tf.Tensor>(x: T, index: number, batchSize: number): T {
  const fn = "batch";
  const n = checkSamples(fn, x);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(messages.badBatchSize(fn, batchSize));
  const batches = Math.ceil(n / batchSize);
  if (!Number.isInteger(index) || index < 0 || index >= batches)
    throw new RangeError(messages.badBatchIndex(fn, batches, n, batchSize, index));
  return sampleSlice(x, index * batchSize, Math.min(n, (index + 1) * batchSize));
}
