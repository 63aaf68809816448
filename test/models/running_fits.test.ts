/**
 * What the Jupyter kernel's interrupt does to a running fit (src/tslab/cells.ts calls stopRunningFits):
 * the fit ends after the batch it is on, on one thread and data-parallel on wasm, leaving no tensor
 * behind and the workers ready for the next fit.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { registerWasmBackend } from "../../src/backend/ready";
import { fitWorkersStarted } from "../../src/models/parallel_fit";
import { stopRunningFits } from "../../src/models/running_fits";
import { dd, noLeaks, tf } from "../support/tf";

const saved = process.env["DEEPDECK_FIT_WORKERS"];
before(() => dd.ready());
after(() => {
  if (saved === undefined) delete process.env["DEEPDECK_FIT_WORKERS"];
  else process.env["DEEPDECK_FIT_WORKERS"] = saved;
});

function model(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, activation: "relu" }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 3, activation: "softmax" }));
  m.compile({ optimizer: "adam", loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  return m;
}

/** Fit for 50 epochs of 4 batches, stopped from outside (as the kernel's interrupt is) after the 3rd batch. */
async function interrupted(workers: string): Promise<{ batches: number; epochs: number; running: number }> {
  process.env["DEEPDECK_FIT_WORKERS"] = workers;
  const m = model();
  const x = tf.randomUniform([40, 8, 8, 1], 0, 1, "float32", 1);
  const y = tf.oneHot(tf.randomUniform([40], 0, 3, "int32", 2), 3);
  // The first fit creates Adam's state; the interrupted one must leave nothing behind.
  await m.fit(x, y, { epochs: 1, batchSize: 10, verbose: 0 });
  let batches = 0;
  let running = -1;
  const result = await noLeaks(async () => {
    const history = await m.fit(x, y, {
      epochs: 50,
      batchSize: 10,
      verbose: 0,
      callbacks: {
        onBatchEnd: async () => {
          if (++batches === 3) setImmediate(() => (running = stopRunningFits()));
          await new Promise((r) => setImmediate(r));
        },
      },
    });
    return history.epoch.length;
  });
  tf.dispose([x, y]);
  m.dispose();
  return { batches, epochs: result, running };
}

describe("stopping running fits", () => {
  test("a fit stops after the batch it is on, and none is left running", async () => {
    const r = await interrupted("0");
    assert.equal(r.running, 1, "the fit was running when stopped");
    assert.ok(r.batches >= 3 && r.batches <= 4, `stopped after batch ${r.batches} of 200`);
    assert.equal(r.epochs, 1);
    assert.equal(stopRunningFits(), 0, "nothing runs after it");
  });

  test("a data-parallel fit on wasm stops the same way, and its workers train the next fit", async () => {
    // Data-parallel fit is wasm's alone: this runs on wasm whichever backend DEEPDECK_BACKEND chose.
    registerWasmBackend();
    const previous = tf.getBackend();
    await tf.setBackend("wasm");
    try {
      const started = fitWorkersStarted();
      const r = await interrupted("1");
      assert.equal(r.running, 1);
      assert.ok(r.batches >= 3 && r.batches <= 4, `stopped after batch ${r.batches} of 200`);
      assert.ok(fitWorkersStarted() > started || started > 0, "a worker trained");
      const again = await interrupted("1");
      assert.ok(again.batches >= 3 && again.batches <= 4, "the next fit trains, and stops, too");
    } finally {
      await tf.setBackend(previous);
    }
  });
});
