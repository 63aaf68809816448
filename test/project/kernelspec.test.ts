import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { installKernelSpec, jupyterDataDir, kernelSpec, kernelSpecDir } from "../../src/project/kernelspec";

const scratch = mkdtempSync(join(tmpdir(), "deepdeck-kernelspec-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

describe("jupyterDataDir", () => {
  test("follows Jupyter's rules on each platform", () => {
    assert.equal(jupyterDataDir({ JUPYTER_DATA_DIR: "/x/jd" }, "linux", "/home/u"), "/x/jd");
    assert.equal(jupyterDataDir({}, "linux", "/home/u"), "/home/u/.local/share/jupyter");
    assert.equal(jupyterDataDir({ XDG_DATA_HOME: "/xdg" }, "linux", "/home/u"), "/xdg/jupyter");
    assert.equal(jupyterDataDir({}, "darwin", "/Users/u"), "/Users/u/Library/Jupyter");
    assert.equal(jupyterDataDir({ APPDATA: "C:\\AppData" }, "win32", "C:\\u"), join("C:\\AppData", "jupyter"));
  });
});

describe("kernel.json", () => {
  test("starts this node on deepdeck's launcher, which exists, by absolute paths", () => {
    const spec = kernelSpec() as { argv: string[]; display_name: string; language: string };
    assert.equal(spec.argv[0], process.execPath);
    assert.equal(spec.argv[1], join(__dirname, "..", "..", "dist", "tslab", "launch.js"));
    assert.ok(existsSync(spec.argv[1]), "npm run build made the launcher");
    assert.deepEqual(spec.argv.slice(2), ["--config-path", "{connection_file}"]);
    assert.equal(spec.display_name, "TypeScript (deepdeck)");
    assert.equal(spec.language, "typescript");
  });
  test("install writes kernels/deepdeck/kernel.json atomically and is idempotent", () => {
    const dataDir = join(scratch, "data");
    const first = installKernelSpec({ dataDir });
    assert.deepEqual(first, { dir: join(dataDir, "kernels", "deepdeck"), changed: true });
    const file = join(first.dir, "kernel.json");
    const mtime = statSync(file).mtimeMs;
    assert.deepEqual(installKernelSpec({ dataDir }), { dir: first.dir, changed: false });
    assert.equal(statSync(file).mtimeMs, mtime, "an identical kernel.json is not rewritten");
    assert.deepEqual(readdirSync(first.dir), ["kernel.json"], "no temporary file is left behind");
    assert.deepEqual(JSON.parse(readFileSync(file, "utf8")), kernelSpec());
  });
  test("--prefix installs under PREFIX/share/jupyter like jupyter kernelspec install", () => {
    assert.equal(kernelSpecDir({ prefix: "/opt/env" }), join("/opt/env", "share", "jupyter", "kernels", "deepdeck"));
  });
});
