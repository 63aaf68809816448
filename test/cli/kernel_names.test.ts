/** Several copies of deepdeck on one machine: named kernels, and `npm start` leaving another copy's kernel alone. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { kernelLauncher } from "../../src/project/kernelspec";

const scratch = mkdtempSync(join(tmpdir(), "deepdeck-names-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
const cli = join(__dirname, "..", "..", "dist", "cli", "main.js");
const deepdeck = (args: string[], dataDir: string, path = process.env["PATH"]) =>
  spawnSync(process.execPath, [cli, ...args], {
    // DEEPDECK_VENV too, so `start` finds no Jupyter in the checkout's .venv/ either when PATH has none.
    env: { ...process.env, JUPYTER_DATA_DIR: dataDir, PATH: path, DEEPDECK_VENV: "/nonexistent" },
    encoding: "utf8",
  });
const spec = (dataDir: string, name: string) =>
  JSON.parse(readFileSync(join(dataDir, "kernels", name, "kernel.json"), "utf8")) as {
    argv: string[];
    display_name: string;
  };

describe("install-kernel --name", () => {
  test("registers a second kernel whose display name says which", () => {
    const dataDir = join(scratch, "named");
    const run = deepdeck(["install-kernel", "--name", "course-b"], dataDir);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /Registered: Jupyter kernel "TypeScript \(deepdeck: course-b\)"/);
    const s = spec(dataDir, "course-b");
    assert.equal(s.display_name, "TypeScript (deepdeck: course-b)");
    assert.equal(s.argv[1], kernelLauncher());
  });
  test("refuses names Jupyter would not accept", () => {
    const run = deepdeck(["install-kernel", "--name", "a b"], join(scratch, "bad"));
    assert.equal(run.status, 2);
    assert.match(run.stderr, /"a b" is not a kernel name/);
  });
});

describe("npm start with another copy's kernel registered", () => {
  test("leaves it, says so and how to repoint; install-kernel repoints and says from where", () => {
    const dataDir = join(scratch, "other");
    const other = "/elsewhere/deepdeck/dist/tslab/launch.js";
    mkdirSync(join(dataDir, "kernels", "deepdeck"), { recursive: true });
    const file = join(dataDir, "kernels", "deepdeck", "kernel.json");
    const before = JSON.stringify({
      argv: [process.execPath, other, "--config-path", "{connection_file}"],
      display_name: "TypeScript (deepdeck)",
      language: "typescript",
    });
    writeFileSync(file, before);
    // Without Jupyter on PATH start stops after the kernel step, which is what is checked here.
    const start = deepdeck(["start"], dataDir, "/nonexistent");
    assert.match(start.stdout, /runs another copy of deepdeck:\n {2}\/elsewhere\/deepdeck\/dist\/tslab\/launch\.js/);
    assert.match(start.stdout, /npm run install-kernel +point it at this checkout/);
    assert.match(start.stdout, /install-kernel --name NAME/);
    assert.equal(readFileSync(file, "utf8"), before, "kernel.json untouched");
    const repoint = deepdeck(["install-kernel"], dataDir);
    assert.equal(repoint.status, 0, repoint.stderr);
    assert.match(repoint.stdout, /It ran \/elsewhere\/deepdeck\/dist\/tslab\/launch\.js before; it now runs this copy/);
    assert.equal(spec(dataDir, "deepdeck").argv[1], kernelLauncher());
  });
});
