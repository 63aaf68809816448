/**
 * MaxPoolGrad for the wasm backend, in JavaScript over views of the wasm heap. tfjs-wasm 4.22's
 * kernel walks every input pixel and every window that could cover it; for the course's first pool
 * it took 23.5 ms of a 116 ms convnet training step. This one visits each window once, all channels
 * of a pixel together, and sends each output's gradient to the first maximum of its window — the
 * rule of the cpu backend (a strictly greater value replaces the current maximum; a window with no
 * finite maximum passes no gradient). Measured on the course convnet: see bench/profile-step.ts.
 */
import * as tf from "@tensorflow/tfjs";
import { onHeap, type KernelDescriptor } from "./kernel_registry";

/** The shape facts {@link maxPoolGradInto} needs; `computePool2DInfo` gives them. */
export type PoolGeometry = Pick<
  tf.backend_util.Conv2DInfo,
  | "batchSize"
  | "inHeight"
  | "inWidth"
  | "inChannels"
  | "outHeight"
  | "outWidth"
  | "strideHeight"
  | "strideWidth"
  | "dilationHeight"
  | "dilationWidth"
  | "effectiveFilterHeight"
  | "effectiveFilterWidth"
  | "padInfo"
>;

/** dx (NHWC, zeroed here) from dy and the pool's input x, for the geometry `g`. */
export function maxPoolGradInto(x: tf.TypedArray, dy: tf.TypedArray, g: PoolGeometry, dx: tf.TypedArray): void {
  const {
    batchSize,
    inHeight,
    inWidth,
    inChannels: C,
    outHeight,
    outWidth,
    strideHeight,
    strideWidth,
    dilationHeight,
    dilationWidth,
    effectiveFilterHeight,
    effectiveFilterWidth,
  } = g;
  const padTop = g.padInfo.top;
  const padLeft = g.padInfo.left;
  dx.fill(0);
  const best = new Float32Array(C);
  const where = new Int32Array(C);
  for (let b = 0; b < batchSize; b++) {
    const imageBase = b * inHeight * inWidth * C;
    for (let yR = 0; yR < outHeight; yR++) {
      const rCorner = yR * strideHeight - padTop;
      let rMin = rCorner;
      while (rMin < 0) rMin += dilationHeight;
      const rMax = Math.min(inHeight, rCorner + effectiveFilterHeight);
      for (let yC = 0; yC < outWidth; yC++) {
        const cCorner = yC * strideWidth - padLeft;
        let cMin = cCorner;
        while (cMin < 0) cMin += dilationWidth;
        const cMax = Math.min(inWidth, cCorner + effectiveFilterWidth);
        best.fill(-Infinity);
        where.fill(-1);
        for (let r = rMin; r < rMax; r += dilationHeight) {
          for (let c = cMin; c < cMax; c += dilationWidth) {
            const at = imageBase + (r * inWidth + c) * C;
            for (let d = 0; d < C; d++) {
              const v = x[at + d]!;
              if (v > best[d]!) {
                best[d] = v;
                where[d] = at;
              }
            }
          }
        }
        const dyAt = ((b * outHeight + yR) * outWidth + yC) * C;
        for (let d = 0; d < C; d++) {
          const w = where[d]!;
          if (w >= 0) dx[w + d]! += dy[dyAt + d]!;
        }
      }
    }
  }
}

/** MaxPoolGrad on wasm; other dtypes keep the stock kernel. */
export const wasmMaxPoolGrad: KernelDescriptor = {
  kernelName: "MaxPoolGrad",
  backendName: "wasm",
  kind: "replacement",
  reason: "wasm's kernel visits every window that could cover each pixel",
  make: () =>
    onHeap(({ inputs, attrs, backend }) => {
      const dy = inputs["dy"]!;
      const x = inputs["input"]!;
      if (x.dtype !== "float32" || dy.dtype !== "float32") return null;
      const a = attrs as unknown as {
        filterSize: number | [number, number];
        strides: number | [number, number];
        pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
        dimRoundingMode?: "floor" | "round" | "ceil";
      };
      const info = tf.backend_util.computePool2DInfo(
        x.shape as [number, number, number, number],
        a.filterSize,
        a.strides,
        1,
        a.pad,
        a.dimRoundingMode,
      );
      const out = backend.makeOutput(x.shape, "float32");
      maxPoolGradInto(
        backend.typedArrayFromHeap(x),
        backend.typedArrayFromHeap(dy),
        info,
        backend.typedArrayFromHeap(out),
      );
      return out;
    }),
};
