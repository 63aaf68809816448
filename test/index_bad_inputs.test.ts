/**
 * Faults across the public API (issue 15), by kind: each public function, called with every kind of bad
 * argument its signature admits (wrong type, wrong shape or rank, a number out of range, a disposed
 * tensor, a missing file, a wrong option name or value), throws deepdeck's own sentence, which starts
 * with the function's name and names the argument, and leaves `tf.memory().numTensors` as it was.
 * test/index_faults.test.ts calls each export once with bad and once with good input.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { barSpec, bowl, disposed, path, progress } from "./support/public_inputs";
import { dd, tf } from "./support/tf";

const scratch = mkdtempSync(join(tmpdir(), "deepdeck-bad-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** [the kind of bad argument, the call, a word the sentence must hold: the argument or option it names]. */
type Bad = [string, () => unknown, string];
/** An export's bad calls; `prefix` is the name its errors start with when it is not the export's. */
interface Row {
  bad: Bad[];
  prefix?: string;
}

/** Functions that take no input (or only a constant); the last test checks every other one has a row. */
const noInput = new Set([
  "ready",
  "resetBackendChoice",
  "backendReport",
  "getPrintOptions",
  "resetPrintOptions",
  "inTslabKernel",
  "quickMode",
  "fitCacheDir",
  "datasets.cacheDir",
]);

const f = {} as {
  model: tf.LayersModel;
  image: tf.Tensor;
  batch4: tf.Tensor;
  single: tf.Tensor;
  labels: tf.Tensor;
  oneHot: tf.Tensor;
  matrix: tf.Tensor;
  flat: tf.Tensor;
  five: tf.Tensor;
  strings: tf.Tensor;
  dy: tf.Tensor;
  kernel: tf.Tensor;
};

const history = { history: { loss: [1, 0.5] } };
/** A bad argument, given where the types would refuse it. */
const x = (v: unknown): never => v as never;

/** The bad calls of the image functions that take one tensor and raster options. */
const imageBads = (call: (t: tf.Tensor, o?: object) => unknown): Bad[] => [
  ["rank 1", () => call(f.flat), "x"],
  ["rank 5", () => call(f.five), "x"],
  ["disposed", () => call(disposed([4, 4])), "disposed"],
  ["string tensor", () => call(f.strings), "string"],
  ["not a tensor", () => call(x([[1, 2]])), "x"],
  ["unknown colormap", () => call(f.image, { cmap: "nope" }), "cmap"],
  ["scale 0", () => call(f.image, { scale: 0 }), "scale"],
  ["min above max", () => call(f.image, { min: 1, max: 0 }), "min"],
  ["unknown option", () => call(f.image, { nope: 1 }), "nope"],
];
const gridBads = (call: (t: tf.Tensor, o?: object) => unknown): Bad[] => [
  ["rank 2", () => call(f.matrix), "batch"],
  ["disposed", () => call(disposed([2, 4, 4, 1])), "disposed"],
  ["cols 0", () => call(f.batch4, { cols: 0 }), "cols"],
  ["cols 1.5", () => call(f.batch4, { cols: 1.5 }), "cols"],
  ["titles of the wrong length", () => call(f.batch4, { titles: ["a"] }), "titles"],
  ["labels of the wrong length", () => call(f.batch4, { labels: [1, 2, 3] }), "labels"],
  ["unknown normalize", () => call(f.batch4, { normalize: "nope" }), "normalize"],
  ["unknown option", () => call(f.batch4, { nope: 1 }), "nope"],
];
const featureBads = (call: (t: tf.Tensor, o?: object) => unknown): Bad[] => [
  ["rank 1", () => call(f.flat), "activation"],
  ["disposed", () => call(disposed([1, 4, 4, 2])), "disposed"],
  ["cols -1", () => call(f.single, { cols: -1 }), "cols"],
  ["unknown option", () => call(f.single, { nope: 1 }), "nope"],
];
const filterBads = (call: (t: tf.Tensor, o?: object) => unknown): Bad[] => [
  ["rank 3", () => call(f.image), "kernel"],
  ["disposed", () => call(disposed([3, 3, 1, 2])), "disposed"],
  ["inputChannel out of range", () => call(f.kernel, { inputChannel: 5 }), "inputChannel"],
  ["unknown option", () => call(f.kernel, { nope: 1 }), "nope"],
];
const camBads = (call: (m: tf.LayersModel, t: tf.Tensor, o?: object) => unknown, good: () => tf.Tensor): Bad[] => [
  ["not a model", () => call(x(42), good()), "model"],
  ["wrong image shape", () => call(f.model, f.matrix), "image"],
  ["disposed", () => call(f.model, disposed([1, 8, 8, 1])), "disposed"],
  ["unknown layer", () => call(f.model, good(), { layer: "nope" }), "nope"],
  ["layer index out of range", () => call(f.model, good(), { layer: 99 }), "layer"],
  ["classIndex out of range", () => call(f.model, good(), { classIndex: 9 }), "classIndex"],
  ["unknown option", () => call(f.model, good(), { nope: 1 }), "nope"],
];
const historyBads = (call: (h: dd.HistoryLike, o?: object) => unknown): Bad[] => [
  ["not a history", () => call(x(42)), "history"],
  ["a metric that is not a list", () => call(x({ history: { loss: "x" } })), "loss"],
  ["an unknown metric", () => call(history, { metrics: ["nope"] }), "nope"],
  ["epochs -1", () => call(history, { epochs: -1 }), "epochs"],
  ["unknown option", () => call(history, { nope: 1 }), "nope"],
];
const activationBads = (call: (a: dd.ActivationName[], o?: object) => unknown): Bad[] => [
  ["unknown activation", () => call(x(["nope"])), "nope"],
  ["not a list", () => call(x(42)), "give at least one function"],
  ["domain reversed", () => call(["relu"], { domain: [1, 0] }), "domain"],
  ["samples 0", () => call(["relu"], { samples: 0 }), "samples"],
  ["unknown option", () => call(["relu"], { nope: 1 }), "nope"],
];
const probabilityBads = (call: (p: tf.Tensor | number[], o?: object) => unknown): Bad[] => [
  ["rank 2", () => call(f.matrix), "probabilities"],
  ["not numbers", () => call(x("x")), "probabilities"],
  ["disposed", () => call(disposed([3])), "disposed"],
  ["trueClass out of range", () => call([0.2, 0.8], { trueClass: 5 }), "trueClass"],
  ["classNames of the wrong length", () => call([0.2, 0.8], { classNames: ["a"] }), "classNames"],
  ["unknown option", () => call([0.2, 0.8], { nope: 1 }), "nope"],
];
const confusionBads = (call: (l: tf.Tensor | number[], p: tf.Tensor | number[], o?: object) => unknown): Bad[] => [
  ["lengths differ", () => call([0, 1], [0]), "predictions"],
  ["not whole numbers", () => call([0, 1.5], [0, 1]), "label 1.5"],
  ["label past numClasses", () => call([0, 5], [0, 1], { numClasses: 2 }), "classes are whole numbers in [0, 1]"],
  ["disposed", () => call(disposed([2]), [0, 1]), "disposed"],
  ["classNames of the wrong length", () => call([0, 1], [0, 1], { classNames: ["a"] }), "classNames"],
  ["unknown option", () => call([0, 1], [0, 1], { nope: 1 }), "nope"],
];
const chartBads = (call: (s: object, t: string, o?: object) => unknown): Bad[] => [
  ["spec not an object", () => call(x(42), "bars"), "spec"],
  ["text not a string", () => call(barSpec, x(42)), "text"],
  ["png not a boolean", () => call(barSpec, "bars", { png: "x" }), "png"],
  ["unknown option", () => call(barSpec, "bars", { nope: 1 }), "nope"],
];
const surfaceBads = (call: (s: dd.SurfaceFunction, p: dd.SurfacePath[], o?: object) => unknown): Bad[] => [
  ["not a function", () => call(x(42), [path]), "f"],
  ["paths not a list", () => call(bowl, x(42)), "paths"],
  ["a point that is not a pair", () => call(bowl, [{ name: "a", points: x([[1]]) }]), "points"],
  ["resolution 0", () => call(bowl, [path], { resolution: 0 }), "resolution"],
  ["x range reversed", () => call(bowl, [path], { x: [1, -1] }), "x"],
  ["unknown option", () => call(bowl, [path], { nope: 1 }), "nope"],
];
const evaluateBads = (call: (m: tf.LayersModel, t: tf.Tensor, o?: object) => unknown): Bad[] => [
  ["not a model", () => call(x(42), f.single), "model"],
  ["wrong input shape", () => call(f.model, f.matrix), "x"],
  ["disposed", () => call(f.model, disposed([1, 8, 8, 1])), "disposed"],
  ["batchSize 0", () => call(f.model, f.single, { batchSize: 0 }), "batchSize"],
  ["unknown option", () => call(f.model, f.single, { nope: 1 }), "nope"],
];
const formatBads = (call: (t: tf.Tensor, o?: object) => unknown): Bad[] => [
  ["disposed", () => call(disposed()), "disposed"],
  ["not a tensor", () => call(x(42)), "x"],
  ["precision -1", () => call(f.matrix, { precision: -1 }), "precision"],
  ["unknown option", () => call(f.matrix, { nope: 1 }), "nope"],
];
const htmlBads = (call: (t: tf.Tensor, o?: object) => unknown): Bad[] => [
  ["disposed", () => call(disposed()), "disposed"],
  ["not a tensor", () => call(x(42)), "x"],
  ["slice past the shape", () => call(f.five, { slice: [9] }), "slice"],
  ["min not a number", () => call(f.matrix, { min: "x" }), "min"],
  ["unknown option", () => call(f.matrix, { nope: 1 }), "nope"],
];
const saveBads = (call: (m: tf.LayersModel, p: string) => unknown, name: string): Bad[] => [
  ["not a model", () => call(x(42), join(scratch, name)), "model"],
  ["path not a string", () => call(f.model, x(42)), "42"],
  ["parent is a file", () => call(f.model, join(__filename, name)), "is a file"],
];
const datasetBads = (call: (o: dd.DatasetOptions) => unknown): Bad[] => [
  ["missing folder", () => call({ dir: join(scratch, "absent") }), "dir"],
  ["dir is a file", () => call({ dir: __filename }), "dir"],
  ["dir not a string", () => call(x({ dir: 42 })), "dir"],
  ["limit -1", () => call({ dir: join(scratch, "absent"), limit: -1 }), "limit"],
  ["unknown option", () => call(x({ nope: 1 })), "nope"],
];

const rows = (): Record<string, Row> => ({
  conv2dFilterGrad: {
    bad: [
      ["rank 1", () => dd.conv2dFilterGrad(x(f.flat), x(f.dy), [3, 3, 1, 2], 1, "valid"), "x"],
      ["disposed", () => dd.conv2dFilterGrad(x(disposed([1, 8, 8, 1])), x(f.dy), [3, 3, 1, 2], 1, "valid"), "disposed"],
      [
        "filterShape of rank 3",
        () => dd.conv2dFilterGrad(x(f.single), x(f.dy), x([3, 3, 1]), 1, "valid"),
        "filterShape",
      ],
      ["strides 0", () => dd.conv2dFilterGrad(x(f.single), x(f.dy), [3, 3, 1, 2], 0, "valid"), "strides"],
      ["unknown pad", () => dd.conv2dFilterGrad(x(f.single), x(f.dy), [3, 3, 1, 2], 1, x("nope")), "pad"],
    ],
  },
  dilateFilter: {
    bad: [
      ["disposed", () => dd.dilateFilter(x(disposed([3, 3, 1, 2])), 2), "disposed"],
      ["rank 1", () => dd.dilateFilter(x(f.flat), 2), "filter"],
      ["dilations 0", () => dd.dilateFilter(x(f.kernel), 0), "dilations"],
      ["dilations not a number", () => dd.dilateFilter(x(f.kernel), x("x")), "dilations"],
    ],
  },
  display: {
    bad: [
      ["a tensor", () => dd.display(x(f.image)), "received a Tensor"],
      ["a symbol", () => dd.display(x(Symbol("s"))), "received a Symbol"],
      ["unknown option", () => dd.display("text", x({ nope: 1 })), "nope"],
    ],
  },
  newDisplay: {
    prefix: "DisplayHandle.update",
    bad: [
      ["a tensor", () => dd.newDisplay().update(x(f.image)), "received a Tensor"],
      ["a function", () => dd.newDisplay().update(x(() => 1)), "received a function"],
    ],
  },
  setDisplaySink: {
    bad: [
      ["a number", () => dd.setDisplaySink(x(42)), "sink"],
      ["a string", () => dd.setDisplaySink(x("x")), "sink"],
    ],
  },
  str: {
    bad: [
      ["values -1", () => dd.str(f.image, { values: -1 }), "values"],
      ["maxDepth not a number", () => dd.str(f.image, x({ maxDepth: "x" })), "maxDepth"],
      ["unknown option", () => dd.str(f.image, x({ nope: 1 })), "nope"],
      ["disposed", () => dd.str(disposed()), "disposed"],
    ],
  },
  formatTensor: { bad: formatBads((t, o) => dd.formatTensor(t, o)) },
  print: { prefix: "formatTensor", bad: formatBads((t, o) => dd.print(t, o)) },
  tensorHtml: { bad: htmlBads((t, o) => dd.tensorHtml(t, o)) },
  showTensor: { prefix: "tensorHtml", bad: htmlBads((t, o) => dd.showTensor(t, o)) },
  pixelTable: { prefix: "tensorHtml", bad: htmlBads((t, o) => dd.pixelTable(t, o)) },
  setPrintOptions: {
    bad: [
      ["precision -3", () => dd.setPrintOptions({ precision: -3 }), "precision"],
      ["threshold not a number", () => dd.setPrintOptions(x({ threshold: "x" })), "threshold"],
      ["unknown option", () => dd.setPrintOptions(x({ nope: 1 })), "nope"],
      ["not an object", () => dd.setPrintOptions(x(42)), "options"],
    ],
  },
  setSeed: {
    bad: [
      ["negative", () => dd.setSeed(-1), "seed"],
      ["not whole", () => dd.setSeed(1.5), "seed"],
      ["not a number", () => dd.setSeed(x("x")), "seed"],
    ],
  },
  imageFigure: { prefix: "imshow", bad: imageBads((t, o) => dd.imageFigure(t, o)) },
  imshow: { bad: imageBads((t, o) => dd.imshow(t, o)) },
  imageGridFigure: { prefix: "imageGrid", bad: gridBads((t, o) => dd.imageGridFigure(t, o)) },
  imageGrid: { bad: gridBads((t, o) => dd.imageGrid(t, o)) },
  featureMapsFigure: { prefix: "featureMaps", bad: featureBads((t, o) => dd.featureMapsFigure(t, o)) },
  featureMaps: { bad: featureBads((t, o) => dd.featureMaps(t, o)) },
  filtersFigure: { prefix: "filters", bad: filterBads((t, o) => dd.filtersFigure(t, o)) },
  filters: { bad: filterBads((t, o) => dd.filters(t, o)) },
  gradCam: {
    bad: camBads(
      (m, t, o) => dd.gradCam(m, t, o),
      () => f.single,
    ),
  },
  gradCamOverlayFigure: {
    prefix: "gradCamOverlay",
    bad: [
      ...camBads(
        (m, t, o) => dd.gradCamOverlayFigure(m, t, o),
        () => f.batch4,
      ),
      ["alpha 2", () => dd.gradCamOverlayFigure(f.model, f.batch4, { alpha: 2 }), "alpha"],
    ],
  },
  gradCamOverlay: {
    bad: [
      ...camBads(
        (m, t, o) => dd.gradCamOverlay(m, t, o),
        () => f.batch4,
      ),
      ["alpha 2", () => dd.gradCamOverlay(f.model, f.batch4, { alpha: 2 }), "alpha"],
    ],
  },
  toCategorical: {
    bad: [
      ["not whole", () => dd.toCategorical([0, 1.5]), "y"],
      ["label past numClasses", () => dd.toCategorical(f.labels, 2), "numClasses"],
      ["numClasses 0", () => dd.toCategorical(f.labels, 0), "numClasses"],
      ["not numbers", () => dd.toCategorical(x("x")), "y"],
      ["disposed", () => dd.toCategorical(disposed([3])), "disposed"],
    ],
  },
  arrayReshape: {
    bad: [
      ["impossible shape", () => dd.arrayReshape(f.image, [7, -1]), "shape"],
      ["two -1s", () => dd.arrayReshape(f.image, [-1, -1]), "shape"],
      ["shape not a list", () => dd.arrayReshape(f.image, x("x")), "shape"],
      ["disposed", () => dd.arrayReshape(disposed(), [-1]), "disposed"],
    ],
  },
  sampleSlice: {
    bad: [
      ["end past the length", () => dd.sampleSlice(f.batch4, 0, 99), "end"],
      ["start negative", () => dd.sampleSlice(f.batch4, -5), "start"],
      ["start not whole", () => dd.sampleSlice(f.batch4, 0.5), "start"],
      ["disposed", () => dd.sampleSlice(disposed(), 0), "disposed"],
    ],
  },
  batch: {
    bad: [
      ["batchSize 0", () => dd.batch(f.batch4, 0, 0), "batchSize"],
      ["index past the end", () => dd.batch(f.batch4, 9, 1), "index"],
      ["index negative", () => dd.batch(f.batch4, -1, 1), "index"],
      ["disposed", () => dd.batch(disposed(), 0, 1), "disposed"],
    ],
  },
  augment: {
    bad: [
      ["rank 3", () => dd.augment(f.image, { rotation: 10 }), "images"],
      ["disposed", () => dd.augment(disposed([2, 8, 8, 1])), "disposed"],
      ["zoom -1", () => dd.augment(f.batch4, { zoom: -1 }), "zoom"],
      ["rotation not a number", () => dd.augment(f.batch4, x({ rotation: "x" })), "rotation"],
      ["unknown option", () => dd.augment(f.batch4, x({ nope: 1 })), "nope"],
    ],
  },
  "datasets.mnist": { prefix: "mnist", bad: datasetBads((o) => dd.datasets.mnist(o)) },
  "datasets.fashionMnist": { prefix: "fashionMnist", bad: datasetBads((o) => dd.datasets.fashionMnist(o)) },
  historySpec: { bad: historyBads((h, o) => dd.historySpec(h, o)) },
  historySummary: {
    bad: [
      ["not a history", () => dd.historySummary(x(42)), "history"],
      ["a metric that is not a list", () => dd.historySummary(x({ history: { loss: "x" } })), "loss"],
      ["planned -1", () => dd.historySummary(history, -1), "planned"],
    ],
  },
  plotHistory: { prefix: "historySpec", bad: historyBads((h, o) => dd.plotHistory(h, { png: false, ...o })) },
  liveTraining: {
    bad: [
      ["unknown option", () => dd.liveTraining(x({ nope: 1 })), "nope"],
      ["throttleMs -1", () => dd.liveTraining({ throttleMs: -1 }), "throttleMs"],
      ["chart not a boolean", () => dd.liveTraining(x({ chart: "x" })), "chart"],
    ],
  },
  progressLine: {
    bad: [
      ["steps -1", () => dd.progressLine({ ...progress, steps: -1 }), "steps"],
      ["step not a number", () => dd.progressLine(x({ ...progress, step: "x" })), "step"],
      ["logs not an object", () => dd.progressLine(x({ ...progress, logs: 42 })), "logs"],
      ["not an object", () => dd.progressLine(x(42)), "progress"],
    ],
  },
  activationSpec: { bad: activationBads((a, o) => dd.activationSpec(a, o)) },
  plotActivations: {
    prefix: "activationSpec",
    bad: activationBads((a, o) => dd.plotActivations(a, { png: false, ...o })),
  },
  probabilitiesSpec: { bad: probabilityBads((p, o) => dd.probabilitiesSpec(p, o)) },
  plotProbabilities: {
    prefix: "probabilitiesSpec",
    bad: probabilityBads((p, o) => dd.plotProbabilities(p, { png: false, ...o })),
  },
  confusionMatrixSpec: { bad: confusionBads((l, p, o) => dd.confusionMatrixSpec(l, p, o)) },
  plotConfusionMatrix: {
    prefix: "confusionMatrixSpec",
    bad: confusionBads((l, p, o) => dd.plotConfusionMatrix(l, p, { png: false, ...o })),
  },
  renderSvg: {
    bad: [
      ["not a spec", () => dd.renderSvg(x(42)), "spec"],
      ["an unknown mark", () => dd.renderSvg(x({ ...barSpec, mark: "nope" })), "Vega-Lite could not render"],
    ],
  },
  chart: { bad: chartBads((s, t, o) => dd.chart(x(s), t, o)) },
  showChart: { bad: chartBads((s, t, o) => dd.showChart(x(s), t, o)) },
  lossSurfaceSpec: { bad: surfaceBads((s, p, o) => dd.lossSurfaceSpec(s, p, o)) },
  lossSurfaceSummary: {
    bad: [
      ["not a function", () => dd.lossSurfaceSummary(x(42), [path]), "f"],
      ["paths not a list", () => dd.lossSurfaceSummary(bowl, x(42)), "paths"],
    ],
  },
  plotLossSurface: {
    prefix: "lossSurfaceSpec",
    bad: surfaceBads((s, p, o) => dd.plotLossSurface(s, p, { png: false, ...o })),
  },
  optimizerPath: {
    bad: [
      ["steps -1", () => dd.optimizerPath(bowl, tf.train.sgd(0.1), [1, 1], -1), "steps"],
      ["steps not whole", () => dd.optimizerPath(bowl, tf.train.sgd(0.1), [1, 1], 1.5), "steps"],
      ["not an optimizer", () => dd.optimizerPath(bowl, x(42), [1, 1], 3), "optimizer"],
      ["start not a pair", () => dd.optimizerPath(bowl, tf.train.sgd(0.1), x([1]), 3), "start"],
      ["not a function", () => dd.optimizerPath(x(42), tf.train.sgd(0.1), [1, 1], 3), "f"],
    ],
  },
  summary: {
    bad: [
      ["not a model", () => dd.summary(x(42)), "model"],
      ["lineLength -1", () => dd.summary(f.model, { lineLength: -1 }), "lineLength"],
      ["unknown option", () => dd.summary(f.model, x({ nope: 1 })), "nope"],
    ],
  },
  summaryText: {
    bad: [
      ["not a model", () => dd.summaryText(x(42)), "model"],
      ["lineLength -1", () => dd.summaryText(f.model, { lineLength: -1 }), "lineLength"],
      ["unknown option", () => dd.summaryText(f.model, x({ nope: 1 })), "nope"],
    ],
  },
  evaluate: {
    bad: [
      ["labels of the wrong shape", () => dd.evaluate(f.model, f.single, f.labels), "y"],
      ["not a model", () => dd.evaluate(x(42), f.single, f.oneHot), "model"],
      ["disposed", () => dd.evaluate(f.model, disposed([1, 8, 8, 1]), f.oneHot), "disposed"],
      ["batchSize 0", () => dd.evaluate(f.model, f.single, f.oneHot, { batchSize: 0 }), "batchSize"],
      ["unknown option", () => dd.evaluate(f.model, f.single, f.oneHot, x({ nope: 1 })), "nope"],
    ],
  },
  predict: { bad: evaluateBads((m, t, o) => dd.predict(m, t, o)) },
  predictClasses: { bad: evaluateBads((m, t, o) => dd.predictClasses(m, t, o)) },
  saveModel: {
    bad: [
      ...saveBads((m, p) => dd.saveModel(m, p), "m"),
      ["target is a file", () => dd.saveModel(f.model, __filename), "is a file"],
      ["unknown option", () => dd.saveModel(f.model, join(scratch, "m"), x({ nope: 1 })), "nope"],
      [
        "includeOptimizer not a boolean",
        () => dd.saveModel(f.model, join(scratch, "m"), x({ includeOptimizer: "x" })),
        "includeOptimizer",
      ],
    ],
  },
  loadModel: {
    bad: [
      ["missing folder", () => dd.loadModel(join(scratch, "absent")), "absent"],
      ["a folder without model.json", () => dd.loadModel(join(scratch, "empty")), "model.json"],
      ["path not a string", () => dd.loadModel(x(42)), "dir"],
    ],
  },
  saveKeras: {
    bad: [
      ...saveBads((m, p) => dd.saveKeras(m, p), "m.h5"),
      ["an extension Keras does not read", () => dd.saveKeras(f.model, join(scratch, "m.txt")), ".keras"],
      ["target is a folder", () => dd.saveKeras(f.model, join(scratch, "folder.h5")), "is a folder"],
    ],
  },
  loadKeras: {
    bad: [
      ["missing file", () => dd.loadKeras(join(scratch, "absent.h5")), "absent.h5"],
      ["not HDF5", () => dd.loadKeras(join(scratch, "text.h5")), "text.h5"],
      ["an extension Keras does not write", () => dd.loadKeras(__filename), "should end in .h5, .hdf5 or .keras"],
      ["path not a string", () => dd.loadKeras(x(42)), "path"],
      ["unknown option", () => dd.loadKeras(join(scratch, "text.h5"), x({ nope: 1 })), "nope"],
      ["compile not a boolean", () => dd.loadKeras(join(scratch, "text.h5"), x({ compile: "x" })), "compile"],
      ["model not a model", () => dd.loadKeras(join(scratch, "text.h5"), x({ model: 42 })), "model"],
    ],
  },
});

/** The public functions a row must cover: the datasets namespace by member. */
function functionNames(): string[] {
  return Object.entries(dd).flatMap(([k, v]) => {
    if (k === "datasets")
      return Object.entries(v as object)
        .filter(([, m]) => typeof m === "function")
        .map(([m]) => `datasets.${m}`);
    // Classes (Chart, Figure...) are built by deepdeck: test/index_results.test.ts calls their methods.
    const isClass = typeof v === "function" && /^class\b/.test(Function.prototype.toString.call(v));
    return typeof v === "function" && !isClass && k !== "tf" ? [k] : [];
  });
}

describe("every public function, each kind of bad argument: deepdeck's sentence naming it, nothing leaked", () => {
  const consoleLog = console.log;
  let previousSink: dd.DisplaySink;
  before(async () => {
    await dd.ready();
    previousSink = dd.setDisplaySink(() => {});
    console.log = () => {};
    f.model = tf.sequential({
      layers: [
        tf.layers.conv2d({ filters: 2, kernelSize: 3, activation: "relu", inputShape: [8, 8, 1] }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3, activation: "softmax" }),
      ],
    });
    f.model.compile({ optimizer: "adam", loss: "categoricalCrossentropy", metrics: ["accuracy"] });
    f.image = tf.randomUniform([8, 8, 1], 0, 1, "float32", 1);
    f.batch4 = tf.randomUniform([2, 8, 8, 1], 0, 1, "float32", 2);
    f.single = tf.randomUniform([1, 8, 8, 1], 0, 1, "float32", 3);
    f.labels = tf.tensor1d([0, 2, 1], "int32");
    f.oneHot = tf.tidy(() => tf.oneHot(tf.tensor1d([1], "int32"), 3));
    f.matrix = tf.zeros([3, 3]);
    f.flat = tf.zeros([5]);
    f.five = tf.zeros([1, 1, 1, 2, 2]);
    f.strings = tf.tensor(["a", "b", "c", "d"], [2, 2]);
    f.dy = tf.zeros([1, 6, 6, 2]);
    f.kernel = tf.zeros([3, 3, 1, 2]);
    mkdirSync(join(scratch, "empty"));
    mkdirSync(join(scratch, "folder.h5"));
    writeFileSync(join(scratch, "text.h5"), "not HDF5");
  });
  after(() => {
    console.log = consoleLog;
    dd.setDisplaySink(previousSink);
    tf.dispose(Object.values(f).filter((v) => v instanceof tf.Tensor));
    f.model.dispose();
  });
  for (const [name, { bad, prefix = name.replace(/^datasets\./, "") }] of Object.entries(rows())) {
    test(name, async () => {
      const wrong: string[] = [];
      for (const [kind, call, word] of bad) {
        const before = tf.memory().numTensors;
        let thrown: unknown = null;
        try {
          await call();
        } catch (e) {
          thrown = e;
        }
        const leaked = tf.memory().numTensors - before;
        const message = thrown instanceof Error ? thrown.message : `no error (${String(thrown)})`;
        if (!message.startsWith(`${prefix}: `) || !message.includes(word) || leaked !== 0)
          wrong.push(`${kind}: ${message}${leaked ? ` [${leaked} tensors leaked]` : ""} (should name ${word})`);
      }
      assert.deepEqual(wrong, [], `${name}: bad calls without deepdeck's sentence, or leaking`);
    });
  }
  test("every public function that takes input has a row with at least two kinds of bad argument", () => {
    const table = rows();
    assert.deepEqual(
      functionNames().filter((n) => !noInput.has(n) && (table[n]?.bad.length ?? 0) < 2),
      [],
    );
  });
});
