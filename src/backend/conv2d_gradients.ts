/**
 * Convolution gradients that TensorFlow.js lacks where the course needs them:
 * - the wasm backend has no `Conv2DBackpropFilter` kernel, so no convnet trains on it; we register one
 *   built from window slices and one matrix product (im2col), which wasm runs on its fast paths;
 * - no backend has a gradient for dilated convolutions; the Conv2D gradient is extended to them.
 * Both are exact up to float rounding against the cpu backend (test/conv2d_gradients.test.ts).
 */
import * as tf from "@tensorflow/tfjs";

type Pad = "same" | "valid" | number | tf.backend_util.ExplicitPadding;
type Pair = [number, number];

function pair(v: number | readonly number[]): Pair {
  return typeof v === "number" ? [v, v] : [v[0]!, v[1] ?? v[0]!];
}

/**
 * The gradient of `conv2d(x, filter)` with respect to `filter`, for NHWC inputs: for each filter tap,
 * the strided window of the padded input it saw, laid side by side (im2col), times `dy`.
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
  return tf.tidy(() => {
    const [kh, kw, ci, co] = filterShape;
    const [sh, sw] = pair(strides);
    const [dh, dw] = pair(dilations);
    const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, [sh, sw], [dh, dw], pad, dimRoundingMode, false, "channelsLast");
    const { top, bottom, left, right } = info.padInfo;
    const [b] = x.shape;
    const oh = info.outHeight;
    const ow = info.outWidth;
    const xp = top || bottom || left || right ? tf.pad(x, [[0, 0], [top, Math.max(0, bottom)], [left, Math.max(0, right)], [0, 0]]) : x;
    const windows: tf.Tensor4D[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const r = i * dh;
        const c = j * dw;
        windows.push(tf.stridedSlice(xp, [0, r, c, 0], [b, r + (oh - 1) * sh + 1, c + (ow - 1) * sw + 1, ci], [1, sh, sw, 1]) as tf.Tensor4D);
      }
    }
    const n = b * oh * ow;
    const k = kh * kw * ci;
    const cols = tf.reshape(windows.length === 1 ? windows[0]! : tf.concat(windows, 3), [n, k]);
    const dyMatrix = tf.reshape(dy, [n, co]);
    // Transpose whichever operand is smaller: matMul's transpose flags are slow on wasm.
    const grad = co <= k ? tf.transpose(tf.matMul(tf.transpose(dyMatrix), cols)) : tf.matMul(tf.transpose(cols), dyMatrix);
    return tf.reshape(grad, filterShape) as tf.Tensor4D;
  });
}

/** A dilated filter written out with zeros between its taps, so a dilated conv becomes a plain one. */
export function dilateFilter(filter: tf.Tensor4D, dilations: number | Pair): tf.Tensor4D {
  const [dh, dw] = pair(dilations);
  if (dh === 1 && dw === 1) return filter;
  return tf.tidy(() => {
    const [kh, kw, ci, co] = filter.shape;
    const spread = tf.pad(tf.reshape(filter, [kh, 1, kw, 1, ci, co]), [[0, 0], [0, dh - 1], [0, 0], [0, dw - 1], [0, 0], [0, 0]]);
    const full = tf.reshape(spread, [kh * dh, kw * dw, ci, co]);
    return tf.slice(full, [0, 0, 0, 0], [(kh - 1) * dh + 1, (kw - 1) * dw + 1, ci, co]) as tf.Tensor4D;
  });
}

interface Conv2DAttrs {
  strides: number | Pair;
  pad: Pad;
  dataFormat: "NHWC" | "NCHW";
  dilations: number | Pair;
  dimRoundingMode?: "floor" | "round" | "ceil";
}

function registerFilterKernel(backendName: string): void {
  if (tf.getKernel("Conv2DBackpropFilter", backendName)) return;
  tf.registerKernel({
    kernelName: "Conv2DBackpropFilter",
    backendName,
    kernelFunc: ({ inputs, attrs, backend: kernelBackend }) => {
      const backend = kernelBackend as tf.KernelBackend;
      const a = attrs as unknown as Conv2DAttrs & { filterShape: [number, number, number, number] };
      if (a.dataFormat === "NCHW") throw new Error(`Conv2DBackpropFilter on ${backendName}: only NHWC (channels last) data is supported.`);
      const engine = tf.engine();
      // Tensors that wrap the kernel's inputs share their storage: each wrapper holds a reference
      // of its own, so disposing it leaves the caller's tensor intact.
      const wrap = (info: tf.TensorInfo) => {
        backend.incRef(info.dataId);
        return engine.makeTensorFromTensorInfo(info) as tf.Tensor4D;
      };
      const grad = tf.tidy(() => conv2dFilterGrad(wrap(inputs["x"]!), wrap(inputs["dy"]!), a.filterShape, a.strides, a.pad, 1, a.dimRoundingMode));
      // Hand the storage to the caller: take a reference for it before dropping ours.
      backend.incRef(grad.dataId);
      const out: tf.TensorInfo = { dataId: grad.dataId, shape: grad.shape, dtype: grad.dtype };
      grad.dispose();
      return out;
    },
  });
}

function extendConv2DGradient(): void {
  const stock = tf.getGradient("Conv2D");
  if (!stock || (stock as { deepdeck?: boolean }).deepdeck) return;
  const config: tf.GradConfig & { deepdeck: boolean } = {
    kernelName: "Conv2D",
    inputsToSave: ["x", "filter"],
    deepdeck: true,
    gradFunc: (dy, saved, attrs) => {
      const a = attrs as unknown as Conv2DAttrs;
      const [dh, dw] = pair(a.dilations);
      if ((dh === 1 && dw === 1) || a.dataFormat === "NCHW") return stock.gradFunc(dy, saved, attrs);
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const g = dy as tf.Tensor4D;
      return {
        x: () => tf.conv2dTranspose(g, dilateFilter(filter, [dh, dw]), x.shape, a.strides, a.pad as "same" | "valid" | number, a.dimRoundingMode),
        filter: () => conv2dFilterGrad(x, g, filter.shape, a.strides, a.pad, [dh, dw], a.dimRoundingMode),
      };
    },
  };
  tf.registerGradient(config);
}

let installed = false;

/** Register the replacement kernels and gradients; safe to call more than once. */
export function installConv2DGradients(): void {
  if (installed) return;
  installed = true;
  registerFilterKernel("wasm");
  extendConv2DGradient();
}
