/**
 * Random image transforms for data augmentation, as Keras's RandomRotation / RandomTranslation /
 * RandomZoom / RandomFlip layers do: each image gets its own rotation, shift, zoom and flip, applied
 * in one `tf.image.transform` call (bilinear, pixels from outside filled with `fill`). The random
 * numbers come from Math.random, so `dd.setSeed` makes them repeatable.
 */
import * as tf from "@tensorflow/tfjs";
import { assertLiveTensor } from "../format/tensor_read";
import { messages } from "../messages";
import { checkKnownKeys } from "../options";

/** Options of {@link augment}; every range is symmetric around "no change". */
export interface AugmentOptions {
  /** Largest rotation, in degrees (each image turns by a uniform angle in [-rotation, rotation]). Default 0. */
  rotation?: number;
  /** Largest shift, as a fraction of the height and width. Default 0. */
  shift?: number;
  /** Largest zoom, as a fraction: 0.1 scales each image by a factor in [0.9, 1.1]. Default 0. */
  zoom?: number;
  /** Flip half of the images left to right. Default false (digits are not symmetric). */
  flip?: boolean;
  /** Value of the pixels brought in from outside the image. Default 0. */
  fill?: number;
}

function nonNegative(fn: string, name: string, v: unknown, max: number): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || v > max)
    throw new RangeError(messages.optionNotNumberIn(fn, name, v, 0, max));
  return v;
}

/**
 * A randomly transformed copy of a batch of images [n, height, width, channels].
 *
 * @example dd.imageGrid(dd.augment(tf.tile(digit, [12, 1, 1, 1]), { rotation: 20, shift: 0.1, zoom: 0.1 }), { cols: 6 })
 */
export function augment(images: tf.Tensor, options: AugmentOptions = {}): tf.Tensor4D {
  const fn = "augment";
  assertLiveTensor(fn, "images", images);
  checkKnownKeys(fn, options, ["rotation", "shift", "zoom", "flip", "fill"]);
  if (images.rank !== 4) throw new RangeError(messages.augmentNotBatch(fn, images.shape));
  const rotation = nonNegative(fn, "rotation", options.rotation ?? 0, 180);
  const shift = nonNegative(fn, "shift", options.shift ?? 0, 1);
  const zoom = nonNegative(fn, "zoom", options.zoom ?? 0, 0.9);
  const fill = options.fill ?? 0;
  if (typeof fill !== "number" || !Number.isFinite(fill))
    throw new TypeError(messages.optionNotNumber(fn, "fill", fill));
  if (options.flip !== undefined && typeof options.flip !== "boolean")
    throw new TypeError(messages.optionNotBoolean(fn, "flip", options.flip));
  // Nothing to do: a copy (tf.image.transform on the cpu backend would also blank the last row and column).
  if (rotation === 0 && shift === 0 && zoom === 0 && !options.flip)
    return tf.tidy(() => (images.dtype === "float32" ? tf.clone(images) : tf.cast(images, "float32"))) as tf.Tensor4D;
  const [n, h, w] = images.shape as [number, number, number, number];
  const uniform = (r: number) => (Math.random() * 2 - 1) * r;
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  const rows: number[] = [];
  for (let i = 0; i < n; i++) {
    const angle = (uniform(rotation) * Math.PI) / 180;
    const scale = 1 + uniform(zoom);
    const flip = options.flip && Math.random() < 0.5 ? -1 : 1;
    const tx = uniform(shift) * w;
    const ty = uniform(shift) * h;
    // tf.image.transform maps each output pixel to the input pixel it reads: the inverse of
    // "flip, zoom, rotate about the centre, then shift".
    const cos = Math.cos(angle) / scale;
    const sin = Math.sin(angle) / scale;
    const a0 = cos * flip;
    const a1 = sin * flip;
    const b0 = -sin;
    const b1 = cos;
    const ox = cx + tx;
    const oy = cy + ty;
    rows.push(a0, a1, cx - a0 * ox - a1 * oy, b0, b1, cy - b0 * ox - b1 * oy, 0, 0);
  }
  return tf.tidy(() => {
    const transforms = tf.tensor2d(rows, [n, 8]);
    const floats = images.dtype === "float32" ? images : tf.cast(images, "float32");
    return tf.image.transform(floats as tf.Tensor4D, transforms, "bilinear", "constant", fill);
  });
}
