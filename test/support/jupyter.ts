/** Running notebooks on the deepdeck kernel in tests, with a kernelspec in a temporary Jupyter data dir. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { installKernelSpec } from "../../src/project/kernelspec";
import { executeNotebook, findPython, makeNotebook, type ExecuteResult } from "../../src/executor/execute";

export const skipJupyter = process.env["DEEPDECK_SKIP_JUPYTER"] === "1" ? "DEEPDECK_SKIP_JUPYTER=1" : false;

/** Execute code cells on the deepdeck kernel, in notebooks/, with `env` added to the kernel's environment. */
export function runCells(cells: string[], env: Record<string, string> = {}, timeout = 300): ExecuteResult {
  try {
    findPython();
  } catch (e) {
    throw new Error(`${(e as Error).message}\n(Or set DEEPDECK_SKIP_JUPYTER=1 to skip the Jupyter tests.)`);
  }
  const dataDir = mkdtempSync(join(tmpdir(), "deepdeck-jupyter-"));
  try {
    installKernelSpec({ dataDir });
    return executeNotebook(makeNotebook(cells), {
      allowErrors: true,
      timeout,
      cwd: join(dirname(__filename), "..", "..", "notebooks"),
      env: { ...process.env, ...env, JUPYTER_DATA_DIR: dataDir },
    });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
