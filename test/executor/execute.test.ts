/** The executor runs notebooks through nbclient; here on the Python kernel, so it is tested apart from deepdeck's. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { cellText, executeNotebook, findPython, makeNotebook } from "../../src/executor/execute";
import { skipJupyter } from "../support/jupyter";

const scratch = mkdtempSync(join(tmpdir(), "deepdeck-executor-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
const python3 = (cells: string[]) => ({ ...makeNotebook(cells), metadata: {} });

describe("executeNotebook", { skip: skipJupyter }, () => {
  test("finds a Python that has nbclient, DEEPDECK_PYTHON first", () => {
    const python = findPython({ ...process.env, DEEPDECK_PYTHON: "/nonexistent/python" });
    assert.equal(spawnSync(python, ["-c", "import nbclient"]).status, 0);
    assert.equal(findPython({ ...process.env, DEEPDECK_PYTHON: python }), python);
  });

  test("runs every cell and returns the outputs and the iopub messages per cell", () => {
    const { notebook, messages, error } = executeNotebook(python3(["x = 6 * 7\nprint(x)", "x + 1"]), {
      kernel: "python3",
      timeout: 60,
    });
    assert.equal(error, null);
    assert.equal(cellText(notebook.cells[0]!, "stdout"), "42\n");
    assert.equal(cellText(notebook.cells[1]!), "43");
    assert.ok(messages["1"]!.some((m) => m.msg_type === "execute_result"));
  });

  test("stops at a failing cell unless allowErrors, and records the error", () => {
    const cells = ["raise ValueError('boom')", "print('after')"];
    const stopped = executeNotebook(python3(cells), { kernel: "python3", timeout: 60 });
    assert.match(stopped.error ?? "", /ValueError/);
    assert.equal(cellText(stopped.notebook.cells[1]!), "");
    const kept = executeNotebook(python3(cells), { kernel: "python3", timeout: 60, allowErrors: true });
    assert.equal(kept.notebook.cells[0]!.outputs![0]!.ename, "ValueError");
    assert.equal(cellText(kept.notebook.cells[1]!, "stdout"), "after\n");
  });

  test("runs a notebook file in its own folder", () => {
    const path = join(scratch, "here.ipynb");
    writeFileSync(path, JSON.stringify(python3(["import os; print(os.getcwd())"])));
    const { notebook } = executeNotebook(path, { kernel: "python3", timeout: 60 });
    assert.equal(cellText(notebook.cells[0]!, "stdout").trim(), scratch);
  });
});
