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
import { dd, tf } from "./support/tf";

const scratch = mkdtempSync(join(tmpdir(), "deepdeck-faults-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

type Call = () => unknown;
/** [the name its errors start with, bad call, good call (its result's tensors are disposed by the case)]. */
type Case = [string, Call, Call];

let model: tf.LayersModel;
let image: tf.Tensor;
let batch4: tf.Tensor;
let labels: tf.Tensor;
let single: tf.Tensor;
let flat: tf.Tensor;
let matrix: tf.Tensor;

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

const disposed = () => {
  const t = tf.zeros([2, 2]);
  t.dispose();
  return t;
};

const cases = (): Case[] => [
  ["str", () => dd.str(image, { values: -1 }), () => dd.str(image)],
  ["formatTensor", () => dd.formatTensor(disposed()), () => dd.formatTensor(image)],
  ["tensorHtml", () => dd.tensorHtml(matrix, { nope: 1 } as never), () => dd.tensorHtml(matrix)],
  ["setPrintOptions", () => dd.setPrintOptions({ precision: -3 }), () => dd.setPrintOptions({})],
  ["setSeed", () => dd.setSeed(-1), () => dd.setSeed(7)],
  // The figure builders speak as the display functions that call them.
  ["imshow", () => dd.imageFigure(flat), () => dd.imageFigure(image)],
  ["imageGrid", () => dd.imageGridFigure(batch4, { cols: 0 }), () => dd.imageGridFigure(batch4)],
  ["featureMaps", () => dd.featureMapsFigure(disposed()), () => dd.featureMapsFigure(single)],
  ["filters", () => dd.filtersFigure(image), () => dd.filtersFigure(model.layers[0]!.getWeights()[0]!)],
  ["toCategorical", () => dd.toCategorical([0, 1.5]), () => dd.toCategorical(labels, 3)],
  ["arrayReshape", () => dd.arrayReshape(image, [7, -1]), () => dd.arrayReshape(image, [-1])],
  ["sampleSlice", () => dd.sampleSlice(batch4, 0, 99), () => dd.sampleSlice(batch4, 0, 1)],
  ["batch", () => dd.batch(batch4, 0, 0), () => dd.batch(batch4, 0, 1)],
  ["augment", () => dd.augment(image, { rotation: 10 }), () => dd.augment(batch4, { rotation: 10, zoom: 0.1 })],
  ["gradCam", () => dd.gradCam(model, matrix), () => dd.gradCam(model, single)],
  [
    "historySpec",
    () => dd.historySpec({ history: { loss: "x" } } as never),
    () => dd.historySpec({ history: { loss: [1, 0.5] } }),
  ],
  ["confusionMatrixSpec", () => dd.confusionMatrixSpec([0, 1], [0]), () => dd.confusionMatrixSpec(labels, labels)],
  ["saveModel", () => dd.saveModel(model, join(__filename, "m")), () => dd.saveModel(model, join(scratch, "m"))],
  ["loadModel", () => dd.loadModel(join(scratch, "absent")), () => dd.loadModel(join(scratch, "m"))],
  ["saveKeras", () => dd.saveKeras(model, join(__filename, "m.h5")), () => dd.saveKeras(model, join(scratch, "m.h5"))],
  ["loadKeras", () => dd.loadKeras(__filename.replace(/\.ts$/, ".h5")), () => dd.loadKeras(join(scratch, "m.h5"))],
];

/** Dispose whatever tensors and models a call returned. */
function release(v: unknown): void {
  if (v instanceof tf.LayersModel) {
    // A loaded model's optimizer (with its restored moments) is the model's to dispose.
    v.optimizer?.dispose();
    v.dispose();
  } else if (v instanceof tf.Tensor) v.dispose();
  else if (v && typeof v === "object") for (const x of Object.values(v)) if (x instanceof tf.Tensor) x.dispose();
}

describe("every public function: bad input gets deepdeck's sentence, and nothing leaks either way", () => {
  before(async () => {
    await dd.ready();
    model = cnn();
    image = tf.randomUniform([8, 8, 1], 0, 1, "float32", 1);
    batch4 = tf.randomUniform([2, 8, 8, 1], 0, 1, "float32", 2);
    labels = tf.tensor1d([0, 2, 1], "int32");
    single = tf.randomUniform([1, 8, 8, 1], 0, 1, "float32", 3);
    flat = tf.zeros([5]);
    matrix = tf.zeros([3, 3]);
  });
  after(() => {
    tf.dispose([image, batch4, labels, single, flat, matrix]);
    model.dispose();
  });
  for (const [name, bad, good] of cases()) {
    test(name, async () => {
      let before = tf.memory().numTensors;
      await assert.rejects(
        async () => bad(),
        (e: Error) => {
          assert.ok(e.message.startsWith(`${name}: `), `deepdeck's sentence naming ${name}: ${e.name}: ${e.message}`);
          return true;
        },
      );
      assert.equal(tf.memory().numTensors, before, `${name} failing leaves no tensor`);
      before = tf.memory().numTensors;
      release(await good());
      assert.equal(tf.memory().numTensors, before, `${name} succeeding leaves nothing but its result`);
    });
  }
});
