/**
 * Grids of images: a batch of digits with their labels (or "pred / true", green when right, red when
 * wrong), the channels of a layer's output (feature maps), and a convolution layer's filters.
 */
import * as tf from "@tensorflow/tfjs";
import { display } from "../display/display";
import { messages } from "../messages";
import { checkKnownKeys, integer } from "../options";
import { assertLiveTensor } from "../format/tensor_read";
import { Figure } from "./figure";
import { encodePng, svgToPng } from "./png";
import {
  defaultScale,
  rasterizeValues,
  rasterOptionNames,
  resolveRasterOptions,
  upscale,
  type RasterOptions,
} from "./raster";
import { svgDocument, type SvgImage, type SvgText } from "./svg";

/** Options of {@link imageGrid}. */
export interface GridOptions extends RasterOptions {
  /** Images per row. Default: up to 10, as square as the batch allows. */
  cols?: number;
  /** Pixels between images. Default 4. */
  spacing?: number;
  /** A title for each image. */
  titles?: string[];
  /** The true class of each image (numbers, or a 1-D tensor): shown as the title. */
  labels?: ArrayLike<number> | tf.Tensor;
  /** The predicted class of each image: titles become "pred / true", green when right and red when wrong. */
  predictions?: ArrayLike<number> | tf.Tensor;
  /** Names of the classes, to show instead of their numbers (e.g. Fashion-MNIST's). */
  classNames?: string[];
  /** Colour range shared by all images ("global", default) or stretched for each ("each"). */
  normalize?: "global" | "each";
  /** A title above the whole grid. */
  title?: string;
}

const gridOptionNames = [
  ...rasterOptionNames,
  "cols",
  "spacing",
  "titles",
  "labels",
  "predictions",
  "classNames",
  "normalize",
  "title",
] as const;
const right = "#1a7f37";
const wrong = "#cf222e";

function numbers(
  fn: string,
  name: string,
  v: ArrayLike<number> | tf.Tensor | undefined,
  n: number,
): number[] | undefined {
  if (v === undefined) return undefined;
  const arr =
    v instanceof tf.Tensor
      ? (assertLiveTensor(fn, name, v), Array.from(v.dataSync() as ArrayLike<number>))
      : Array.from(v);
  if (arr.length !== n) throw new RangeError(messages.perImageLength(fn, name, n, arr.length));
  return arr;
}

/**
 * A font size at which `text` fits in `width` pixels (sans-serif averages ~0.58 em per character),
 * down to 7 px; long titles shrink instead of running into their neighbours.
 */
export function fittedSize(text: string, width: number, size: number): number {
  const needed = text.length * 0.58 * size;
  return needed <= width ? size : Math.max(7, Math.floor((size * width) / needed));
}

/** Images as [n, h, w, c] values, plus how to read them: the core of every grid. */
interface Stack {
  values: ArrayLike<number>;
  n: number;
  height: number;
  width: number;
  channels: 1 | 3 | 4;
  integral: boolean;
  description: string;
}

function gridFigure(fn: string, stack: Stack, options: GridOptions, defaults: Partial<GridOptions> = {}): Figure {
  checkKnownKeys(fn, options, gridOptionNames);
  const opts = { ...defaults, ...options };
  const o = resolveRasterOptions(fn, {
    min: opts.min,
    max: opts.max,
    cmap: opts.cmap,
    scale: opts.scale,
    nanColor: opts.nanColor,
  });
  const { n, height, width, channels } = stack;
  const cols = integer(fn, "cols", opts.cols ?? Math.min(10, Math.ceil(Math.sqrt(n))), 1);
  const spacing = integer(fn, "spacing", opts.spacing ?? 4, 0, 100);
  const normalize = opts.normalize ?? "global";
  if (normalize !== "global" && normalize !== "each") throw new RangeError(messages.badNormalize(fn, normalize));
  const labels = numbers(fn, "labels", opts.labels, n);
  const predictions = numbers(fn, "predictions", opts.predictions, n);
  if (opts.titles !== undefined && (!Array.isArray(opts.titles) || opts.titles.length !== n))
    throw new RangeError(messages.titlesLength(fn, n));
  const name = (c: number) => opts.classNames?.[c] ?? String(c);

  const scale = o.scale ?? defaultScale(height, width, 84);
  const per = height * width * channels;
  let range = { min: o.min, max: o.max };
  if (normalize === "global" && channels === 1 && (o.min === undefined || o.max === undefined)) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < stack.values.length; i++) {
      const v = stack.values[i]!;
      if (Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    range = { min: o.min ?? (lo === Infinity ? 0 : lo), max: o.max ?? (hi === -Infinity ? 1 : hi) };
  }
  const hasTitles = opts.titles !== undefined || labels !== undefined || predictions !== undefined;
  const titleHeight = hasTitles ? 15 : 0;
  const top = opts.title ? 22 : 0;
  const cellW = width * scale;
  const cellH = height * scale + titleHeight;
  const rows = Math.ceil(n / cols);
  const images: SvgImage[] = [];
  const texts: SvgText[] = [];
  if (opts.title)
    texts.push({ x: (cols * (cellW + spacing) + spacing) / 2, y: 16, text: opts.title, size: 13, bold: true });
  for (let i = 0; i < n; i++) {
    const values = Array.prototype.slice.call(stack.values, i * per, (i + 1) * per) as number[];
    const raster = rasterizeValues(values, height, width, channels, stack.integral, {
      ...o,
      ...(normalize === "global" ? range : {}),
    });
    const x = spacing + (i % cols) * (cellW + spacing);
    const y = top + spacing + Math.floor(i / cols) * (cellH + spacing);
    images.push({
      png: encodePng(upscale(raster.image, scale)),
      x,
      y: y + titleHeight,
      width: cellW,
      height: height * scale,
    });
    let title: string | undefined;
    let color: string | undefined;
    if (predictions) {
      title = labels ? `${name(predictions[i]!)} / ${name(labels[i]!)}` : name(predictions[i]!);
      if (labels) color = predictions[i] === labels[i] ? right : wrong;
    } else if (labels) {
      title = name(labels[i]!);
    } else if (opts.titles) {
      title = String(opts.titles[i]);
    }
    if (title !== undefined)
      texts.push({
        x: x + cellW / 2,
        y: y + 11,
        text: title,
        size: fittedSize(title, cellW + spacing, 11),
        ...(color ? { color, bold: true } : {}),
      });
  }
  const w = spacing + cols * (cellW + spacing);
  const h = top + spacing + rows * (cellH + spacing);
  const correct = predictions && labels ? `, ${predictions.filter((p, i) => p === labels[i]).length}/${n} right` : "";
  const description = `<grid of ${n} images ${width}x${height} in ${cols} columns from ${stack.description}${correct}${opts.title ? `: ${opts.title}` : ""}>`;
  const svg = svgDocument(w, h, images, texts);
  return new Figure(svgToPng(svg), w, h, description, svg);
}

/** A batch [n, h, w] or [n, h, w, 1 | 3 | 4] as a grid of images. */
export function imageGridFigure(batch: tf.Tensor, options: GridOptions = {}): Figure {
  const fn = "imageGrid";
  assertLiveTensor(fn, "batch", batch);
  const [n, h, w, c = 1] = batch.shape;
  if ((batch.rank !== 3 && batch.rank !== 4) || ![1, 3, 4].includes(c) || !n || !h || !w) {
    throw new RangeError(messages.gridBatchShape(fn, batch.shape));
  }
  if (n > 400) throw new RangeError(messages.gridTooLarge(fn, n));
  const stack: Stack = {
    values: batch.dataSync(),
    n,
    height: h,
    width: w,
    channels: c as 1 | 3 | 4,
    integral: batch.dtype !== "float32",
    description: `${batch.dtype} [${batch.shape.join(", ")}]`,
  };
  return gridFigure(fn, stack, options);
}

/**
 * Show a batch of images as a grid, titled with labels or "pred / true".
 *
 * @example dd.imageGrid(xTest.slice(0, 16), { labels: yTest.slice(0, 16), predictions: predicted.slice(0, 16) })
 */
export function imageGrid(batch: tf.Tensor, options: GridOptions = {}): void {
  display(imageGridFigure(batch, options));
}

/** The channels of one layer output ([1, h, w, c] or [h, w, c]) as a grid, each stretched to its own range. */
export function featureMapsFigure(activation: tf.Tensor, options: GridOptions = {}): Figure {
  const fn = "featureMaps";
  assertLiveTensor(fn, "activation", activation);
  const shape = activation.rank === 4 && activation.shape[0] === 1 ? activation.shape.slice(1) : activation.shape;
  if (shape.length !== 3) throw new RangeError(messages.activationShape(fn, activation.shape));
  const [h, w, c] = shape as [number, number, number];
  const transposed = tf.tidy(() => tf.transpose(tf.reshape(activation, [h, w, c]), [2, 0, 1]));
  const values = transposed.dataSync() as ArrayLike<number>;
  transposed.dispose();
  const stack: Stack = {
    values,
    n: c,
    height: h,
    width: w,
    channels: 1,
    integral: false,
    description: `feature maps [${activation.shape.join(", ")}]`,
  };
  return gridFigure(
    fn,
    stack,
    { titles: Array.from({ length: c }, (_, i) => String(i)), ...options },
    { cmap: "viridis", normalize: "each" },
  );
}

/** Show a layer's feature maps. */
export function featureMaps(activation: tf.Tensor, options: GridOptions = {}): void {
  display(featureMapsFigure(activation, options));
}

/**
 * A convolution kernel [kh, kw, in, out] as a grid of its `out` filters for one input channel, on a
 * diverging colormap centred on zero (blue negative, red positive).
 */
export function filtersFigure(kernel: tf.Tensor, options: GridOptions & { inputChannel?: number } = {}): Figure {
  const fn = "filters";
  assertLiveTensor(fn, "kernel", kernel);
  if (kernel.rank !== 4) throw new RangeError(messages.kernelShape(fn, kernel.shape));
  const [kh, kw, cin, cout] = kernel.shape as [number, number, number, number];
  const { inputChannel = 0, ...rest } = options;
  integer(fn, "inputChannel", inputChannel, 0, cin - 1);
  const picked = tf.tidy(() =>
    tf.transpose(tf.reshape(tf.slice(kernel, [0, 0, inputChannel, 0], [kh, kw, 1, cout]), [kh, kw, cout]), [2, 0, 1]),
  );
  const values = picked.dataSync() as ArrayLike<number>;
  picked.dispose();
  let bound = 0;
  for (let i = 0; i < values.length; i++)
    if (Number.isFinite(values[i]!)) bound = Math.max(bound, Math.abs(values[i]!));
  bound ||= 1;
  const stack: Stack = {
    values,
    n: cout,
    height: kh,
    width: kw,
    channels: 1,
    integral: false,
    description: `filters [${kernel.shape.join(", ")}], input channel ${inputChannel}`,
  };
  return gridFigure(
    fn,
    stack,
    { titles: Array.from({ length: cout }, (_, i) => String(i)), ...rest },
    { cmap: "rdbu", min: -bound, max: bound, normalize: "global" },
  );
}

/** Show a convolution layer's filters. */
export function filters(kernel: tf.Tensor, options: GridOptions & { inputChannel?: number } = {}): void {
  display(filtersFigure(kernel, options));
}
