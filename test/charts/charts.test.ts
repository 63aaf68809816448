import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { join } from "node:path";
import Ajv from "ajv";
import type { TopLevelSpec } from "vega-lite";
import { confusionCounts } from "../../src/charts/confusion";
import { matchSnapshot } from "../support/snapshot";
import { dd, tf } from "../support/tf";

let validate: (spec: unknown) => void;
before(async () => {
  await dd.ready();
  const schema = require("vega-lite/build/vega-lite-schema.json");
  const ajv = new Ajv({ allErrors: false, strict: false, validateFormats: false });
  const check = ajv.compile(schema);
  validate = (spec) => {
    if (!check(spec)) assert.fail(`not a valid Vega-Lite spec: ${ajv.errorsText(check.errors)}`);
  };
});

/** A deterministic 12-epoch history shaped like what model.fit returns. */
function fitHistory(epochs = 12): { epoch: number[]; history: Record<string, number[]> } {
  const e = Array.from({ length: epochs }, (_, i) => i);
  return {
    epoch: e,
    history: {
      loss: e.map((i) => Number((0.5 * Math.exp(-i / 4) + 0.05).toFixed(4))),
      acc: e.map((i) => Number((0.99 - 0.2 * Math.exp(-i / 3)).toFixed(4))),
      val_loss: e.map((i) => Number((0.12 + 0.004 * i).toFixed(4))),
      val_acc: e.map((i) => Number((0.97 + 0.001 * i).toFixed(4))),
    },
  };
}

async function checked(name: string, spec: TopLevelSpec): Promise<string> {
  validate(spec);
  matchSnapshot(join(__dirname, "snapshots"), name, JSON.stringify(spec, null, 1));
  const svg = await dd.renderSvg(spec);
  assert.match(svg, /^<svg/);
  return svg;
}

/** The tick labels of each axis titled "epoch" in a rendered chart, axis by axis. */
function epochTicks(svg: string): string[][] {
  return svg
    .split(`aria-label="X-axis titled 'epoch'`)
    .slice(1)
    .map((axis) => {
      const labels = axis.slice(axis.indexOf('role-axis-label"'));
      return [...labels.slice(0, labels.indexOf("</g>")).matchAll(/>([^<>]*)<\/text>/g)].map((m) => m[1]!);
    });
}

describe("history charts", () => {
  test("one panel per metric, training and validation, a smoothed line from 10 epochs", async () => {
    const spec = dd.historySpec(fitHistory()) as { vconcat: { layer: unknown[]; layer0?: unknown }[] };
    const svg = await checked("history-12-epochs", spec as TopLevelSpec);
    assert.equal(spec.vconcat.length, 2, "loss and accuracy");
    assert.equal(spec.vconcat[0]!.layer.length, 2, "points and loess line");
    assert.ok(svg.includes(">loss</text>") && svg.includes(">accuracy</text>") && svg.includes(">validation</text>"));
    const json = JSON.stringify(spec.vconcat[1]);
    assert.ok(json.includes('"domain":[0,1]'), "accuracy on [0, 1]");
    assert.ok(json.includes('"format":"d"') && json.includes('"tickMinStep":1'), "whole-number epochs");
  });
  test("the epoch axis names whole epochs, each once, however many ran", async () => {
    for (const epochs of [1, 2, 3, 4, 5, 7, 10, 11, 12, 20, 30, 100]) {
      const history = Array.from({ length: epochs }, (_, i) => ({ loss: 1 / (i + 1) }));
      const panels = epochTicks(await dd.renderSvg(dd.historySpec(history)));
      assert.equal(panels.length, 1, `${epochs} epochs: one epoch axis`);
      const ticks = panels[0]!.map(Number);
      assert.ok(ticks.length >= Math.min(epochs, 3), `${epochs} epochs: ticks ${ticks.join(" ")}`);
      assert.ok(
        ticks.every((t) => Number.isInteger(t) && t >= 1 && t <= epochs),
        `${epochs} epochs: ${ticks.join(" ")}`,
      );
      assert.equal(new Set(ticks).size, ticks.length, `${epochs} epochs: each tick once, ${ticks.join(" ")}`);
      if (epochs <= 10)
        assert.deepEqual(
          ticks,
          Array.from({ length: epochs }, (_, i) => i + 1),
        );
    }
  });
  test("a short history has points only; a live chart's axis is sized to the planned epochs", async () => {
    const short = dd.historySpec(
      [
        { loss: 0.5, acc: 0.8 },
        { loss: 0.4, acc: 0.85 },
        { loss: 0.3, acc: 0.9 },
      ],
      { epochs: 30 },
    ) as { vconcat: { layer: { encoding: { x: { scale: { domain: number[] } } } }[] }[] };
    await checked("history-live-3-of-30", short as unknown as TopLevelSpec);
    assert.equal(short.vconcat[0]!.layer.length, 1);
    assert.deepEqual(short.vconcat[0]!.layer[0]!.encoding.x.scale.domain, [1, 30]);
  });
  test("summary line, metric choice and errors", () => {
    assert.equal(
      dd.historySummary(fitHistory(3)),
      "epoch 3/3 - accuracy: 0.8873 - loss: 0.3533 - val_accuracy: 0.9720 - val_loss: 0.1280",
    );
    const onlyLoss = dd.historySpec(fitHistory(), { metrics: ["loss"] }) as { vconcat: unknown[] };
    assert.equal(onlyLoss.vconcat.length, 1);
    assert.throws(
      () => dd.historySpec(fitHistory(), { metrics: ["mae"] }),
      /historySpec: metric "mae" is not in the history; it has loss, acc/,
    );
    assert.throws(
      () => dd.historySpec(42 as never),
      /historySpec: history must be what model.fit returns \(a tf.History\) or an array of per-epoch logs, received 42/,
    );
  });
  test("plotHistory sends Vega-Lite, SVG, PNG and text in one bundle", async () => {
    const sent: Record<string, unknown>[] = [];
    dd.setDisplaySink((m) => sent.push(m.data));
    try {
      const returned: unknown = await dd.plotHistory(fitHistory());
      assert.equal(returned, undefined);
    } finally {
      dd.setDisplaySink();
    }
    assert.deepEqual(Object.keys(sent[0]!).sort(), [
      "application/vnd.vegalite.v5+json",
      "image/png",
      "image/svg+xml",
      "text/plain",
    ]);
    assert.match(sent[0]!["text/plain"] as string, /^epoch 12\/12 - accuracy: [\d.]+ - loss: /);
    assert.equal(
      (sent[0]!["application/vnd.vegalite.v5+json"] as { $schema: string }).$schema,
      "https://vega.github.io/schema/vega-lite/v5.json",
    );
  });
});

describe("course figures", () => {
  test("activation functions", async () => {
    const spec = dd.activationSpec(["relu", "sigmoid"], { samples: 5, domain: [-2, 2] }) as {
      data: { values: { x: number; y: number; f: string }[] };
    };
    await checked("activations", spec as unknown as TopLevelSpec);
    assert.deepEqual(
      spec.data.values.filter((v) => v.f === "relu").map((v) => v.y),
      [0, 0, 0, 1, 2],
    );
    assert.throws(
      () => dd.activationSpec(["swish" as never]),
      /activationSpec: option functions must be one of "relu", "sigmoid"/,
    );
  });
  test("class probabilities of one prediction", async () => {
    const p = tf.tensor1d([0.05, 0.1, 0.8, 0.05]);
    const spec = dd.probabilitiesSpec(p, { trueClass: 1 }) as { data: { values: { role: string }[] } };
    await checked("probabilities", spec as unknown as TopLevelSpec);
    assert.deepEqual(
      spec.data.values.map((v) => v.role),
      ["other", "true", "predicted", "other"],
    );
    const fromLogits = dd.probabilitiesSpec([0, 0], { softmax: true }) as {
      data: { values: { probability: number }[] };
    };
    assert.deepEqual(
      fromLogits.data.values.map((v) => v.probability),
      [0.5, 0.5],
    );
    p.dispose();
  });
  test("confusion matrix counts and heatmap", async () => {
    assert.deepEqual(confusionCounts("t", [0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 2, 0]), [
      [1, 1, 0],
      [0, 1, 0],
      [1, 0, 2],
    ]);
    const spec = dd.confusionMatrixSpec(tf.tensor1d([0, 0, 1, 2, 2, 2], "int32"), [0, 1, 1, 2, 2, 0], {
      classNames: ["a", "b", "c"],
    });
    const svg = await checked("confusion", spec);
    assert.match((spec as { description: string }).description, /4 of 6 right \(accuracy 0.6667\)/);
    assert.ok(svg.includes(">predicted class</text>"));
    assert.throws(
      () => dd.confusionMatrixSpec([0, 1], [0]),
      /labels \(2\) and predictions \(1\) must have the same length/,
    );
    assert.throws(
      () => dd.confusionMatrixSpec([0, 5], [0, 1], { numClasses: 3 }),
      /entry 1 has label 5 and prediction 1; classes are whole numbers in \[0, 2\]/,
    );
  });
});

describe("live training", () => {
  test("a Keras progress line", () => {
    assert.equal(
      dd.progressLine({ step: 375, steps: 375, elapsedMs: 1875, logs: { loss: 0.06, acc: 0.98 }, done: true }),
      "375/375 ━━━━━━━━━━━━━━━━━━━━ 2s 5ms/step - accuracy: 0.9800 - loss: 0.0600",
    );
    assert.equal(
      dd.progressLine({ step: 94, steps: 375, elapsedMs: 500, logs: { loss: 0.3 }, done: false }),
      " 94/375 ━━━━━─────────────── 1s left - loss: 0.3000",
    );
  });
  test("during fit: the progress display and the chart are updated in place, the chart's axis pre-sized", async () => {
    const sent: { id: string; update: boolean; data: Record<string, unknown> }[] = [];
    dd.setDisplaySink((m, update) => sent.push({ id: m.transient.display_id!, update, data: m.data }));
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, activation: "softmax", inputShape: [4] })] });
    model.compile({ optimizer: "adam", loss: "categoricalCrossentropy", metrics: ["accuracy"] });
    const x = tf.randomNormal([64, 4], 0, 1, "float32", 1);
    const y = tf.oneHot(
      tf.tensor1d(
        Array.from({ length: 64 }, (_, i) => i % 3),
        "int32",
      ),
      3,
    );
    const live = dd.liveTraining({ throttleMs: 0 });
    try {
      await model.fit(x, y, { epochs: 3, batchSize: 16, validationSplit: 0.25, callbacks: [live], verbose: 0 });
    } finally {
      dd.setDisplaySink();
    }
    const ids = [...new Set(sent.map((s) => s.id))];
    assert.equal(ids.length, 2, "one progress display and one chart display");
    const [progressId, chartId] = ids;
    const progress = sent.filter((s) => s.id === progressId);
    const charts = sent.filter((s) => s.id === chartId);
    assert.deepEqual(
      progress.map((s) => s.update),
      [false, ...progress.slice(1).map(() => true)],
    );
    assert.deepEqual(
      charts.map((s) => s.update),
      [false, true, true, true],
      "after each epoch, then once more with a PNG at the end",
    );
    const lastText = progress.at(-1)!.data["text/plain"] as string;
    assert.match(
      lastText,
      /^Epoch 1\/3\n3\/3 ━+ \d+s \d+ms\/step - accuracy: [\d.]+ - loss: [\d.]+ - val_accuracy: [\d.]+ - val_loss: [\d.]+\nEpoch 2\/3\n/,
    );
    const firstSpec = JSON.stringify(charts[0]!.data["application/vnd.vegalite.v5+json"]);
    assert.ok(firstSpec.includes('"domain":[1,3]'), "the x axis spans the planned epochs from the first epoch");
    assert.equal(charts[0]!.data["image/png"], undefined, "no PNG while training");
    assert.ok(typeof charts.at(-1)!.data["image/png"] === "string", "a PNG at the end");
    assert.equal(live.history.length, 3);
    model.dispose();
    tf.dispose([x, y]);
  });
});
