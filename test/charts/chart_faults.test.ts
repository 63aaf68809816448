/**
 * Charts failing part way (issue 15): data with NaN, strings or mismatched lengths, user functions that
 * throw, a live chart fed bad logs. Each gives a chart (NaN is a gap, as in Keras's plots) or deepdeck's
 * sentence naming what is wrong, and leaves `tf.memory().numTensors` as it was.
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { dd, noLeaks, tf } from "../support/tf";

const says = async (call: () => unknown, message: string | ((e: Error) => boolean)) => {
  await noLeaks(() => assert.rejects(async () => call(), typeof message === "string" ? { message } : message));
};

describe("charts failing part way", () => {
  before(() => dd.ready());

  test("a history with NaN or Infinity draws (a gap), its text says nan", async () => {
    const c = await noLeaks(() =>
      dd.chart(dd.historySpec({ history: { loss: [1, NaN, 0.5], val_loss: [1, Infinity, 0.6] } }), "t", { png: false }),
    );
    assert.match(c.svg, /<svg/);
    assert.equal(dd.historySummary({ history: { loss: [1, NaN] } }), "epoch 2/2 - loss: nan");
  });

  test("a history with a string, an object or series of different lengths: the place named", async () => {
    await says(
      () => dd.historySpec({ history: { loss: [1, "x" as never] } }),
      'historySpec: history.history.loss[1] must be a number (or a scalar tensor), received "x".',
    );
    await says(
      () => dd.plotHistory({ history: { loss: [1, 0.5], acc: [0.3] } }, { png: false }),
      "historySpec: history.history.acc has 1 values but history.history.loss has 2; every metric needs one value per epoch.",
    );
    await says(
      () => dd.historySummary([{ loss: 1 }, { loss: {} as never }]),
      "historySummary: history entry 1's loss must be a number (or a scalar tensor), received an object.",
    );
  });

  test("probabilities with NaN: the model diverged, said once whatever the input's form", async () => {
    const nan = tf.tensor1d([NaN, 0.5]);
    const message =
      "probabilitiesSpec: probabilities hold NaN or infinite values; the model's output has diverged (check the loss and learning rate).";
    await says(() => dd.plotProbabilities(nan, { png: false }), message);
    await says(() => dd.probabilitiesSpec([0.5, Infinity]), message);
    nan.dispose();
  });

  test("a loss function or activation that throws or returns a string: deepdeck's sentence, the error as cause", async () => {
    const boom = (x: tf.Tensor, y: tf.Tensor) => {
      tf.add(x, y);
      throw new Error("boom");
    };
    await says(
      () => dd.plotLossSurface(boom, [{ name: "a", points: [[0, 0]] }], { png: false }),
      (e: Error) =>
        e.message === "lossSurfaceSpec: the loss function f failed: boom" && (e.cause as Error).message === "boom",
    );
    // Under minimize a throwing loss would strand the tensors tfjs saved for the backward pass.
    await says(
      () => dd.optimizerPath(boom, tf.train.adam(0.1), [1, 1], 3),
      "optimizerPath: the loss function f failed: boom",
    );
    await says(
      () =>
        dd.plotActivations(
          {
            f: () => {
              throw new Error("boom");
            },
          },
          { png: false },
        ),
      'activationSpec: "f" at x = -5 failed: boom',
    );
    await says(
      () => dd.activationSpec({ f: () => "x" as never }),
      'activationSpec: "f" must return a number, returned "x" for x = -5.',
    );
  });

  test("confusion labels with NaN or 1.5: the entry named", async () => {
    const labels = tf.tensor1d([0, NaN]);
    await says(
      () => dd.plotConfusionMatrix(labels, [0, 1], { png: false }),
      "confusionMatrixSpec: entry 1 has label NaN and prediction 1; classes are whole numbers in [0, 1].",
    );
    await says(
      () => dd.confusionMatrixSpec([0, 1], [1.5, 0]),
      "confusionMatrixSpec: entry 0 has label 0 and prediction 1.5; classes are whole numbers in [0, 1].",
    );
    labels.dispose();
  });

  test("a live chart fed logs with NaN, strings and tensors keeps drawing, and leaves no tensor", async () => {
    const shown: unknown[] = [];
    const previous = dd.setDisplaySink((m) => shown.push(m));
    try {
      const live = dd.liveTraining({ chart: true, progress: false });
      live.setParams({ epochs: 2, steps: 1 });
      const loss = tf.scalar(0.5);
      await noLeaks(async () => {
        await live.onTrainBegin();
        await live.onEpochBegin(0);
        await live.onEpochEnd(0, { loss: NaN, acc: "x" });
        await live.onEpochBegin(1);
        await live.onEpochEnd(1, { loss: loss, acc: 0.9 });
        await live.onTrainEnd();
      });
      loss.dispose();
      assert.deepEqual(JSON.parse(JSON.stringify(live.history)), [
        { loss: null, acc: null },
        { loss: 0.5, acc: 0.9 },
      ]);
      assert.ok(shown.length >= 2, `the chart was drawn after each epoch and at the end: ${shown.length}`);
    } finally {
      dd.setDisplaySink(previous);
    }
  });
});
