/**
 * Faults across the public API (issue 15, part 2): each export that takes input, called with bad input,
 * throws deepdeck's own sentence naming the function, and with good input works; both leave
 * `tf.memory().numTensors` as it was.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { requireDebianFashion, sharedDatasets } from "./support/datasets";
import { barSpec, bowl, disposed, path, progress } from "./support/public_inputs";
import { dd, tf } from "./support/tf";

const scratch = mkdtempSync(join(tmpdir(), "deepdeck-faults-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

type Call = () => unknown;
/**
 * [the export's name (`datasets.mnist` for the namespace's members), bad call, good call (its result's
 * tensors and models are disposed by the case), the name its errors start with when it is not the export's].
 */
type Case = [string, Call, Call, string?];

/** Exports that are not called here, and why; every other export must have a case (the last test checks). */
const notCalled: Record<string, string> = {
  tf: "TensorFlow.js itself, not deepdeck's",
  activationNames: "a constant list",
  backendChoices: "a constant list",
  colormapNames: "a constant list",
  vegaLiteMime: "a constant string",
  jupyterDisplaySymbol: "a constant symbol",
  "datasets.fashionMnistClasses": "a constant list",
  Chart: "the class of chart() results; built by deepdeck, users call its methods",
  DisplayHandle: "the class of newDisplay() results (newDisplay has a case)",
  Figure: "the class of the *Figure() results; built by deepdeck",
  Html: "the class of tensorHtml() results; built by deepdeck",
  LiveTraining: "the class of liveTraining() results (liveTraining has a case)",
  ready: "takes no input; before() awaits it",
  resetBackendChoice: "takes no input, and calling it would make the next ready() choose the backend anew",
  backendReport: "takes no input and cannot fail",
  getPrintOptions: "takes no input and cannot fail",
  resetPrintOptions: "takes no input and cannot fail",
  inTslabKernel: "takes no input and cannot fail",
  quickMode: "takes no input and cannot fail",
  fitCacheDir: "takes no input and cannot fail",
  "datasets.cacheDir": "takes no input and cannot fail",
};

let model: tf.LayersModel;
let image: tf.Tensor;
let batch4: tf.Tensor;
let labels: tf.Tensor;
let single: tf.Tensor;
let flat: tf.Tensor;
let matrix: tf.Tensor;
let oneHot: tf.Tensor;
let dy: tf.Tensor;
let kernel: tf.Tensor;

function cnn(): tf.LayersModel {
  const m = tf.sequential({
    layers: [
      tf.layers.conv2d({ filters: 2, kernelSize: 3, activation: "relu", inputShape: [8, 8, 1] }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3, activation: "softmax" }),
    ],
  });
  m.compile({ optimizer: "adam", loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  return m;
}

const cases = (): Case[] => [
  // Backend.
  [
    "conv2dFilterGrad",
    () => dd.conv2dFilterGrad(flat as never, matrix as never, [3, 3, 1, 2], 1, "valid"),
    () => dd.conv2dFilterGrad(single as never, dy as never, [3, 3, 1, 2], 1, "valid"),
  ],
  ["dilateFilter", () => dd.dilateFilter(disposed() as never, 2), () => dd.dilateFilter(kernel as never, 2)],
  // Display.
  ["display", () => dd.display(image as never), () => dd.display("text")],
  [
    "newDisplay",
    () => dd.newDisplay().update(image as never),
    () => dd.newDisplay().update("text"),
    "DisplayHandle.update",
  ],
  ["setDisplaySink", () => dd.setDisplaySink(42 as never), () => dd.setDisplaySink(dd.setDisplaySink())],
  // Formatting.
  ["str", () => dd.str(image, { values: -1 }), () => dd.str(image)],
  ["formatTensor", () => dd.formatTensor(disposed()), () => dd.formatTensor(image)],
  ["print", () => dd.print(disposed()), () => dd.print(image), "formatTensor"],
  ["tensorHtml", () => dd.tensorHtml(matrix, { nope: 1 } as never), () => dd.tensorHtml(matrix)],
  ["showTensor", () => dd.showTensor(disposed()), () => dd.showTensor(matrix), "tensorHtml"],
  ["pixelTable", () => dd.pixelTable(disposed()), () => dd.pixelTable(matrix), "tensorHtml"],
  ["setPrintOptions", () => dd.setPrintOptions({ precision: -3 }), () => dd.setPrintOptions({})],
  ["setSeed", () => dd.setSeed(-1), () => dd.setSeed(7)],
  // Images: the figure builders speak as the display functions that call them.
  ["imageFigure", () => dd.imageFigure(flat), () => dd.imageFigure(image), "imshow"],
  ["imshow", () => dd.imshow(flat), () => dd.imshow(image)],
  ["imageGridFigure", () => dd.imageGridFigure(batch4, { cols: 0 }), () => dd.imageGridFigure(batch4), "imageGrid"],
  ["imageGrid", () => dd.imageGrid(batch4, { cols: 0 }), () => dd.imageGrid(batch4)],
  ["featureMapsFigure", () => dd.featureMapsFigure(disposed()), () => dd.featureMapsFigure(single), "featureMaps"],
  ["featureMaps", () => dd.featureMaps(disposed()), () => dd.featureMaps(single)],
  [
    "filtersFigure",
    () => dd.filtersFigure(image),
    () => dd.filtersFigure(model.layers[0]!.getWeights()[0]!),
    "filters",
  ],
  ["filters", () => dd.filters(image), () => dd.filters(model.layers[0]!.getWeights()[0]!)],
  ["gradCam", () => dd.gradCam(model, matrix), () => dd.gradCam(model, single)],
  [
    "gradCamOverlayFigure",
    () => dd.gradCamOverlayFigure(model, matrix),
    () => dd.gradCamOverlayFigure(model, batch4),
    "gradCamOverlay",
  ],
  ["gradCamOverlay", () => dd.gradCamOverlay(model, matrix), () => dd.gradCamOverlay(model, batch4)],
  // Data.
  ["toCategorical", () => dd.toCategorical([0, 1.5]), () => dd.toCategorical(labels, 3)],
  ["arrayReshape", () => dd.arrayReshape(image, [7, -1]), () => dd.arrayReshape(image, [-1])],
  ["sampleSlice", () => dd.sampleSlice(batch4, 0, 99), () => dd.sampleSlice(batch4, 0, 1)],
  ["batch", () => dd.batch(batch4, 0, 0), () => dd.batch(batch4, 0, 1)],
  ["augment", () => dd.augment(image, { rotation: 10 }), () => dd.augment(batch4, { rotation: 10, zoom: 0.1 })],
  [
    "datasets.mnist",
    () => dd.datasets.mnist({ dir: join(scratch, "absent") }),
    async () => dd.datasets.mnist({ dir: await sharedDatasets(), limit: 60 }),
    "mnist",
  ],
  [
    "datasets.fashionMnist",
    () => dd.datasets.fashionMnist({ dir: join(scratch, "absent") }),
    () => dd.datasets.fashionMnist({ dir: requireDebianFashion(), limit: 60 }),
    "fashionMnist",
  ],
  // Charts.
  [
    "historySpec",
    () => dd.historySpec({ history: { loss: "x" } } as never),
    () => dd.historySpec({ history: { loss: [1, 0.5] } }),
  ],
  [
    "historySummary",
    () => dd.historySummary({ history: { loss: "x" } } as never, 2),
    () => dd.historySummary({ history: { loss: [1, 0.5] } }, 2),
  ],
  [
    "plotHistory",
    () => dd.plotHistory({ history: { loss: "x" } } as never),
    () => dd.plotHistory({ history: { loss: [1, 0.5] } }, { png: false }),
    "historySpec",
  ],
  ["liveTraining", () => dd.liveTraining({ nope: 1 } as never), () => dd.liveTraining()],
  ["progressLine", () => dd.progressLine({ ...progress, steps: -1 }), () => dd.progressLine(progress)],
  ["activationSpec", () => dd.activationSpec(["nope" as never]), () => dd.activationSpec(["relu"])],
  [
    "plotActivations",
    () => dd.plotActivations(["nope" as never]),
    () => dd.plotActivations(["relu"], { png: false }),
    "activationSpec",
  ],
  ["probabilitiesSpec", () => dd.probabilitiesSpec(matrix), () => dd.probabilitiesSpec([0.2, 0.8])],
  [
    "plotProbabilities",
    () => dd.plotProbabilities(matrix),
    () => dd.plotProbabilities([0.2, 0.8], { png: false }),
    "probabilitiesSpec",
  ],
  ["confusionMatrixSpec", () => dd.confusionMatrixSpec([0, 1], [0]), () => dd.confusionMatrixSpec(labels, labels)],
  [
    "plotConfusionMatrix",
    () => dd.plotConfusionMatrix([0, 1], [0]),
    () => dd.plotConfusionMatrix(labels, labels, { png: false }),
    "confusionMatrixSpec",
  ],
  ["renderSvg", () => dd.renderSvg(42 as never), () => dd.renderSvg(barSpec)],
  ["chart", () => dd.chart(42 as never, "bars"), () => dd.chart(barSpec, "bars", { png: false })],
  ["showChart", () => dd.showChart(42 as never, "bars"), () => dd.showChart(barSpec, "bars", { png: false })],
  ["lossSurfaceSpec", () => dd.lossSurfaceSpec(42 as never, [path]), () => dd.lossSurfaceSpec(bowl, [path])],
  ["lossSurfaceSummary", () => dd.lossSurfaceSummary(bowl, 42 as never), () => dd.lossSurfaceSummary(bowl, [path])],
  [
    "plotLossSurface",
    () => dd.plotLossSurface(42 as never, [path]),
    () => dd.plotLossSurface(bowl, [path], { png: false }),
    "lossSurfaceSpec",
  ],
  [
    "optimizerPath",
    () => dd.optimizerPath(bowl, tf.train.sgd(0.1), [1, 1], -1),
    () => dd.optimizerPath(bowl, tf.train.sgd(0.1), [1, 1], 3),
  ],
  // Models.
  ["summary", () => dd.summary(42 as never), () => dd.summary(model)],
  ["summaryText", () => dd.summaryText(42 as never), () => dd.summaryText(model)],
  ["evaluate", () => dd.evaluate(model, single, labels), () => dd.evaluate(model, single, oneHot)],
  ["predict", () => dd.predict(model, matrix), () => dd.predict(model, single)],
  ["predictClasses", () => dd.predictClasses(model, matrix), () => dd.predictClasses(model, single)],
  ["saveModel", () => dd.saveModel(model, join(__filename, "m")), () => dd.saveModel(model, join(scratch, "m"))],
  ["loadModel", () => dd.loadModel(join(scratch, "absent")), () => dd.loadModel(join(scratch, "m"))],
  ["saveKeras", () => dd.saveKeras(model, join(__filename, "m.h5")), () => dd.saveKeras(model, join(scratch, "m.h5"))],
  ["loadKeras", () => dd.loadKeras(__filename.replace(/\.ts$/, ".h5")), () => dd.loadKeras(join(scratch, "m.h5"))],
];

/** Dispose whatever tensors and models a call returned (a dataset's tensors are two levels down). */
function release(v: unknown, depth = 0): void {
  if (v instanceof tf.LayersModel) {
    // A loaded model's optimizer (with its restored moments) is the model's to dispose.
    v.optimizer?.dispose();
    v.dispose();
  } else if (v instanceof tf.Tensor) v.dispose();
  else if (v && typeof v === "object" && depth < 3) for (const x of Object.values(v)) release(x, depth + 1);
}

/** The public exports a case must cover: functions and constants, the datasets namespace by member. */
function exportNames(): string[] {
  return Object.entries(dd).flatMap(([k, v]) =>
    k === "datasets" ? Object.keys(v as object).map((m) => `datasets.${m}`) : [k],
  );
}

describe("every public function: bad input gets deepdeck's sentence, and nothing leaks either way", () => {
  const shown: unknown[] = [];
  const logged: unknown[] = [];
  let previousSink: dd.DisplaySink;
  const consoleLog = console.log;
  before(async () => {
    await dd.ready();
    previousSink = dd.setDisplaySink((m) => shown.push(m));
    // summary and print write to the console; keep the test's output to the runner's.
    console.log = (...a: unknown[]) => logged.push(a);
    model = cnn();
    image = tf.randomUniform([8, 8, 1], 0, 1, "float32", 1);
    batch4 = tf.randomUniform([2, 8, 8, 1], 0, 1, "float32", 2);
    labels = tf.tensor1d([0, 2, 1], "int32");
    single = tf.randomUniform([1, 8, 8, 1], 0, 1, "float32", 3);
    flat = tf.zeros([5]);
    matrix = tf.zeros([3, 3]);
    oneHot = tf.tidy(() => tf.oneHot(tf.tensor1d([1], "int32"), 3));
    dy = tf.zeros([1, 6, 6, 2]);
    kernel = tf.zeros([3, 3, 1, 2]);
  });
  after(() => {
    console.log = consoleLog;
    dd.setDisplaySink(previousSink);
    tf.dispose([image, batch4, labels, single, flat, matrix, oneHot, dy, kernel]);
    model.dispose();
  });
  for (const [name, bad, good, prefix = name] of cases()) {
    test(name, async () => {
      let before = tf.memory().numTensors;
      await assert.rejects(
        async () => bad(),
        (e: Error) => {
          assert.ok(
            e.message.startsWith(`${prefix}: `),
            `deepdeck's sentence naming ${prefix}: ${e.name}: ${e.message}`,
          );
          return true;
        },
      );
      assert.equal(tf.memory().numTensors, before, `${name} failing leaves no tensor`);
      before = tf.memory().numTensors;
      release(await good());
      assert.equal(tf.memory().numTensors, before, `${name} succeeding leaves nothing but its result`);
    });
  }
  test("the display functions showed their figures and the console ones printed", () => {
    assert.ok(shown.length >= 10, `displays sent: ${shown.length}`);
    assert.ok(logged.length >= 2, `console lines: ${logged.length}`);
  });
  test("every export has a case or a reason in notCalled", () => {
    const covered = new Set([...cases().map((c) => c[0]), ...Object.keys(notCalled)]);
    assert.deepEqual(
      exportNames().filter((n) => !covered.has(n)),
      [],
      "exports with neither a case nor a reason",
    );
    const names = new Set(exportNames());
    assert.deepEqual(
      [...covered].filter((n) => !names.has(n)),
      [],
      "cases or reasons for names that are not exports",
    );
  });
});
