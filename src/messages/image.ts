import { describe, shapeText } from "./describe";

/** Messages of the image wing: rasters, grids, figures, colours and Grad-CAM. */
export const image = {
  rasterShape: (fn: string, arg: string, shape: readonly number[]) =>
    `${fn}: ${arg} must have shape [height, width] or [height, width, 1 | 3 | 4], received ${shapeText(shape)}.`,
  maxNotAboveMin: (fn: string, max: number, min: number) =>
    `${fn}: option max (${max}) must be greater than min (${min}).`,
  badColour: (fn: string, option: string, value: unknown) =>
    `${fn}: option ${option} must be a colour like "#ff00ff", received ${JSON.stringify(value)}.`,

  // Figures.
  figureSavePath: (path: unknown) => `Figure.save: path must end in .png or .svg, received ${JSON.stringify(path)}.`,
  figureNoSvg: () => "Figure.save: this figure has no SVG form (it has no text); save it as .png.",

  // Grids of images, activations and kernels.
  /** A per-image option (labels, predictions) whose length is not the number of images `n`. */
  perImageLength: (fn: string, name: string, n: number, length: number) =>
    `${fn}: option ${name} must have one entry per image (${n}), received ${length}.`,
  badNormalize: (fn: string, normalize: unknown) =>
    `${fn}: option normalize must be "global" or "each", received ${JSON.stringify(normalize)}.`,
  titlesLength: (fn: string, n: number) => `${fn}: option titles must have one string per image (${n}).`,
  gridBatchShape: (fn: string, shape: readonly number[]) =>
    `${fn}: batch must have shape [n, height, width] or [n, height, width, 1 | 3 | 4], received ${shapeText(shape)}.`,
  gridTooLarge: (fn: string, n: number) =>
    `${fn}: a grid of ${n} images is too many to look at; take a slice of at most 400 (e.g. batch.slice(0, 64)).`,
  activationShape: (fn: string, shape: readonly number[]) =>
    `${fn}: activation must have shape [1, height, width, channels] or [height, width, channels], received ${shapeText(shape)}.`,
  kernelShape: (fn: string, shape: readonly number[]) =>
    `${fn}: kernel must have shape [height, width, inChannels, outChannels], received ${shapeText(shape)}.`,

  // Grad-CAM.
  notALayersModel: (fn: string, model: unknown) =>
    `${fn}: model must be a tf.LayersModel (tf.sequential() or tf.model()), received ${describe(model)}.`,
  noConvLayer: (fn: string) =>
    `${fn}: the model has no layer with a 4-D output (a convolution or pooling layer) to explain.`,
  unknownLayer: (fn: string, layer: unknown, names: readonly string[]) =>
    `${fn}: option layer ${JSON.stringify(layer)} is not a layer of the model; its layers are ${names.join(", ")}.`,
  /** The layers after the explained one (`after`) do not form a chain: `layer` has more inputs than `before`. */
  notAChain: (fn: string, after: string, layer: string, before: string) =>
    `${fn}: the layers after ${after} must form a single chain (as in a Sequential model); ${layer} does not follow ${before} alone.`,
  notOneOutput: (fn: string, outputs: number) => `${fn}: the model must have one output, it has ${outputs}.`,
  gradCamImageShape: (fn: string, shape: readonly number[]) =>
    `${fn}: image must be one image, [height, width, channels] or [1, height, width, channels], received ${shapeText(shape)}.`,
  gradCamBatchShape: (fn: string, shape: readonly number[]) =>
    `${fn}: images must be a batch [n, height, width, 1 | 3], received ${shapeText(shape)}.`,
  gradCamTooMany: (fn: string, n: number) =>
    `${fn}: ${n} images make too tall a figure; pass at most 20 (e.g. images.slice(0, 4)).`,
} as const;
