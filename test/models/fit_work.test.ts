/**
 * The work estimate behind fit's automatic choice of threads on wasm, and the choice for the course's
 * two models: the convnet trains data-parallel, the MLP on one thread (as measured: bench/train-epoch.ts).
 */
import assert from "node:assert/strict";
import { availableParallelism } from "node:os";
import { after, before, describe, test } from "node:test";
import { compiled, courseConvnet, courseMlp } from "../../bench/course_models";
import { fitPlan, multiplyAddsPerRow } from "../../src/models/fit_work";
import { dd, tf } from "../support/tf";

const saved = process.env["DEEPDECK_FIT_WORKERS"];
before(async () => {
  await dd.ready();
  delete process.env["DEEPDECK_FIT_WORKERS"];
});
after(() => {
  if (saved !== undefined) process.env["DEEPDECK_FIT_WORKERS"] = saved;
});
const spare = availableParallelism() - 1;

describe("fit work", () => {
  test("counts each kernel's multiply-adds at every output position", () => {
    const mlp = courseMlp();
    assert.equal(multiplyAddsPerRow(mlp), 784 * 256 + 256 * 128 + 128 * 10);
    const convnet = courseConvnet();
    const convs = 9 * 32 * 26 * 26 + 9 * 32 * 64 * 11 * 11 + 9 * 64 * 64 * 3 * 3;
    assert.equal(multiplyAddsPerRow(convnet), convs + 576 * 64 + 64 * 10);
    // A dense layer on a sequence multiplies at every step; an embedding only looks rows up.
    const seq = tf.sequential({
      layers: [tf.layers.embedding({ inputDim: 1000, outputDim: 8, inputLength: 5 }), tf.layers.dense({ units: 4 })],
    });
    assert.equal(multiplyAddsPerRow(seq), 5 * 8 * 4);
    // A model used as a layer counts its own layers.
    const outer = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [2] }), mlpLike()] });
    assert.equal(multiplyAddsPerRow(outer), 2 * 3 + 3 * 7);
    for (const m of [mlp, convnet, seq, outer]) m.dispose();
  });

  test("the course convnet at batch 64 trains data-parallel, the MLP at 128 on one thread", () => {
    const convnet = compiled(courseConvnet());
    const mlp = compiled(courseMlp());
    const c = fitPlan(convnet, 64);
    const m = fitPlan(mlp, 128);
    if (spare === 0) {
      assert.deepEqual(
        [c, m],
        [
          { workers: 0, why: "one core" },
          { workers: 0, why: "one core" },
        ],
      );
    } else {
      assert.equal(c.workers, spare);
      assert.equal(c.why, "178.8M multiply-adds per batch of 64, 1,916 per weight (≥ 512)");
      assert.equal(m.workers, 0);
      assert.equal(m.why, "30.0M multiply-adds per batch of 128, 128 per weight (< 512)");
    }
    // A big batch makes the MLP's batches pay too; a tiny model never does, whatever its ratio.
    if (spare > 0) assert.equal(fitPlan(mlp, 1024).workers, spare);
    const tiny = compiled(
      tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [9, 9, 1], filters: 2, kernelSize: 3 })] }),
    );
    if (spare > 0) assert.match(fitPlan(tiny, 64).why, /per weight \(< 10\.0M a batch\)$/);
    assert.equal(fitPlan(tiny, 64).workers, 0);
    for (const model of [convnet, mlp, tiny]) model.dispose();
  });

  test("DEEPDECK_FIT_WORKERS overrides the rule both ways", () => {
    const convnet = compiled(courseConvnet());
    try {
      process.env["DEEPDECK_FIT_WORKERS"] = "0";
      assert.deepEqual(fitPlan(convnet, 64), { workers: 0, why: "DEEPDECK_FIT_WORKERS=0" });
      process.env["DEEPDECK_FIT_WORKERS"] = "1";
      assert.deepEqual(fitPlan(convnet, 1), { workers: 1, why: "DEEPDECK_FIT_WORKERS=1" });
    } finally {
      delete process.env["DEEPDECK_FIT_WORKERS"];
      convnet.dispose();
    }
  });
});

function mlpLike(): tf.Sequential {
  return tf.sequential({ layers: [tf.layers.dense({ units: 7, inputShape: [3] })] });
}
