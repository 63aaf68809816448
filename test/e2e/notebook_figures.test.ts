/** Images and charts in a real notebook executed through Jupyter on the deepdeck kernel. */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { cellText, type ExecuteResult } from "../../src/executor/execute";
import { sharedDatasets, skipDatasets } from "../support/datasets";
import { runCells, skipJupyter } from "../support/jupyter";

const cells = [
  'import * as dd from "deepdeck";\nimport * as tf from "@tensorflow/tfjs";\nawait dd.ready();\nconst mnist = await dd.datasets.mnist({ limit: 600 });\ndd.str(mnist)',
  "const digit = mnist.train.x.slice([4, 0, 0], [1, 28, 28]).reshape([28, 28]);\ndd.imshow(digit, { max: 255 })",
  "dd.imageGrid(mnist.train.x.slice(0, 8), { labels: mnist.train.y.slice(0, 8), cols: 4 })",
  "dd.pixelTable(mnist.train.x, { slice: [4] })",
  [
    "const x = mnist.train.x.reshape([600, 784]).div(255);",
    "const y = dd.toCategorical(mnist.train.y, 10);",
    "const model = tf.sequential({ layers: [tf.layers.dense({ units: 32, activation: 'relu', inputShape: [784] }), tf.layers.dense({ units: 10, activation: 'softmax' })] });",
    "model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });",
    "const history = await model.fit(x, y, { epochs: 3, batchSize: 64, validationSplit: 0.2, callbacks: [dd.liveTraining()] });",
  ].join("\n"),
  "await dd.plotHistory(history)",
  'import * as os from "os";\nimport * as path from "path";\nconst file = path.join(os.tmpdir(), `deepdeck-nb-${process.pid}.h5`);\nawait dd.saveKeras(model, file);\nconst back = await dd.loadKeras(file);\n`${back.layers.length} layers, same: ${tf.equal(back.predict(x.slice(0, 5)) as tf.Tensor, model.predict(x.slice(0, 5)) as tf.Tensor).all().dataSync()[0]}`',
];

describe("figures in the notebook", { skip: skipJupyter || skipDatasets }, () => {
  let run: ExecuteResult;
  before(async () => {
    run = runCells(cells, { DEEPDECK_DATA_DIR: await sharedDatasets() });
  });
  const outputs = (i: number) => run.notebook.cells[i]!.outputs!;
  const types = (i: number) =>
    outputs(i)
      .filter((o) => o.output_type === "display_data")
      .map((o) => Object.keys(o.data!).sort().join(" "));

  test("the notebook runs without errors", () => {
    assert.equal(run.error, null);
    for (const [i, cell] of run.notebook.cells.entries())
      assert.equal(cellText(cell, "stderr"), "", `cell ${i} wrote to stderr`);
    assert.match(cellText(run.notebook.cells[0]!), /\.\.\$ y: int32 \[600\] 5 0 4 1 9 2 1 3 1 4 \.\.\./);
  });
  test("a digit is a PNG", () => {
    assert.deepEqual(types(1), ["image/png text/plain"]);
    assert.match(cellText(run.notebook.cells[1]!), /<image 280x280 of int32 \[28, 28\], gray from 0 to 255>/);
  });
  test("a labelled grid is PNG and SVG", () => {
    assert.deepEqual(types(2), ["image/png image/svg+xml text/plain"]);
  });
  test("the pixel table is HTML", () => {
    assert.deepEqual(types(3), ["text/html text/plain"]);
  });
  test("live training updates its displays in place", () => {
    const msgs = run.messages["4"]!;
    const byId = new Map<string, string[]>();
    for (const m of msgs) if (m.display_id) byId.set(m.display_id, [...(byId.get(m.display_id) ?? []), m.msg_type]);
    assert.equal(byId.size, 2, "a progress display and a chart display");
    for (const kinds of byId.values()) {
      assert.equal(kinds[0], "display_data");
      assert.ok(kinds.slice(1).length >= 2 && kinds.slice(1).every((k) => k === "update_display_data"));
    }
    const chart = msgs.filter((m) => m.mime_types?.includes("application/vnd.vegalite.v5+json"));
    assert.ok(chart.length >= 4, "the chart after each of 3 epochs and at the end");
    assert.deepEqual(chart.at(-1)!.mime_types, [
      "application/vnd.vegalite.v5+json",
      "image/png",
      "image/svg+xml",
      "text/plain",
    ]);
  });
  test("a model saved as Keras HDF5 loads back in the notebook", () => {
    assert.equal(cellText(run.notebook.cells[6]!), "2 layers, same: 1");
  });
  test("the history chart is a Vega-Lite bundle with image fallbacks", () => {
    assert.deepEqual(types(5), ["application/vnd.vegalite.v5+json image/png image/svg+xml text/plain"]);
    assert.match(cellText(run.notebook.cells[5]!), /^epoch 3\/3 - accuracy: [\d.]+ - loss: [\d.]+ - val_accuracy: /);
  });
});
