/**
 * End to end: a real notebook executed through Jupyter (nbclient) on the registered `deepdeck` kernel.
 * Needs Debian's jupyter-notebook and python3-nbclient (.ci/run installs them); DEEPDECK_SKIP_JUPYTER=1 opts out.
 */
import assert from "node:assert/strict";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { cellText, type ExecuteResult } from "../../src/executor/execute";
import { runCells, skipJupyter as skip } from "../support/jupyter";

const cells = [
  'import * as dd from "deepdeck";\nimport * as tf from "@tensorflow/tfjs";\nconst report = await dd.ready();\nreport',
  'tf.tensor2d([[1, 2, 3], [4, 5, 6]], undefined, "int32")',
  'dd.str(tf.zeros([60000, 28, 28], "int32"))',
  'dd.display({ "text/html": "<b>bold</b>", "image/svg+xml": "<svg xmlns=\\"http://www.w3.org/2000/svg\\" width=\\"4\\" height=\\"4\\"/>", "text/plain": "bold" })',
  'const h = dd.newDisplay();\nfor (let i = 1; i <= 3; i++) {\n  h.update({ "text/html": `<i>step ${i}</i>`, "text/plain": `step ${i}` });\n  await new Promise((r) => setTimeout(r, 5));\n}',
  'dd.showTensor(tf.tensor2d([[0, 255], [128, 0]], undefined, "int32"), { shade: true })',
  'throw new Error("boom");',
  'Promise.reject(new Error("left behind"));\n"after"',
  "const t: tf.Tensor1D = tf.tensor1d([1, 2]);\n`${report.backend} ${t.shape} ${tf.memory().numTensors}`",
];

describe("the deepdeck kernel in Jupyter", { skip }, () => {
  let run: ExecuteResult;
  const link = join(__dirname, "..", "..", "node_modules", "deepdeck");
  before(() => {
    // `npm install <package>` removes this link; the kernel must put it back before the first import.
    rmSync(link, { force: true });
    run = runCells(cells, {}, 120);
  });
  const out = (i: number) => run.notebook.cells[i]!;

  test("imports deepdeck by name, with types, and reports the backend", () => {
    assert.equal(run.error, null);
    assert.ok(existsSync(join(link, "package.json")), "the kernel restored node_modules/deepdeck");
    assert.match(cellText(out(0)), /^TensorFlow.js backend: (wasm|tensorflow|cpu) /);
    assert.doesNotMatch(cellText(out(0), "stderr"), /Cannot find module/);
  });
  test("a tensor as the last expression prints numpy-style", () => {
    assert.equal(cellText(out(1)), "Tensor int32 [2, 3]\n[[1, 2, 3],\n [4, 5, 6]]");
    assert.equal(out(1).outputs![0]!.output_type, "execute_result");
    assert.equal(out(1).execution_count, 2);
  });
  test("dd.str prints R's one-line summary", () => {
    assert.equal(cellText(out(2)), "int32 [60000, 28, 28] 0 0 0 0 0 0 0 0 0 0 ...");
  });
  test("a multi-type MIME bundle arrives as one display_data", () => {
    const outputs = out(3).outputs!;
    assert.equal(outputs.length, 1, "nothing else is printed");
    assert.equal(outputs[0]!.output_type, "display_data");
    assert.deepEqual(Object.keys(outputs[0]!.data!).sort(), ["image/svg+xml", "text/html", "text/plain"]);
  });
  test("a display is updated in place", () => {
    const msgs = run.messages["4"]!;
    assert.deepEqual(
      msgs.map((m) => m.msg_type),
      ["display_data", "update_display_data", "update_display_data"],
    );
    assert.equal(new Set(msgs.map((m) => m.display_id)).size, 1, "one display_id");
    assert.deepEqual(msgs[2]!.mime_types, ["text/html", "text/plain"]);
    const shown = out(4).outputs!;
    assert.equal(shown.length, 1);
    assert.equal((shown[0]!.data!["text/plain"] as string[]).join(""), "step 3");
  });
  test("the pixel-table HTML view renders", () => {
    const html = [out(5).outputs![0]!.data!["text/html"]].flat().join("");
    assert.match(html, /^<table/);
    assert.match(html, /background:rgb\(0,0,0\);color:#fff;">255</);
  });
  test("a cell that throws reports in that cell; a rejected promise too; the kernel keeps its state", () => {
    assert.equal(cellText(out(6)), "Error: boom");
    assert.equal(cellText(out(7)), "Error: left behind", "the rejection fails the cell, which then has no result");
    assert.match(cellText(out(8)), /^(wasm|tensorflow|cpu) 2 \d+$/, "variables from the first cell survive the errors");
  });
});
