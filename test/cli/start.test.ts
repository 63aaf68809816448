/** How `npm start` picks a Jupyter front-end and builds its arguments (the browser tests run the real thing). */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { jupyterArgs, jupyterCommand, parseStartArgs, servedFolder } from "../../src/cli/start";

const scratch = mkdtempSync(join(tmpdir(), "deepdeck-start-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
const cli = join(__dirname, "..", "..", "dist", "cli", "main.js");

/** A folder with fake executables `names` that print their name and arguments, then exit 0. */
function fakeBin(dir: string, names: string[]): string {
  mkdirSync(dir, { recursive: true });
  for (const name of names) {
    const file = join(dir, name);
    writeFileSync(file, `#!/bin/sh\necho "${name} $*"\n`);
    chmodSync(file, 0o755);
  }
  return dir;
}

describe("jupyterCommand", () => {
  const root = join(scratch, "checkout");
  const venvBin = fakeBin(join(root, ".venv", "bin"), ["jupyter-lab", "jupyter-notebook"]);
  const debian = fakeBin(join(scratch, "usr-bin"), ["jupyter-notebook"]);

  test("prefers JupyterLab, found in the checkout's .venv/ when PATH has only the classic Notebook", () => {
    const c = jupyterCommand([], root, { path: debian });
    assert.equal(c?.frontEnd, "lab");
    assert.equal(c.command, join(venvBin, "jupyter-lab"));
  });
  test("PATH (an activated venv) comes before .venv/", () => {
    const activated = fakeBin(join(scratch, "activated"), ["jupyter-lab"]);
    assert.equal(jupyterCommand([], root, { path: activated })?.command, join(activated, "jupyter-lab"));
  });
  test("--notebook takes the first jupyter-notebook; without JupyterLab anywhere, the Notebook is the choice", () => {
    assert.equal(
      jupyterCommand([], root, { path: debian, frontEnd: "notebook" })?.command,
      join(debian, "jupyter-notebook"),
    );
    const bare = join(scratch, "bare");
    mkdirSync(bare, { recursive: true });
    assert.deepEqual(
      { ...jupyterCommand([], bare, { path: debian }), args: [] },
      { frontEnd: "notebook", command: join(debian, "jupyter-notebook"), args: [] },
    );
    assert.equal(jupyterCommand([], bare, { path: debian, frontEnd: "lab" }), null);
  });
  test("serves notebooks/ on 127.0.0.1; a --notebook-dir given replaces it (Jupyter refuses two)", () => {
    const args = jupyterArgs("/course/notebooks", ["--no-browser"]);
    assert.deepEqual(
      args.filter((a) => a !== "--allow-root"),
      ["--ip=127.0.0.1", "--notebook-dir=/course/notebooks", "--no-browser"],
    );
    assert.deepEqual(
      jupyterArgs("/course/notebooks", ["--notebook-dir=/mine"]).filter((a) => a.includes("dir")),
      ["--notebook-dir=/mine"],
    );
    assert.deepEqual(
      jupyterArgs("/course/notebooks", ["--ServerApp.root_dir", "/mine"]).filter((a) => a.includes("dir")),
      ["--ServerApp.root_dir"],
    );
  });
  test("the served folder, where the first warm compiler is made, is read from the arguments as Jupyter reads them", () => {
    assert.equal(servedFolder(jupyterArgs("/course/notebooks")), "/course/notebooks");
    assert.equal(servedFolder(jupyterArgs("/course/notebooks", ["--ServerApp.root_dir", "/mine"])), "/mine");
    assert.equal(servedFolder(["--notebook-dir=/a", "--NotebookApp.notebook_dir=/b"]), "/b", "the last one");
    assert.equal(servedFolder(["--no-browser"]), null);
  });
});

describe("deepdeck start's arguments", () => {
  test("--lab and --notebook are deepdeck's; the rest, after an optional --, are Jupyter's", () => {
    assert.deepEqual(parseStartArgs([]), { jupyterArgs: [] });
    assert.deepEqual(parseStartArgs(["--notebook", "--", "--port=9"]), {
      frontEnd: "notebook",
      jupyterArgs: ["--port=9"],
    });
    assert.deepEqual(parseStartArgs(["--lab", "--no-browser"]), { frontEnd: "lab", jupyterArgs: ["--no-browser"] });
    assert.deepEqual(parseStartArgs(["--", "--notebook"]), { jupyterArgs: ["--notebook"] });
  });
  test("with only the classic Notebook, start opens it and says how to get JupyterLab", () => {
    const debian = fakeBin(join(scratch, "classic-only"), ["jupyter-notebook"]);
    const run = spawnSync(process.execPath, [cli, "start", "--", "--no-browser"], {
      env: {
        ...process.env,
        PATH: `${debian}:/usr/bin:/bin`,
        DEEPDECK_VENV: "/nonexistent",
        JUPYTER_DATA_DIR: join(scratch, "jd"),
      },
      encoding: "utf8",
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(
      run.stdout,
      /JupyterLab is not installed, so this opens the classic Notebook[\s\S]*pip install jupyterlab/,
    );
    assert.match(
      run.stdout,
      /^jupyter-notebook --ip=127\.0\.0\.1 --notebook-dir=\S+notebooks (--allow-root )?--no-browser$/m,
    );
  });
  test("--lab without JupyterLab says how to install it", () => {
    const run = spawnSync(process.execPath, [cli, "start", "--lab"], {
      env: {
        ...process.env,
        PATH: "/nonexistent",
        DEEPDECK_VENV: "/nonexistent",
        JUPYTER_DATA_DIR: join(scratch, "jd2"),
      },
      encoding: "utf8",
    });
    assert.equal(run.status, 1);
    assert.match(
      run.stderr,
      /JupyterLab was not found[\s\S]*python3 -m venv \.venv && \.venv\/bin\/pip install jupyterlab/,
    );
  });
});
