/**
 * Training as Keras trains (issue 14): from the initial weights Keras made and saved, on the same batches of
 * real MNIST in the same order, deepdeck's fit with the deck's compile (adam, categorical cross-entropy) takes
 * Keras's steps: the same loss at every step and the same weights after them, to float32 rounding. Each
 * library's own randomness (initial weights, shuffling) is left out, so what is left is the arithmetic of the
 * step: the loss and its gradient, Adam's update (Keras's epsilon, not tfjs's), on the backend this run chose.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { sharedDatasets } from "../support/datasets";
import { kerasPython } from "../support/keras_python";
import { dd, tf } from "../support/tf";

const steps = 8;
const scratch = mkdtempSync(join(tmpdir(), "deepdeck-keras-steps-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

let keras: { losses: number[]; weights: number[][] };
let data: { x: tf.Tensor; y: tf.Tensor };
let init: Float32Array[];

before(async () => {
  await dd.ready();
  const folder = await sharedDatasets();
  const run = spawnSync(
    kerasPython(),
    [join(__dirname, "fixtures", "keras_steps.py"), folder, scratch, String(steps)],
    {
      encoding: "utf8",
    },
  );
  assert.equal(run.status, 0, run.stderr);
  keras = JSON.parse(readFileSync(join(scratch, "steps.json"), "utf8")) as typeof keras;
  const untrained = await dd.loadKeras(join(scratch, "init.keras"));
  init = untrained.getWeights().map((w) => w.dataSync() as Float32Array);
  untrained.dispose();
  const mnist = await dd.datasets.mnist({ dir: folder });
  data = tf.tidy(() => ({
    x: dd
      .arrayReshape(mnist.train.x, [-1, 28, 28, 1])
      .slice(0, steps * 64)
      .div(255),
    y: dd.toCategorical(mnist.train.y).slice(0, steps * 64),
  }));
});
after(() => tf.dispose([data.x, data.y]));

/** Each step's loss and the weights after the last, training Keras's initial model with `optimizer`. */
async function train(optimizer: tf.Optimizer | string): Promise<{ losses: number[]; weights: Float32Array[] }> {
  const model = await dd.loadKeras(join(scratch, "init.keras"));
  model.compile({ optimizer, loss: "categoricalCrossentropy" });
  const losses: number[] = [];
  await model.fit(data.x, data.y, {
    epochs: 1,
    batchSize: 64,
    shuffle: false,
    verbose: 0,
    callbacks: { onBatchEnd: (_batch, logs) => void losses.push(logs!["loss"] as number) },
  });
  const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
  model.dispose();
  // An optimizer given as an object stays its giver's to dispose (tfjs's rule).
  if (typeof optimizer !== "string") optimizer.dispose();
  return { losses, weights };
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

/**
 * How far `weights` are from Keras's after the steps, relative to how far Keras's moved from the initial
 * weights (Euclidean norms over all weights): Adam moves a weight whose gradient is near zero by about the
 * learning rate whatever the gradient's rounding, so single weights may differ by a sizeable part of a step.
 */
function offPath(weights: Float32Array[]): number {
  let off = 0;
  let moved = 0;
  weights.forEach((w, i) => {
    const k = keras.weights[i]!;
    const w0 = init[i]!;
    w.forEach((v, j) => {
      off += (v - k[j]!) ** 2;
      moved += (k[j]! - w0[j]!) ** 2;
    });
  });
  return Math.sqrt(off / moved);
}

test(`${steps} steps of the course convnet from Keras's initial weights: Keras's losses and weights`, async () => {
  const before = tf.memory().numTensors;
  const ours = await train("adam");
  assert.equal(ours.losses.length, steps);
  const lossDiff = maxDiff(ours.losses, keras.losses);
  assert.ok(lossDiff < 3e-5, `losses ${ours.losses.join(", ")}; Keras ${keras.losses.join(", ")}`);
  assert.ok(keras.losses.at(-1)! < keras.losses[0]! - 0.05, "the steps train: the loss falls");
  assert.equal(ours.weights.length, keras.weights.length);
  const weightDiff = offPath(ours.weights);
  assert.ok(weightDiff < 1e-3, `weights off Keras's by ${weightDiff} of the distance they moved`);
  // tfjs's own Adam (epsilon on the bias-corrected moment) leaves Keras's path within these steps: the check
  // above tells the two apart.
  const tfjs = await train(new tf.AdamOptimizer(0.001, 0.9, 0.999, 1e-7));
  assert.ok(maxDiff(tfjs.losses, keras.losses) > 3e-5, `tfjs's Adam: ${tfjs.losses.join(", ")}`);
  assert.equal(tf.memory().numTensors, before, "no tensor left behind");
  console.log(
    `${tf.getBackend()}: losses within ${lossDiff.toExponential(1)} of Keras's, weights ${weightDiff.toExponential(1)} of their path off it (tfjs's Adam: ${offPath(tfjs.weights).toExponential(1)})`,
  );
});
