/**
 * Data-parallel fit on wasm: a worker thread trains its share of every batch, and the model ends with the
 * weights, losses, metrics and callbacks one thread gives, up to float rounding. Unset, DEEPDECK_FIT_WORKERS
 * lets fit choose: one thread for a light model, data-parallel for one whose batches pay (src/backend/fit_threads.ts).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { registerWasmBackend } from "../../src/backend/ready";
import { fitWorkersStarted, lastFitPlan } from "../../src/models/parallel_fit";
import { dd, noLeaks, tf } from "../support/tf";

let previous = "";
before(async () => {
  await dd.ready();
  registerWasmBackend();
  previous = tf.getBackend();
  await tf.setBackend("wasm");
});
after(async () => {
  delete process.env["DEEPDECK_FIT_WORKERS"];
  await tf.setBackend(previous);
});

function model(weights?: tf.Tensor[]): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, activation: "relu" }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 16, activation: "relu", kernelRegularizer: tf.regularizers.l2({ l2: 0.01 }) }));
  m.add(tf.layers.dense({ units: 3, activation: "softmax" }));
  m.compile({ optimizer: tf.train.adam(0.01), loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  if (weights) m.setWeights(weights);
  return m;
}

async function train(workers: string, weights: tf.Tensor[], x: tf.Tensor, y: tf.Tensor) {
  process.env["DEEPDECK_FIT_WORKERS"] = workers;
  const m = model(weights);
  let batches = 0;
  const history = await m.fit(x, y, {
    epochs: 2,
    batchSize: 25,
    shuffle: false,
    verbose: 0,
    validationSplit: 0.2,
    callbacks: {
      onBatchEnd: async () => {
        batches++;
      },
    },
  });
  const trained = m.getWeights().map((w) => Array.from(w.dataSync()));
  return { m, history: history.history as Record<string, number[]>, batches, trained };
}

describe("data-parallel fit on wasm", () => {
  test("one worker gives one thread's weights, history and callbacks, and leaks nothing", async () => {
    const x = tf.randomUniform([90, 8, 8, 1], 0, 1, "float32", 1);
    const y = tf.oneHot(tf.randomUniform([90], 0, 3, "int32", 2), 3);
    const init = model();
    const weights = init.getWeights().map((w) => w.clone());
    const startedBefore = fitWorkersStarted();
    const one = await train("0", weights, x, y);
    assert.equal(fitWorkersStarted(), startedBefore, "no worker without DEEPDECK_FIT_WORKERS");
    const two = await train("1", weights, x, y);
    assert.ok(fitWorkersStarted() >= 1, "a worker trained");
    assert.equal(two.batches, one.batches, "onBatchEnd once per batch");
    assert.deepEqual(Object.keys(two.history).sort(), ["acc", "loss", "val_acc", "val_loss"]);
    for (const key of Object.keys(one.history))
      one.history[key]!.forEach((v, e) =>
        assert.ok(Math.abs(v - two.history[key]![e]!) < 1e-5, `${key} epoch ${e}: ${v} vs ${two.history[key]![e]}`),
      );
    let worst = 0;
    one.trained.forEach((w, i) => w.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - two.trained[i]![j]!)))));
    assert.ok(worst < 1e-5, `weights differ by ${worst}`);
    // A second fit on the same model (Adam's state exists by now) leaves no tensor behind.
    await noLeaks(() => two.m.fit(x, y, { epochs: 1, batchSize: 25, verbose: 0 }).then(() => undefined));
    tf.dispose([x, y, ...weights]);
    init.dispose();
    one.m.dispose();
    two.m.dispose();
  });

  test("unset, a light model trains on one thread, and says why", async () => {
    delete process.env["DEEPDECK_FIT_WORKERS"];
    const x = tf.randomUniform([50, 8, 8, 1], 0, 1, "float32", 3);
    const y = tf.oneHot(tf.randomUniform([50], 0, 3, "int32", 4), 3);
    const m = model();
    const startedBefore = fitWorkersStarted();
    // The first fit creates Adam's state; the second must leave nothing behind.
    await m.fit(x, y, { epochs: 1, batchSize: 25, verbose: 0 });
    await noLeaks(() => m.fit(x, y, { epochs: 1, batchSize: 25, verbose: 0 }).then(() => undefined));
    assert.equal(fitWorkersStarted(), startedBefore, "no worker started");
    const plan = lastFitPlan()!;
    assert.equal(plan.workers, 0);
    assert.match(plan.why, availableParallelism() > 1 ? /per weight \(< 10\.0M a batch\)$/ : /^one core$/);
    tf.dispose([x, y]);
    m.dispose();
  });

  test("unset, a model whose batches pay trains data-parallel, quietly, leaks nothing, and lets Node exit", () => {
    const env: NodeJS.ProcessEnv = { ...process.env, DEEPDECK_BACKEND: "wasm" };
    delete env["DEEPDECK_FIT_WORKERS"];
    const r = spawnSync(process.execPath, ["--import", "tsx", join(__dirname, "fixtures", "fit_auto.ts")], {
      encoding: "utf8",
      env,
      // Far above the few seconds it takes: a worker holding Node open would end here.
      timeout: 120_000,
    });
    assert.equal(r.signal, null, `the child ended by itself; stderr: ${r.stderr}`);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, "", "nothing on stderr");
    const run = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as {
      fitLine: string;
      plan: { workers: number; why: string };
      started: number;
      loss: number[];
      leaked: number;
    };
    assert.equal(run.leaked, 0, "no tensor left behind");
    assert.equal(run.loss.length, 2);
    assert.ok(run.loss.every(Number.isFinite));
    if (availableParallelism() === 1) {
      assert.deepEqual(run.plan, { workers: 0, why: "one core" });
      assert.equal(run.started, 0);
    } else {
      assert.equal(run.plan.workers, availableParallelism() - 1);
      assert.equal(run.plan.why, "14.8M multiply-adds per batch of 128, 12,102 per weight (≥ 512)");
      assert.equal(run.started, run.plan.workers, "its workers trained");
      assert.match(run.fitLine, /^fit: \d+ threads, data-parallel, where a batch does ≥ 512 multiply-adds per weight/);
    }
  });
});
