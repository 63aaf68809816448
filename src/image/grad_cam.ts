/**
 * Grad-CAM (Selvaraju et al., 2017): where in an image a convnet looked to choose a class. The
 * gradient of the class's score with respect to a convolution layer's output, averaged over each
 * channel, weighs that channel's activation; their ReLU'd sum, upsampled to the image, is the heatmap.
 */
import * as tf from "@tensorflow/tfjs";
import { display } from "../display/display";
import { assertLiveTensor } from "../format/tensor_read";
import { messages } from "../messages";
import { checkKnownKeys, integer } from "../options";
import { colormapTable, type ColormapName } from "./colormap";
import type { Figure } from "./figure";
import { imageGridFigure, type GridOptions } from "./grid";

/** Options of {@link gradCam}. */
export interface GradCamOptions {
  /**
   * The layer whose output is weighed, by name or index. Default: the last layer with a 4-D output
   * (convolution or pooling) of at least 7×7, else the last 4-D one: the course convnet's last conv
   * output is 3×3, which upsamples to blocks.
   */
  layer?: string | number;
  /** The class to explain. Default: the class the model predicts. */
  classIndex?: number;
}

/** What {@link gradCam} found for one image. */
export interface GradCamResult {
  /** [height, width] of the input, in [0, 1] (1 where the class's evidence is strongest). */
  heatmap: tf.Tensor2D;
  /** The class explained. */
  classIndex: number;
  /** The model's probability (its output) for that class. */
  score: number;
  /** The layer used. */
  layerName: string;
}

function pickLayer(fn: string, model: tf.LayersModel, layer: string | number | undefined): number {
  const layers = model.layers;
  if (layer === undefined) {
    const spatial = layers.map((l) => {
      const shape = l.outputShape;
      return Array.isArray(shape) && !Array.isArray(shape[0]) && shape.length === 4
        ? Math.min(Number(shape[1]), Number(shape[2]))
        : -1;
    });
    // The last 4-D layer of a small convnet can be 3×3, too coarse to show anything: prefer the last one of at least 7×7.
    let last = -1;
    for (let i = layers.length - 1; i >= 0; i--) {
      if (spatial[i]! >= 7) return i;
      if (last < 0 && spatial[i]! > 0) last = i;
    }
    if (last >= 0) return last;
    throw new RangeError(messages.noConvLayer(fn));
  }
  if (typeof layer === "number") return integer(fn, "layer", layer, 0, layers.length - 1);
  const i = layers.findIndex((l) => l.name === layer);
  if (i < 0)
    throw new RangeError(
      messages.unknownLayer(
        fn,
        layer,
        layers.map((l) => l.name),
      ),
    );
  return i;
}

/** The layers after `index`, applied in order; checks that they form a single chain. */
function headAfter(fn: string, model: tf.LayersModel, index: number): (a: tf.Tensor) => tf.Tensor {
  const rest = model.layers.slice(index + 1);
  rest.forEach((l, k) => {
    const before = k === 0 ? model.layers[index]! : rest[k - 1]!;
    const inbound = (l as unknown as { inboundNodes: { inboundLayers: tf.layers.Layer[] }[] }).inboundNodes;
    if (inbound.length !== 1 || inbound[0]!.inboundLayers.length !== 1 || inbound[0]!.inboundLayers[0] !== before) {
      throw new RangeError(messages.notAChain(fn, model.layers[index]!.name, l.name, before.name));
    }
  });
  if (model.outputs.length !== 1) throw new RangeError(messages.notOneOutput(fn, model.outputs.length));
  return (a) => rest.reduce((t, l) => l.apply(t) as tf.Tensor, a);
}

/**
 * The Grad-CAM heatmap of one image ([h, w, c] or [1, h, w, c], scaled as the model expects).
 * Dispose `heatmap` when done.
 *
 * @example const { heatmap, classIndex } = dd.gradCam(convnet, xTest.slice(0, 1))
 */
export function gradCam(model: tf.LayersModel, image: tf.Tensor, options: GradCamOptions = {}): GradCamResult {
  return gradCamFor("gradCam", model, image, options);
}

/** {@link gradCam}, its errors naming `fn`, the function the user called. */
function gradCamFor(fn: string, model: tf.LayersModel, image: tf.Tensor, options: GradCamOptions): GradCamResult {
  if (!(model instanceof tf.LayersModel)) throw new TypeError(messages.notALayersModel(fn, model));
  assertLiveTensor(fn, "image", image);
  checkKnownKeys(fn, options, ["layer", "classIndex"]);
  const x = image.rank === 3 ? image.expandDims(0) : image;
  try {
    if (x.rank !== 4 || x.shape[0] !== 1) throw new RangeError(messages.gradCamImageShape(fn, image.shape));
    const index = pickLayer(fn, model, options.layer);
    const layer = model.layers[index]!;
    const head = headAfter(fn, model, index);
    const base = tf.model({ inputs: model.inputs, outputs: layer.output });
    return tf.tidy(() => {
      const activation = base.predict(x) as tf.Tensor4D;
      const probabilities = head(activation);
      const classes = probabilities.shape[probabilities.shape.length - 1]!;
      const classIndex =
        options.classIndex === undefined
          ? (tf.argMax(probabilities.reshape([-1]), 0).dataSync()[0] as number)
          : integer(fn, "classIndex", options.classIndex, 0, classes - 1);
      const score = probabilities.reshape([-1]).dataSync()[classIndex]!;
      // The chosen class's score alone, as a slice of the output.
      const grads = tf.grad((a: tf.Tensor) => tf.sum(tf.slice(head(a).reshape([-1]), classIndex, 1)))(
        activation,
      ) as tf.Tensor4D;
      const weights = tf.mean(grads, [1, 2], true);
      const cam = tf.relu(tf.sum(tf.mul(activation, weights), -1, true)) as tf.Tensor4D;
      const resized = tf.image.resizeBilinear(cam, [x.shape[1]!, x.shape[2]!]).reshape([x.shape[1]!, x.shape[2]!]);
      const peak = tf.max(resized);
      // A class with no positive evidence anywhere gives an all-zero map, not a division by zero.
      const heatmap = tf.div<tf.Tensor2D>(resized, tf.maximum(peak, 1e-12));
      return { heatmap, classIndex, score, layerName: layer.name };
    });
  } finally {
    if (x !== image) x.dispose();
  }
}

/** Options of {@link gradCamOverlay}. */
export interface GradCamOverlayOptions extends GradCamOptions {
  /** Colormap of the heatmap. Default "magma". */
  cmap?: ColormapName;
  /** Weight of the heatmap over the image in the overlay, in [0, 1]. Default 0.5. */
  alpha?: number;
  /** Names of the classes for the titles. */
  classNames?: string[];
  /** Pixel scale of the images. Default 5. */
  scale?: number;
}

/** A one-channel [h, w] map in [0, 1] as RGB through a colormap. */
function colorize(map: tf.Tensor2D, cmap: ColormapName): tf.Tensor3D {
  return tf.tidy(() => {
    const lut = tf.tensor2d(colormapTable(cmap, "gradCamOverlay"), [256, 3], "int32");
    const idx = tf.cast(tf.round(tf.mul(tf.clipByValue(map, 0, 1), 255)), "int32");
    return tf.div<tf.Tensor3D>(tf.cast(tf.gather(lut, idx), "float32"), 255);
  });
}

/**
 * For each image of a batch [n, h, w, c]: the image, its Grad-CAM heatmap and the two overlaid, as one
 * row of a grid titled with the class explained and its probability.
 */
export function gradCamOverlayFigure(
  model: tf.LayersModel,
  images: tf.Tensor,
  options: GradCamOverlayOptions = {},
): Figure {
  const fn = "gradCamOverlay";
  assertLiveTensor(fn, "images", images);
  checkKnownKeys(fn, options, ["layer", "classIndex", "cmap", "alpha", "classNames", "scale"]);
  if (images.rank !== 4 || ![1, 3].includes(images.shape[3]!))
    throw new RangeError(messages.gradCamBatchShape(fn, images.shape));
  if (images.shape[0] > 20) throw new RangeError(messages.gradCamTooMany(fn, images.shape[0]));
  const alpha = options.alpha ?? 0.5;
  if (typeof alpha !== "number" || !(alpha >= 0 && alpha <= 1))
    throw new RangeError(messages.optionNotNumberIn(fn, "alpha", alpha, 0, 1));
  const cmap = options.cmap ?? "magma";
  const titles: string[] = [];
  const layerNames = new Set<string>();
  const cells = tf.tidy(() => {
    const rows: tf.Tensor[] = [];
    for (let i = 0; i < images.shape[0]; i++) {
      const image = images.slice(i, 1);
      const { heatmap, classIndex, score, layerName } = gradCamFor(fn, model, image, {
        ...(options.layer !== undefined ? { layer: options.layer } : {}),
        ...(options.classIndex !== undefined ? { classIndex: options.classIndex } : {}),
      });
      // The image in [0, 1] and in RGB, so the three panels share one colour space.
      const lo = tf.min(image);
      const span = tf.maximum(tf.sub(tf.max(image), lo), 1e-12);
      let rgb = tf.div<tf.Tensor3D>(tf.sub(image, lo), span).reshape(image.shape.slice(1));
      if (rgb.shape[2] === 1) rgb = tf.tile(rgb, [1, 1, 3]);
      const heat = colorize(heatmap, cmap);
      const overlay = tf.add(tf.mul(rgb, 1 - alpha), tf.mul(heat, alpha));
      rows.push(rgb, heat, overlay);
      const name = options.classNames?.[classIndex] ?? String(classIndex);
      titles.push(`image ${i}`, `class ${name}, p = ${score.toFixed(2)}`, "overlay");
      layerNames.add(layerName);
    }
    return tf.stack(rows);
  });
  try {
    const grid: GridOptions = {
      cols: 3,
      titles,
      min: 0,
      max: 1,
      scale: integer(fn, "scale", options.scale ?? 5, 1, 40),
      title: `Grad-CAM on ${[...layerNames].join(", ")}`,
    };
    return imageGridFigure(cells, grid);
  } finally {
    cells.dispose();
  }
}

/**
 * Show, for each image of a batch, where the convnet looked: the image, its Grad-CAM heatmap, and both overlaid.
 *
 * @example dd.gradCamOverlay(convnet, xTest.slice(0, 3))
 */
export function gradCamOverlay(model: tf.LayersModel, images: tf.Tensor, options: GradCamOverlayOptions = {}): void {
  display(gradCamOverlayFigure(model, images, options));
}
