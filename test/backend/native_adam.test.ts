// deepdeck's Adam, Keras's update on every backend: native for the native backend, tfjs ops elsewhere; this
// file runs on every backend test/backends.ts runs, each checking the Adam its backend gets (the cpu one
// too). Node-only parts: native_adam_node.test.ts.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { KerasAdamOptimizer } from "../../src/backend/keras_adam";
import { NativeAdamOptimizer } from "../../src/backend/native_adam";
import { dd, noLeaks, tf } from "../support/tf";

const lr = 0.1;
const beta1 = 0.9;
const beta2 = 0.999;
/** Large enough that where epsilon goes (Keras's formula or tfjs's) changes the result well past float32's error. */
const eps = 1e-3;

/** The same gradients every run: a few steps of a 3x2 weight. */
const grads = Array.from({ length: 5 }, (_, t) => Array.from({ length: 6 }, (_, i) => Math.sin(1 + 7 * t + 3 * i)));
const start = [0.5, -0.25, 1, 2, -1.5, 0];

/** Adam in float64 as Keras 3 writes it (TensorFlow's ApplyAdam): epsilon outside the bias correction. */
function kerasAdam(w0: number[], gs: number[][], m0 = w0.map(() => 0), v0 = w0.map(() => 0), step0 = 0) {
  const w = [...w0];
  const m = [...m0];
  const v = [...v0];
  gs.forEach((g, k) => {
    const t = step0 + k + 1;
    const alpha = (lr * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t);
    g.forEach((gi, i) => {
      m[i] = m[i]! + (gi - m[i]!) * (1 - beta1);
      v[i] = v[i]! + (gi * gi - v[i]!) * (1 - beta2);
      w[i] = w[i]! - (alpha * m[i]) / (Math.sqrt(v[i]) + eps);
    });
  });
  return { w, m, v };
}

/** Adam in float64 as tfjs's AdamOptimizer writes it: epsilon added to the bias-corrected √v̂. */
function tfjsAdam(w0: number[], gs: number[][]) {
  const w = [...w0];
  const m = w0.map(() => 0);
  const v = w0.map(() => 0);
  gs.forEach((g, k) => {
    const t = k + 1;
    g.forEach((gi, i) => {
      m[i] = beta1 * m[i]! + (1 - beta1) * gi;
      v[i] = beta2 * v[i]! + (1 - beta2) * gi * gi;
      w[i] = w[i]! - (lr * (m[i] / (1 - beta1 ** t))) / (Math.sqrt(v[i] / (1 - beta2 ** t)) + eps);
    });
  });
  return w;
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Math.max(...Array.from(a, (x, i) => Math.abs(x - b[i]!)));

function step(optimizer: tf.Optimizer, variable: tf.Variable, g: number[]): void {
  const gradient = tf.tensor2d(g, [3, 2]);
  optimizer.applyGradients({ [variable.name]: gradient });
  gradient.dispose();
}

/** Which Adam each backend gets: the native one on native TensorFlow, the one in tfjs ops on the others. */
const expected: Record<string, typeof tf.AdamOptimizer> = {
  tensorflow: NativeAdamOptimizer,
  wasm: KerasAdamOptimizer,
  cpu: KerasAdamOptimizer,
};
const keras = (w: number[], g: number[][]) => kerasAdam(w, g).w;

let scratch = "";
before(async () => {
  await dd.ready();
  scratch = mkdtempSync(join(tmpdir(), "deepdeck-adam-"));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

describe("Adam on the backend this run chose", () => {
  test("tf.train.adam and compile's 'adam' give the backend's Adam, named Adam with tfjs's config", () => {
    const want = expected[tf.getBackend()]!;
    const made = tf.train.adam(lr, beta1, beta2, eps);
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
    model.compile({ optimizer: "adam", loss: "meanSquaredError" });
    for (const opt of [made, model.optimizer]) {
      // tfjs's optimizers answer instanceof by duck typing: compare classes.
      assert.equal(opt.constructor, want, tf.getBackend());
      assert.equal(opt.getClassName(), "Adam");
    }
    assert.deepEqual(made.getConfig(), { learningRate: lr, beta1, beta2, epsilon: eps });
    made.dispose();
    model.dispose();
  });

  test("five steps match a float64 reference of Keras's formula, not tfjs's, here and on cpu", async () => {
    const ref = keras(start, grads);
    assert.ok(maxDiff(ref, tfjsAdam(start, grads)) > 1e-3, "the two formulas differ here: the check tells them apart");
    const chosen = tf.getBackend();
    for (const backend of [chosen, "cpu"]) {
      await tf.setBackend(backend);
      await noLeaks(() => {
        const optimizer = tf.train.adam(lr, beta1, beta2, eps);
        assert.equal(optimizer.constructor, expected[backend]);
        const variable = tf.tidy(() => tf.variable(tf.tensor2d(start, [3, 2])));
        for (const g of grads) step(optimizer, variable, g);
        const got = variable.dataSync();
        assert.ok(maxDiff(got, ref) < 1e-5, `${backend}: ${Array.from(got).join(", ")}`);
        assert.equal(optimizer.iterations, grads.length);
        optimizer.dispose();
        variable.dispose();
      });
    }
    await tf.setBackend(chosen);
  });

  test("a weight set from outside between steps (setWeights, loading) is the one the next step updates", async () => {
    await noLeaks(() => {
      const optimizer = tf.train.adam(lr, beta1, beta2, eps);
      const variable = tf.tidy(() => tf.variable(tf.tensor2d(start, [3, 2])));
      step(optimizer, variable, grads[0]!);
      const moved = [3, 3, 3, -3, -3, -3];
      tf.tidy(() => variable.assign(tf.tensor2d(moved, [3, 2])));
      step(optimizer, variable, grads[1]!);
      // The second step from the moved weight, with the moments of the first.
      const one = keras(start, grads.slice(0, 1));
      const two = keras(start, grads.slice(0, 2));
      const expectedW = moved.map((w, i) => w + (two[i]! - one[i]!));
      assert.ok(maxDiff(variable.dataSync(), expectedW) < 1e-5, Array.from(variable.dataSync()).join(", "));
      optimizer.dispose();
      variable.dispose();
    });
  });

  test("its state goes out and back through getWeights/setWeights: the same next step", async () => {
    const a = tf.train.adam(lr, beta1, beta2, eps);
    const b = tf.train.adam(lr, beta1, beta2, eps);
    const va = tf.tidy(() => tf.variable(tf.tensor2d(start, [3, 2])));
    const vb = tf.tidy(() => tf.variable(tf.tensor2d(start, [3, 2])));
    for (const g of grads.slice(0, 3)) step(a, va, g);
    const state = await a.getWeights();
    assert.deepEqual(
      state.map((w) => w.name),
      ["iter", `${va.name}/m`, `${va.name}/v`],
    );
    assert.equal(state[0]!.tensor.dataSync()[0], 3);
    // The moments are Keras's and tfjs's alike (only the update differs): check them against the reference.
    const ref = kerasAdam(start, grads.slice(0, 3));
    assert.ok(maxDiff(state[1]!.tensor.dataSync(), ref.m) < 1e-6);
    assert.ok(maxDiff(state[2]!.tensor.dataSync(), ref.v) < 1e-7);
    vb.assign(va.clone());
    await b.setWeights(state);
    assert.equal(b.iterations, 3);
    step(a, va, grads[3]!);
    step(b, vb, grads[3]!);
    assert.ok(maxDiff(va.dataSync(), vb.dataSync()) < 1e-7);
    // The optimizer owns the moments it handed out (fit's cache disposes only the fresh step count).
    assert.ok(state.slice(1).every((w) => w.tensor instanceof tf.Variable));
    state[0]!.tensor.dispose();
    tf.dispose([va, vb]);
    a.dispose();
    b.dispose();
  });

  test("a compiled model trains with 'adam', and saveModel/loadModel keep its state", async () => {
    const want = expected[tf.getBackend()]!;
    const before = tf.memory().numTensors;
    const model = tf.sequential({
      layers: [tf.layers.dense({ units: 8, activation: "relu", inputShape: [4] }), tf.layers.dense({ units: 1 })],
    });
    model.compile({ optimizer: "adam", loss: "meanSquaredError" });
    const x = tf.randomUniform([64, 4], -1, 1, "float32", 3);
    const y = x.sum(1, true);
    const history = await model.fit(x, y, { epochs: 20, batchSize: 16, verbose: 0 });
    const losses = history.history["loss"] as number[];
    assert.ok(losses.at(-1)! < 0.9 * losses[0]!, `loss ${losses[0]} -> ${losses.at(-1)}`);
    const dir = join(scratch, "model");
    await dd.saveModel(model, dir);
    const loaded = await dd.loadModel(dir);
    assert.equal(loaded.optimizer.constructor, want);
    const [saved, back] = [await model.optimizer.getWeights(), await loaded.optimizer.getWeights()];
    assert.deepEqual(
      back.map((w) => w.tensor.shape),
      saved.map((w) => w.tensor.shape),
    );
    saved.forEach((w, i) => assert.ok(maxDiff(w.tensor.dataSync(), back[i]!.tensor.dataSync()) === 0, w.name));
    // One more epoch from the same state gives the same weights.
    await model.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0, shuffle: false });
    await loaded.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0, shuffle: false });
    const [wa, wb] = [model.getWeights()[0]!, loaded.getWeights()[0]!];
    assert.ok(maxDiff(wa.dataSync(), wb.dataSync()) < 1e-6);
    tf.dispose([saved[0]!.tensor, back[0]!.tensor, x, y]);
    model.dispose();
    // The loaded model owns the optimizer it made from the file (tfjs's loadLayersModel alone does not).
    loaded.dispose();
    assert.equal(tf.memory().numTensors, before, "no tensor left behind");
  });
});
