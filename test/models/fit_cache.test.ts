/**
 * The training cache (DEEPDECK_FIT_CACHE): the same fit twice trains once; the second restores the same
 * weights, optimizer state and history, and replays the epochs through the callbacks.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { dd, tf } from "../support/tf";

const root = mkdtempSync(join(tmpdir(), "deepdeck-fit-cache-"));
const saved = process.env["DEEPDECK_FIT_CACHE"];
before(async () => {
  await dd.ready();
});
after(() => {
  if (saved === undefined) delete process.env["DEEPDECK_FIT_CACHE"];
  else process.env["DEEPDECK_FIT_CACHE"] = saved;
  rmSync(root, { recursive: true, force: true });
});

/** The same small model every call: fixed initial weights, adam, a dropout layer. */
function model(): tf.Sequential {
  const m = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [6],
        units: 8,
        activation: "relu",
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
      }),
      tf.layers.dropout({ rate: 0.2 }),
      tf.layers.dense({
        units: 3,
        activation: "softmax",
        kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
      }),
    ],
  });
  m.compile({ optimizer: tf.train.adam(0.01), loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  return m;
}

function data(shift = 0): { x: tf.Tensor; y: tf.Tensor } {
  const x = tf.add(tf.randomNormal([60, 6], 0, 1, "float32", 5), shift);
  const y = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: 60 }, (_, i) => i % 3),
      "int32",
    ),
    3,
  );
  return { x, y };
}

/** A callback that records what it was told. */
function recorder() {
  const seen = { batches: 0, epochs: [] as { epoch: number; loss: number }[], began: 0, ended: 0 };
  const callback = {
    onTrainBegin: async () => {
      seen.began++;
    },
    onBatchEnd: async () => {
      seen.batches++;
    },
    onEpochEnd: async (epoch: number, logs?: tf.Logs) => {
      seen.epochs.push({ epoch, loss: logs!["loss"]! });
    },
    onTrainEnd: async () => {
      seen.ended++;
    },
  };
  return { seen, callback };
}

async function weightsOf(m: tf.LayersModel): Promise<{ model: number[][]; optimizer: number[][] }> {
  const state = await m.optimizer.getWeights();
  const optimizer = state.map((w) => Array.from(w.tensor.dataSync()));
  for (const w of state) if (!(w.tensor instanceof tf.Variable)) w.tensor.dispose();
  return { model: m.getWeights().map((w) => Array.from(w.dataSync())), optimizer };
}

describe("the training cache", () => {
  test("off without DEEPDECK_FIT_CACHE: fit trains and writes nothing", async () => {
    delete process.env["DEEPDECK_FIT_CACHE"];
    assert.equal(dd.fitCacheDir(), null);
    const m = model();
    const { x, y } = data();
    const { seen, callback } = recorder();
    await m.fit(x, y, { epochs: 2, batchSize: 20, verbose: 0, callbacks: callback });
    assert.equal(seen.batches, 6);
    assert.deepEqual(readdirSync(root), []);
    tf.dispose([x, y]);
    m.dispose();
  });

  test("the same fit twice: trained once, then restored with the same weights, optimizer state, history and callbacks", async () => {
    process.env["DEEPDECK_FIT_CACHE"] = root;
    const { x, y } = data();
    const first = model();
    const r1 = recorder();
    const before1 = tf.memory().numTensors;
    const h1 = await first.fit(x, y, {
      epochs: 3,
      batchSize: 20,
      validationSplit: 0.25,
      verbose: 0,
      callbacks: [r1.callback],
    });
    const grown1 = tf.memory().numTensors - before1;
    assert.equal(r1.seen.batches, 9, "trained: 45 samples in batches of 20, 3 epochs");
    const entries = readdirSync(root).filter((f) => f !== "log.txt");
    assert.equal(entries.length, 1);
    assert.match(readFileSync(join(root, "log.txt"), "utf8"), /trained [0-9a-f]{32} \(3 epochs/);

    const second = model();
    const r2 = recorder();
    const before2 = tf.memory().numTensors;
    const h2 = await second.fit(x, y, {
      epochs: 3,
      batchSize: 20,
      validationSplit: 0.25,
      verbose: 0,
      callbacks: [r2.callback],
    });
    assert.equal(
      tf.memory().numTensors - before2,
      grown1,
      "a restored fit holds the same tensors as a trained one (weights and optimizer slots)",
    );
    assert.equal(r2.seen.batches, 0, "restored: no batch ran");
    assert.deepEqual(r2.seen.epochs, r1.seen.epochs, "the epochs replayed with their logs");
    assert.equal(r2.seen.began, 1);
    assert.equal(r2.seen.ended, 1);
    assert.deepEqual(h2.history, h1.history);
    assert.deepEqual(h2.epoch, [0, 1, 2]);
    assert.ok("val_loss" in h2.history && "acc" in h2.history);
    assert.deepEqual(await weightsOf(second), await weightsOf(first));
    assert.match(readFileSync(join(root, "log.txt"), "utf8"), /restored [0-9a-f]{32} \(3 epochs, trained in/);

    // Training on from a restored model continues from the same optimizer state as the original.
    // (Dropout draws its masks from Math.random: the same seed gives both the same masks.)
    delete process.env["DEEPDECK_FIT_CACHE"];
    dd.setSeed(3);
    await first.fit(x, y, { epochs: 1, batchSize: 60, verbose: 0, shuffle: false });
    dd.setSeed(3);
    await second.fit(x, y, { epochs: 1, batchSize: 60, verbose: 0, shuffle: false });
    process.env["DEEPDECK_FIT_CACHE"] = root;
    assert.deepEqual(await weightsOf(second), await weightsOf(first));
    tf.dispose([x, y]);
    first.dispose();
    second.dispose();
  });

  test("other data, other arguments or a damaged entry train again", async () => {
    process.env["DEEPDECK_FIT_CACHE"] = root;
    const { x, y } = data();
    const moved = data(0.5);
    const run = async (xx: tf.Tensor, epochs: number) => {
      dd.setSeed(1); // the same generator position each time (an earlier test seeded it)
      const m = model();
      const r = recorder();
      await m.fit(xx, y, { epochs, batchSize: 30, verbose: 0, callbacks: [r.callback] });
      m.dispose();
      return r.seen.batches;
    };
    assert.equal(await run(x, 2), 4, "first time: trains");
    assert.equal(await run(x, 2), 0, "same: restored");
    assert.equal(await run(moved.x, 2), 4, "other data: trains");
    assert.equal(await run(x, 3), 6, "other epochs: trains");
    const entries = readdirSync(root).filter((f) => f !== "log.txt");
    for (const e of entries) truncateSync(join(root, e, "weights.bin"), 8);
    assert.equal(await run(x, 2), 4, "damaged entry: trains again");
    assert.equal(await run(x, 2), 0, "and the rewritten entry is used");
    assert.ok(!readdirSync(root).some((f) => f.endsWith(".tmp")), "no half-written entries");
    tf.dispose([x, y, moved.x, moved.y]);
  });

  test("seeded: the generator's position is part of the key, and is where training left it after a restore", async () => {
    process.env["DEEPDECK_FIT_CACHE"] = root;
    const { x, y } = data(2);
    const run = async (seed: number) => {
      dd.setSeed(seed);
      const m = model();
      const r = recorder();
      await m.fit(x, y, { epochs: 2, batchSize: 20, verbose: 0, callbacks: [r.callback] });
      m.dispose();
      return { batches: r.seen.batches, next: Math.random() };
    };
    const trained = await run(9);
    const restored = await run(9);
    assert.equal(trained.batches, 6);
    assert.equal(restored.batches, 0, "same seed: restored");
    assert.equal(restored.next, trained.next, "the next random number is the one a real run would draw");
    assert.equal((await run(10)).batches, 6, "another seed: other dropout masks and order, so it trains");
    tf.dispose([x, y]);
  });

  test("quick mode turns it off", () => {
    process.env["DEEPDECK_FIT_CACHE"] = root;
    process.env["DEEPDECK_QUICK"] = "1";
    try {
      assert.equal(dd.fitCacheDir(), null);
    } finally {
      delete process.env["DEEPDECK_QUICK"];
    }
    assert.equal(dd.fitCacheDir(), root);
  });
});
