/**
 * Convolution gradients that TensorFlow.js lacks where the course needs them:
 * - the wasm backend has no `Conv2DBackpropFilter` kernel, so no convnet trains on it, and its
 *   `Conv2DBackpropInput` is a plain loop; we register both, each as one forward convolution, which
 *   wasm runs on XNNPACK (the filter gradient of a layer with few taps as one matMul of patches);
 * - no backend has a gradient for dilated convolutions; the Conv2D gradient is extended to them.
 * Both are exact up to float rounding against the cpu backend (test/conv2d_gradients.test.ts).
 */
import * as tf from "@tensorflow/tfjs";
import { messages } from "../messages";
import type { GradientDescriptor, KernelDescriptor, KernelRun } from "./kernel_registry";

type Pad = "same" | "valid" | number | tf.backend_util.ExplicitPadding;
type Pair = [number, number];

function pair(v: number | readonly number[]): Pair {
  return typeof v === "number" ? [v, v] : [v[0]!, v[1] ?? v[0]!];
}

/** Strides or dilations: a whole number >= 1 or a pair of them, or deepdeck's sentence naming `arg`. */
function wholePair(fn: string, arg: string, v: unknown): Pair {
  const p = typeof v === "number" || Array.isArray(v) ? pair(v as number | number[]) : null;
  if (!p?.every((d) => Number.isInteger(d) && d >= 1))
    throw new RangeError(messages.badConvArgument(fn, arg, JSON.stringify(v), "a whole number >= 1 or a pair of them"));
  return p;
}

/** A live 4-D tensor, or deepdeck's sentence (backend sits below format's tensor checks). */
function assertRank4(fn: string, arg: string, x: unknown): asserts x is tf.Tensor4D {
  if (!(x instanceof tf.Tensor)) throw new TypeError(messages.notATensor(fn, arg, x));
  const t = x as tf.Tensor;
  if (t.isDisposed) throw new Error(messages.disposedTensor(fn, arg));
  if (t.rank !== 4) throw new RangeError(messages.badConvTensor(fn, arg, t.shape));
}

/**
 * The gradient of `conv2d(x, filter)` with respect to `filter`, for NHWC inputs, as one forward
 * convolution (the fast kernel on wasm): the batch axis becomes the channels that are summed over,
 * `dy` becomes the filter, the conv's stride becomes a dilation and its dilation a stride.
 */
export function conv2dFilterGrad(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  strides: number | Pair,
  pad: Pad,
  dilations: number | Pair = 1,
  dimRoundingMode?: "floor" | "round" | "ceil",
): tf.Tensor4D {
  const fn = "conv2dFilterGrad";
  assertRank4(fn, "x", x);
  assertRank4(fn, "dy", dy);
  if (
    !Array.isArray(filterShape) ||
    filterShape.length !== 4 ||
    !filterShape.every((d) => Number.isInteger(d) && d > 0)
  )
    throw new TypeError(
      messages.badConvArgument(
        fn,
        "filterShape",
        JSON.stringify(filterShape),
        "[height, width, in, out] of positive whole numbers",
      ),
    );
  const [sh, sw] = wholePair(fn, "strides", strides);
  const [dh, dw] = wholePair(fn, "dilations", dilations);
  const padOk =
    pad === "same" || pad === "valid" || (Number.isInteger(pad) && (pad as number) >= 0) || Array.isArray(pad);
  if (!padOk)
    throw new RangeError(
      messages.badConvArgument(
        fn,
        "pad",
        JSON.stringify(pad),
        '"same", "valid", a whole number >= 0 or explicit padding',
      ),
    );
  return tf.tidy(() => {
    const [kh, kw, ci] = filterShape;
    const info = tf.backend_util.computeConv2DInfo(
      x.shape,
      filterShape,
      [sh, sw],
      [dh, dw],
      pad,
      dimRoundingMode,
      false,
      "channelsLast",
    );
    const { top, bottom, left, right } = info.padInfo;
    let xp: tf.Tensor4D =
      top || bottom || left || right
        ? tf.pad(x, [
            [0, 0],
            [top, Math.max(0, bottom)],
            [left, Math.max(0, right)],
            [0, 0],
          ])
        : x;
    // Rows and columns past the last window (bottom/right < 0, or a stride that does not fit) play no part.
    const needH = (info.outHeight - 1) * sh + (kh - 1) * dh + 1;
    const needW = (info.outWidth - 1) * sw + (kw - 1) * dw + 1;
    if (xp.shape[1] > needH || xp.shape[2] > needW) xp = tf.slice(xp, [0, 0, 0, 0], [xp.shape[0], needH, needW, ci]);
    if (kh * kw * ci <= patchesLimit) return filterGradFromPatches(xp, dy, filterShape, [sh, sw], [dh, dw]);
    const xT = tf.transpose<tf.Tensor4D>(xp, [3, 1, 2, 0]);
    const dyT = tf.transpose<tf.Tensor4D>(dy, [1, 2, 0, 3]);
    const out = tf.conv2d(xT, dyT, [dh, dw], "valid", "NHWC", [sh, sw]);
    return tf.transpose<tf.Tensor4D>(out, [1, 2, 0, 3]);
  });
}

/**
 * Below this many filter taps (kh·kw·ci) the filter gradient is one matMul of the input's patches by
 * `dy`. Above it, the forward-convolution form is faster; the course's first layer (3·3·1 = 9 taps)
 * is the case this is for: as a convolution its "filter" is all of `dy` (26×26), which XNNPACK runs
 * slowly (measured 8.6–13 ms as a convolution, 4.7 ms as patches; the second layer, 288 taps, is 14 ms
 * as a convolution and 22 ms as patches).
 */
let patchesLimit = 16;

/** Change the tap count below which {@link conv2dFilterGrad} uses patches (for benchmarks and tests). */
export function setFilterGradPatchesLimit(taps: number): void {
  patchesLimit = taps;
}

/**
 * dW[kh,kw,ci,co] = Σ over batch and output positions of x[window tap] · dy, as
 * patchesᵀ [kh·kw·ci, N] × dy [N, co] with N = batch·oh·ow. `xp` is already padded and cropped.
 */
function filterGradFromPatches(
  xp: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  [sh, sw]: Pair,
  [dh, dw]: Pair,
): tf.Tensor4D {
  const [kh, kw, ci, co] = filterShape;
  const [b, oh, ow] = dy.shape;
  const n = b * oh * ow;
  // Channels first, so each tap's slice is already a [ci, N] block of the transposed patch matrix.
  const xc = ci === 1 ? tf.reshape(xp, [1, b, xp.shape[1], xp.shape[2]]) : tf.transpose(xp, [3, 0, 1, 2]);
  const taps: tf.Tensor[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const tap =
        sh === 1 && sw === 1
          ? tf.slice(xc, [0, 0, i * dh, j * dw], [ci, b, oh, ow])
          : tf.stridedSlice(
              xc,
              [0, 0, i * dh, j * dw],
              [ci, b, i * dh + (oh - 1) * sh + 1, j * dw + (ow - 1) * sw + 1],
              [1, 1, sh, sw],
            );
      taps.push(tf.reshape(tap, [ci, n]));
    }
  }
  const patchesT = tf.concat(taps, 0);
  return tf.reshape(tf.matMul(patchesT, tf.reshape(dy, [n, co])), [kh, kw, ci, co]);
}

/** A dilated filter written out with zeros between its taps, so a dilated conv becomes a plain one. */
export function dilateFilter(filter: tf.Tensor4D, dilations: number | Pair): tf.Tensor4D {
  const fn = "dilateFilter";
  assertRank4(fn, "filter", filter);
  const [dh, dw] = wholePair(fn, "dilations", dilations);
  if (dh === 1 && dw === 1) return filter;
  return tf.tidy(() => {
    const [kh, kw, ci, co] = filter.shape;
    const spread = tf.pad(tf.reshape(filter, [kh, 1, kw, 1, ci, co]), [
      [0, 0],
      [0, dh - 1],
      [0, 0],
      [0, dw - 1],
      [0, 0],
      [0, 0],
    ]);
    const full = tf.reshape(spread, [kh * dh, kw * dw, ci, co]);
    return tf.slice(full, [0, 0, 0, 0], [(kh - 1) * dh + 1, (kw - 1) * dw + 1, ci, co]) as tf.Tensor4D;
  });
}

/**
 * The gradient of `conv2d(x, filter)` with respect to `x`, as a forward convolution (the fast kernel on
 * wasm): `dy` spread out by the stride and padded, convolved with the filter turned 180 degrees and
 * with its channel axes swapped.
 */
export function conv2dInputGrad(
  xShape: [number, number, number, number],
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  strides: number | Pair,
  pad: Pad,
  dimRoundingMode?: "floor" | "round" | "ceil",
): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw] = filter.shape;
    const [sh, sw] = pair(strides);
    const info = tf.backend_util.computeConv2DInfo(
      xShape,
      filter.shape,
      [sh, sw],
      1,
      pad,
      dimRoundingMode,
      false,
      "channelsLast",
    );
    const [b, h, w] = xShape;
    const [, oh, ow, co] = dy.shape;
    let spread: tf.Tensor4D = dy;
    if (sh > 1 || sw > 1) {
      const gaps = tf.pad(tf.reshape(dy, [b, oh, 1, ow, 1, co]), [
        [0, 0],
        [0, 0],
        [0, sh - 1],
        [0, 0],
        [0, sw - 1],
        [0, 0],
      ]);
      spread = tf.slice(
        tf.reshape(gaps, [b, oh * sh, ow * sw, co]),
        [0, 0, 0, 0],
        [b, (oh - 1) * sh + 1, (ow - 1) * sw + 1, co],
      ) as tf.Tensor4D;
    }
    const hd = (oh - 1) * sh + 1;
    const wd = (ow - 1) * sw + 1;
    const top = kh - 1 - info.padInfo.top;
    const left = kw - 1 - info.padInfo.left;
    const bottom = h + kh - 1 - hd - top;
    const right = w + kw - 1 - wd - left;
    // Negative padding means rows the convolution never reached: crop them instead.
    let padded = tf.pad(spread, [
      [0, 0],
      [Math.max(0, top), Math.max(0, bottom)],
      [Math.max(0, left), Math.max(0, right)],
      [0, 0],
    ]);
    if (top < 0 || bottom < 0 || left < 0 || right < 0) {
      const [, ph, pw] = padded.shape;
      padded = tf.slice(
        padded,
        [0, Math.max(0, -top), Math.max(0, -left), 0],
        [b, ph - Math.max(0, -top) - Math.max(0, -bottom), pw - Math.max(0, -left) - Math.max(0, -right), co],
      );
    }
    const turned = tf.transpose<tf.Tensor4D>(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]);
    return tf.conv2d(padded, turned, 1, "valid");
  });
}

interface Conv2DAttrs {
  strides: number | Pair;
  pad: Pad;
  dataFormat: "NHWC" | "NCHW";
  dilations: number | Pair;
  dimRoundingMode?: "floor" | "round" | "ceil";
}

/**
 * A kernel computed with tfjs ops (which run on that backend's own kernels). Wrappers of the inputs
 * share their storage and hold a reference each; the result's storage is handed to the caller with a
 * reference of its own.
 */
function computedWithOps(
  compute: (inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>) => tf.Tensor,
): KernelRun {
  return ({ inputs, attrs, backend }) => {
    const engine = tf.engine();
    const result = tf.tidy(() => {
      const wrapped: Record<string, tf.Tensor> = {};
      for (const [name, info] of Object.entries(inputs)) {
        backend.incRef(info!.dataId);
        wrapped[name] = engine.makeTensorFromTensorInfo(info!);
      }
      return compute(wrapped, attrs);
    });
    backend.incRef(result.dataId);
    const out: tf.TensorInfo = { dataId: result.dataId, shape: result.shape, dtype: result.dtype };
    result.dispose();
    return out;
  };
}

type BackpropAttrs = Conv2DAttrs & {
  filterShape: [number, number, number, number];
  inputShape: [number, number, number, number];
};

function nhwcOnly(kernel: string, backendName: string, a: BackpropAttrs): void {
  if (a.dataFormat === "NCHW") throw new Error(messages.channelsLastOnly(kernel, backendName));
}

/** The convolution backprop kernels on wasm. */
export const convBackpropKernels: readonly KernelDescriptor[] = [
  {
    kernelName: "Conv2DBackpropFilter",
    backendName: "wasm",
    kind: "addition",
    reason: "wasm has no filter gradient, so no convnet trains on it; one forward convolution computes it",
    make: (backendName) =>
      computedWithOps(({ x, dy }, attrs) => {
        const a = attrs as unknown as BackpropAttrs;
        nhwcOnly("Conv2DBackpropFilter", backendName, a);
        return conv2dFilterGrad(
          x as tf.Tensor4D,
          dy as tf.Tensor4D,
          a.filterShape,
          a.strides,
          a.pad,
          1,
          a.dimRoundingMode,
        );
      }),
  },
  {
    kernelName: "Conv2DBackpropInput",
    backendName: "wasm",
    kind: "replacement",
    reason: "wasm's own input gradient is a plain loop; a forward convolution runs on XNNPACK",
    make: (backendName) =>
      computedWithOps(({ dy, filter }, attrs) => {
        const a = attrs as unknown as BackpropAttrs;
        nhwcOnly("Conv2DBackpropInput", backendName, a);
        return conv2dInputGrad(
          a.inputShape,
          dy as tf.Tensor4D,
          filter as tf.Tensor4D,
          a.strides,
          a.pad,
          a.dimRoundingMode,
        );
      }),
  },
];

/** The Conv2D gradient extended to dilated convolutions, which no tfjs backend has (every backend). */
export const dilatedConv2DGradient: GradientDescriptor = {
  kernelName: "Conv2D",
  reason: "no tfjs backend has a gradient for dilated convolutions",
  make: (stock) => ({
    kernelName: "Conv2D",
    inputsToSave: ["x", "filter"],
    gradFunc: (dy, saved, attrs) => {
      const a = attrs as unknown as Conv2DAttrs;
      const [dh, dw] = pair(a.dilations);
      if (stock && ((dh === 1 && dw === 1) || a.dataFormat === "NCHW")) return stock.gradFunc(dy, saved, attrs);
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const g = dy as tf.Tensor4D;
      return {
        x: () => tf.conv2dTranspose(g, dilateFilter(filter, [dh, dw]), x.shape, a.strides, a.pad, a.dimRoundingMode),
        filter: () => conv2dFilterGrad(x, g, filter.shape, a.strides, a.pad, [dh, dw], a.dimRoundingMode),
      };
    },
  }),
};
