/**
 * The check, through nbclient as papermill and CI run notebooks: a notebook in a temporary
 * folder outside the checkout, on the deepdeck kernel. DEEPDECK_SKIP_JUPYTER=1 opts out.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { installKernelSpec } from "../../src/project/kernelspec";
import { executeNotebook, findPython, makeNotebook, type ExecuteResult } from "../../src/executor/execute";
import { skipJupyter as skip } from "../support/jupyter";

describe("a notebook in any folder, run by nbclient", { skip }, () => {
  const scratch = mkdtempSync(join(tmpdir(), "deepdeck-anywhere-"));
  after(() => rmSync(scratch, { recursive: true, force: true }));
  let run: ExecuteResult;
  before(() => {
    findPython();
    const dataDir = join(scratch, "jupyter");
    installKernelSpec({ dataDir });
    mkdirSync(join(scratch, "notebook"));
    const cells = [
      'import * as dd from "deepdeck";\nimport * as tf from "@tensorflow/tfjs";\nawait dd.ready();\ndd.imshow(tf.eye(8));',
      'throw new Error("boom");',
      "6 * 7",
      'tf.tensor1d([1.5, 2], "float32")',
    ];
    run = executeNotebook(makeNotebook(cells), {
      allowErrors: true,
      timeout: 120,
      cwd: join(scratch, "notebook"),
      env: { ...process.env, JUPYTER_DATA_DIR: dataDir },
    });
  });
  const cell = (i: number) => run.notebook.cells[i]!;
  // nbformat stores multi-line text as a list of lines.
  const plain = (i: number) =>
    cell(i).outputs!.map((o) => [o.output_type, [(o.data?.["text/plain"] ?? []) as string | string[]].flat().join("")]);

  test("imports both packages and shows an image, with nothing on stderr", () => {
    assert.equal(run.error, null);
    const outputs = cell(0).outputs!;
    assert.deepEqual(
      outputs.map((o) => o.output_type),
      ["display_data"],
      JSON.stringify(outputs),
    );
    assert.ok(outputs[0]!.data!["image/png"]);
  });
  test("the saved notebook has the error's name and message, and each cell's count", () => {
    const [error] = cell(1).outputs!;
    assert.equal(error?.output_type, "error");
    assert.equal(error.ename, "Error");
    assert.equal(error.evalue, "boom");
    assert.deepEqual(
      run.notebook.cells.map((c) => c.execution_count),
      [1, 2, 3, 4],
    );
  });
  test("values are Out[n] results", () => {
    assert.deepEqual(plain(2), [["execute_result", "42"]]);
    assert.deepEqual(plain(3), [["execute_result", "Tensor float32 [2]\n[1.5, 2.0]"]]);
  });
});
