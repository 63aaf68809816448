/**
 * deepdeck: the helper package of "Intro to Deep Learning (and Computer Vision)" in TypeScript.
 * Every public name is listed here; test/index.test.ts locks the list.
 *
 * @example
 * import * as dd from "deepdeck";
 * import * as tf from "@tensorflow/tfjs";
 * await dd.ready();
 * dd.str(tf.zeros([60000, 28, 28], "int32"));
 *
 * The deck tool's `parseDeck` and `buildDeck` are in the subpath `deepdeck/deck` (src/deck/index.mts): the
 * deck wing is an ES module above the library, which this CommonJS entry may not import (eslint's layers).
 */
import * as tf from "@tensorflow/tfjs";
import { installPatches } from "./install";

installPatches();

/** The TensorFlow.js instance deepdeck uses (the same one `import * as tf from "@tensorflow/tfjs"` gives in this project). */
export { tf };

export { ready, backendReport, resetBackendChoice, backendChoices } from "./backend/ready";
export type { BackendChoice, BackendAttempt, BackendReport } from "./backend/ready";
export { conv2dFilterGrad, dilateFilter } from "./backend/conv2d_gradients";

export { display, newDisplay, setDisplaySink, DisplayHandle } from "./display/display";
export type { DisplayValue, DisplayOptions, DisplaySink } from "./display/display";
export { jupyterDisplaySymbol } from "./display/bundle";
export type { MimeBundle, Displayable } from "./display/bundle";
export { inTslabKernel } from "./tslab/display_adapter";

export { formatTensor, print } from "./format/inspect";
export { setPrintOptions, getPrintOptions, resetPrintOptions } from "./format/print_options";
export type { PrintOptions } from "./format/print_options";
export { str } from "./format/str";
export type { StrOptions } from "./format/str";
export { tensorHtml, showTensor, Html } from "./format/tensor_html";
export type { TensorHtmlOptions } from "./format/tensor_html";

export { imshow, imageFigure } from "./image/imshow";
export type { ImshowOptions } from "./image/imshow";
export { imageGrid, imageGridFigure, featureMaps, featureMapsFigure, filters, filtersFigure } from "./image/grid";
export type { GridOptions } from "./image/grid";
export { Figure } from "./image/figure";
export { colormapNames } from "./image/colormap";
export type { ColormapName } from "./image/colormap";
export type { RasterOptions } from "./image/raster";
export { pixelTable } from "./format/tensor_html";
export { gradCam, gradCamOverlay, gradCamOverlayFigure } from "./image/grad_cam";
export type { GradCamOptions, GradCamResult, GradCamOverlayOptions } from "./image/grad_cam";

export { historySpec, historySummary } from "./charts/history";
export type { HistoryLike, HistoryOptions } from "./charts/history";
export { plotHistory, liveTraining, LiveTraining, progressLine } from "./charts/live";
export type { LiveTrainingOptions } from "./charts/live";
export { activationSpec, plotActivations, activationNames } from "./charts/activations";
export type { ActivationName, ActivationOptions } from "./charts/activations";
export { probabilitiesSpec, plotProbabilities } from "./charts/probabilities";
export type { ProbabilitiesOptions } from "./charts/probabilities";
export { confusionMatrixSpec, plotConfusionMatrix } from "./charts/confusion";
export type { ConfusionOptions } from "./charts/confusion";
export { Chart, chart, showChart, renderSvg, vegaLiteMime } from "./charts/render";
export type { ChartOptions } from "./charts/spec";
export { lossSurfaceSpec, lossSurfaceSummary, plotLossSurface, optimizerPath } from "./charts/loss_surface";
export type { SurfaceFunction, SurfacePath, LossSurfaceOptions } from "./charts/loss_surface";

import { datasetCacheDir, fashionMnist, fashionMnistClasses, mnist } from "./data/datasets";
/**
 * The course's datasets, as Keras's `dataset_mnist()` and `dataset_fashion_mnist()`.
 *
 * @example const { train, test } = await dd.datasets.mnist();
 */
export const datasets = { mnist, fashionMnist, fashionMnistClasses, cacheDir: datasetCacheDir } as const;
export type { Dataset, DatasetOptions, Split } from "./data/datasets";
export { toCategorical, arrayReshape, sampleSlice, batch } from "./data/convenience";
export { augment } from "./data/augment";
export type { AugmentOptions } from "./data/augment";
export { quickMode } from "./quick";
export { fitCacheDir } from "./models/fit_cache";
export { setSeed } from "./seed";

export { saveModel, loadModel } from "./models/tfjs_files";
export type { SaveModelOptions, SavedModelInfo } from "./models/tfjs_files";
export { loadKeras } from "./models/keras_load";
export type { LoadKerasOptions } from "./models/keras_load";
export { saveKeras } from "./models/keras_save";
export { summary, summaryText } from "./models/summary";
export type { SummaryOptions } from "./models/summary";
export { evaluate, predictClasses, predict } from "./models/evaluate";
export type { Evaluation, EvaluateOptions } from "./models/evaluate";
