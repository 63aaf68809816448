/** dd.evaluate, dd.predictClasses and dd.predict: the R deck's one-liners, typed, and leaving no tensor behind. */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { inspect } from "node:util";
import { dd, noLeaks, tf } from "../support/tf";

/** A softmax classifier with known weights: class = which of the 3 inputs is largest. */
function classifier(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 3, inputShape: [3], activation: "softmax", useBias: false }));
  model.layers[0]!.setWeights([tf.mul(tf.eye(3), 5)]);
  model.compile({ optimizer: "adam", loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  return model;
}

const labels = [0, 1, 2, 0]; // the last sample is labelled wrong on purpose: accuracy 3/4
let x: tf.Tensor2D;
let y: tf.Tensor2D;
// Made once the backend the run asks for is ready, as tensors belong to the backend that made them.
before(async () => {
  await dd.ready();
  x = tf.tensor2d([
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
    [0.2, 0.1, 0.9],
  ]);
  y = tf.oneHot(tf.tensor1d(labels, "int32"), 3) as tf.Tensor2D;
});

test("evaluate resolves to the loss and accuracy as tfjs computes them, named as Keras 3 names them", async () => {
  const model = classifier();
  const result = await noLeaks(() => dd.evaluate(model, x, y));
  const [loss, acc] = (model.evaluate(x, y) as tf.Scalar[]).map((s) => {
    const v = s.arraySync();
    s.dispose();
    return v;
  });
  assert.deepEqual(Object.keys(result), ["loss", "accuracy"]);
  assert.equal(result.loss, loss);
  assert.equal(result.accuracy, acc);
  assert.equal(result.accuracy, 0.75);
});

test("an evaluation prints with 4 decimals, as R does, and keeps the full numbers", async () => {
  const result = await dd.evaluate(classifier(), x, y);
  const shown = `{ loss: ${result.loss.toFixed(4)}, accuracy: 0.7500 }`;
  assert.equal(inspect(result), shown);
  assert.notEqual(result.loss, Number(result.loss.toFixed(4)));
  assert.deepEqual(JSON.parse(JSON.stringify(result)), { loss: result.loss, accuracy: 0.75 });
});

test("predictClasses is the argmax per sample, a 1-D int32 tensor", () => {
  const model = classifier();
  const before = tf.memory().numTensors;
  const classes = dd.predictClasses(model, x);
  assert.equal(tf.memory().numTensors, before + 1);
  assert.equal(classes.dtype, "int32");
  assert.deepEqual(classes.shape, [4]);
  assert.deepEqual(classes.arraySync(), [0, 1, 2, 2]);
  classes.dispose();
});

test("predictClasses thresholds a single sigmoid output at 0.5", () => {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 1, inputShape: [1], activation: "sigmoid", kernelInitializer: "ones" }));
  const classes = dd.predictClasses(model, tf.tensor2d([[-2], [3], [0.5]]));
  assert.deepEqual(classes.arraySync(), [0, 1, 1]);
  classes.dispose();
});

test("predict returns one tensor for a one-output model", () => {
  const model = classifier();
  const p = dd.predict(model, x);
  assert.deepEqual(p.shape, [4, 3]);
  p.dispose();
});

test("bad models get deepdeck's sentences, and leave no tensor behind", async () => {
  const uncompiled = tf.sequential();
  uncompiled.add(tf.layers.dense({ units: 3, inputShape: [3] }));
  await noLeaks(() =>
    assert.rejects(
      dd.evaluate(uncompiled, x, y),
      new Error("evaluate: the model is not compiled; call model.compile({ optimizer, loss, metrics }) first."),
    ),
  );
  const input = tf.input({ shape: [3] });
  const twoHeads = tf.model({
    inputs: input,
    outputs: [
      tf.layers.dense({ units: 2 }).apply(input),
      tf.layers.dense({ units: 2 }).apply(input),
    ] as tf.SymbolicTensor[],
  });
  await noLeaks(() =>
    assert.throws(
      () => dd.predictClasses(twoHeads, x),
      new RangeError(
        "predictClasses: the model has 2 outputs; predictClasses takes a model with one output (call model.predict for the others).",
      ),
    ),
  );
  const flat = tf.sequential();
  flat.add(tf.layers.reshape({ targetShape: [3, 1], inputShape: [3] }));
  await noLeaks(() =>
    assert.throws(
      () => dd.predictClasses(flat, x),
      new RangeError(
        "predictClasses: the model's predictions have shape [4, 3, 1]; expected [samples, classes] (or [samples, 1] for a sigmoid output).",
      ),
    ),
  );
  assert.throws(
    () => dd.predict({} as never, x),
    new TypeError("predict: model must be a tf.LayersModel (tf.sequential() or tf.model()), received an object."),
  );
});
