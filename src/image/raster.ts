/**
 * Tensors to RGBA pixels: one channel through a colormap, RGB(A) scaled to bytes, NaN in a colour of
 * its own, then nearest-neighbour upscaling so small images stay crisp.
 */
import * as tf from "@tensorflow/tfjs";
import { messages } from "../messages";
import { checkKnownKeys, integer } from "../options";
import { assertLiveTensor } from "../format/tensor_read";
import { colormapTable, hexColor, type ColormapName } from "./colormap";

/** Options of {@link imshow} and the image builders. */
export interface RasterOptions {
  /** The value drawn at the low end of the colormap (matplotlib's `vmin`). Default: the data's minimum; 0 for RGB. */
  min?: number;
  /** The value drawn at the high end (R's `as.raster(x, max = 255)`, matplotlib's `vmax`). Default: the data's maximum; 255 (int) or 1 (float) for RGB. */
  max?: number;
  /** Colormap of one-channel images. Default "gray" (0 black, high white, as R and matplotlib draw MNIST). */
  cmap?: ColormapName;
  /** Whole-number upscaling factor (nearest neighbour). Default: enough to make the longer side about 280 px. */
  scale?: number;
  /**
   * Colour of NaN pixels. Default "#ff00ff" (magenta, which no colormap here contains). +Infinity and
   * -Infinity are drawn as the high and low ends and left out of the automatic range.
   */
  nanColor?: string;
}

export const rasterOptionNames = ["min", "max", "cmap", "scale", "nanColor"] as const;

/** An RGBA image, row-major, 4 bytes a pixel. */
export interface Rgba {
  width: number;
  height: number;
  data: Uint8Array;
}

/** What was drawn: the pixels and the value range mapped onto the colours. */
export interface Raster {
  image: Rgba;
  min: number;
  max: number;
  channels: 1 | 3 | 4;
}

function finiteRange(values: ArrayLike<number>, stride = 1): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i += stride) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo === Infinity ? [0, 1] : [lo, hi];
}

/** Check the shape of an image tensor: [h, w] or [h, w, 1 | 3 | 4]. */
export function imageShape(
  fn: string,
  arg: string,
  x: tf.Tensor,
): { height: number; width: number; channels: 1 | 3 | 4 } {
  assertLiveTensor(fn, arg, x);
  const [h, w, c = 1] = x.shape;
  if ((x.rank !== 2 && x.rank !== 3) || ![1, 3, 4].includes(c) || !h || !w) {
    throw new RangeError(messages.rasterShape(fn, arg, x.shape));
  }
  if (x.dtype === "string" || x.dtype === "complex64") throw new TypeError(messages.notNumericTensor(fn, arg, x.dtype));
  return { height: h, width: w, channels: c as 1 | 3 | 4 };
}

function checkNumber(fn: string, name: string, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v)) throw new TypeError(messages.optionNotFinite(fn, name, v));
  return v;
}

/** Resolve and check raster options once; `fn` is named in errors. */
export function resolveRasterOptions(fn: string, options: RasterOptions, extra: readonly string[] = []) {
  checkKnownKeys(fn, options, [...rasterOptionNames, ...extra]);
  const min = checkNumber(fn, "min", options.min);
  const max = checkNumber(fn, "max", options.max);
  if (min !== undefined && max !== undefined && max <= min) throw new RangeError(messages.maxNotAboveMin(fn, max, min));
  const cmap = options.cmap ?? "gray";
  colormapTable(cmap, fn);
  const scale = options.scale === undefined ? undefined : integer(fn, "scale", options.scale, 1, 64);
  const nan = hexColor(fn, "nanColor", options.nanColor ?? "#ff00ff");
  return { min, max, cmap, scale, nan };
}

type Resolved = ReturnType<typeof resolveRasterOptions>;

/** Pixels of `values` (row-major [h, w, c]) with the range and colours of `o`. */
export function rasterizeValues(
  values: ArrayLike<number>,
  height: number,
  width: number,
  channels: 1 | 3 | 4,
  integral: boolean,
  o: Resolved,
): Raster {
  const data = new Uint8Array(width * height * 4);
  if (channels === 1) {
    const [lo0, hi0] = finiteRange(values);
    const lo = o.min ?? lo0;
    const hi = o.max ?? hi0;
    const lut = colormapTable(o.cmap);
    const span = hi > lo ? hi - lo : 1;
    for (let i = 0; i < width * height; i++) {
      const v = values[i]!;
      const p = i * 4;
      if (Number.isNaN(v)) {
        data.set(o.nan, p);
      } else {
        const t = Math.round(((Math.min(hi, Math.max(lo, v)) - lo) / span) * 255);
        data[p] = lut[t * 3]!;
        data[p + 1] = lut[t * 3 + 1]!;
        data[p + 2] = lut[t * 3 + 2]!;
      }
      data[p + 3] = 255;
    }
    return { image: { width, height, data }, min: lo, max: hi, channels };
  }
  const [, dataMax] = finiteRange(values);
  const lo = o.min ?? 0;
  const hi = o.max ?? (integral || dataMax > 1 ? 255 : 1);
  const span = hi - lo;
  for (let i = 0; i < width * height; i++) {
    const p = i * 4;
    let bad = false;
    for (let k = 0; k < channels; k++) {
      const v = values[i * channels + k]!;
      if (Number.isNaN(v)) bad = true;
      data[p + k] = Math.round(((Math.min(hi, Math.max(lo, v)) - lo) / span) * 255);
    }
    if (bad) data.set(o.nan, p);
    if (channels === 3 || bad) data[p + 3] = 255;
  }
  return { image: { width, height, data }, min: lo, max: hi, channels };
}

/** Rasterize an image tensor. Reads its values once; creates no tensors. */
export function rasterize(fn: string, x: tf.Tensor, o: Resolved): Raster {
  const { height, width, channels } = imageShape(fn, "x", x);
  return rasterizeValues(x.dataSync(), height, width, channels, x.dtype !== "float32", o);
}

/** Nearest-neighbour upscaling by a whole factor. */
export function upscale(img: Rgba, factor: number): Rgba {
  if (factor === 1) return img;
  const width = img.width * factor;
  const height = img.height * factor;
  const data = new Uint8Array(width * height * 4);
  const src = new Uint32Array(img.data.buffer, img.data.byteOffset, img.width * img.height);
  const dst = new Uint32Array(data.buffer);
  for (let y = 0; y < height; y++) {
    const row = Math.floor(y / factor) * img.width;
    for (let x = 0; x < width; x++) dst[y * width + x] = src[row + Math.floor(x / factor)]!;
  }
  return { width, height, data };
}

/** The default upscaling: the longer side becomes about `target` pixels. */
export function defaultScale(height: number, width: number, target = 280): number {
  return Math.max(1, Math.floor(target / Math.max(height, width)));
}
