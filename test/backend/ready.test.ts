import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterEach, describe, test } from "node:test";
import { inspect } from "node:util";
import { dd, tf } from "../support/tf";

const saved = process.env["DEEPDECK_BACKEND"];
afterEach(() => {
  if (saved === undefined) delete process.env["DEEPDECK_BACKEND"];
  else process.env["DEEPDECK_BACKEND"] = saved;
  dd.resetBackendChoice();
});

function installed(pkg: string): boolean {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

describe("ready", () => {
  test("takes the first available backend, fastest first, and says why the faster ones were skipped", async () => {
    delete process.env["DEEPDECK_BACKEND"];
    const report = await dd.ready();
    const order = report.attempts.map((a) => a.choice);
    assert.deepEqual(order, dd.backendChoices.slice(0, order.length), "tried in order node-gpu, node, wasm, cpu");
    assert.equal(report.attempts.at(-1)!.available, true);
    assert.equal(report.attempts.at(-1)!.choice, report.choice);
    for (const a of report.attempts.slice(0, -1)) {
      assert.equal(a.available, false);
      assert.ok(a.detail.length > 10, `a reason for ${a.choice}`);
    }
    if (!installed("@tensorflow/tfjs-node-gpu"))
      assert.match(
        report.attempts[0]!.detail,
        /not installed: run `npx deepdeck install-native --gpu` \(needs a CUDA TensorFlow/,
      );
    if (!installed("@tensorflow/tfjs-node") && !installed("@tensorflow/tfjs-node-gpu"))
      assert.equal(report.choice, "wasm", "wasm is the fastest backend without libtensorflow");
    assert.equal(report.backend, tf.getBackend());
    assert.match(inspect(report), new RegExp(`^TensorFlow.js backend: ${report.backend}`));
    assert.equal(await dd.ready(), report, "later calls return the same report");
    assert.equal(dd.backendReport(), report);
  });
  test("wasm reports SIMD and threads", async () => {
    process.env["DEEPDECK_BACKEND"] = "wasm";
    const report = await dd.ready();
    assert.equal(report.override, "wasm");
    assert.match(report.attempts[0]!.detail, /^WebAssembly, (SIMD|no SIMD), (1 thread|[2-8] threads)$/);
    assert.match(report.fit!, /^fit: /, "and how fit uses the cores");
    assert.ok(String(report).endsWith(`\n  ${report.fit!}`), "on the report's last line");
  });
  test("DEEPDECK_BACKEND=cpu chooses cpu", async () => {
    process.env["DEEPDECK_BACKEND"] = "cpu";
    const report = await dd.ready();
    assert.equal(report.choice, "cpu");
    assert.equal(report.override, "cpu");
    assert.equal(tf.getBackend(), "cpu");
    assert.equal(report.fit, undefined, "fit trains on one thread off wasm, so the report does not say");
  });
  test("an unknown DEEPDECK_BACKEND is an error listing the choices", async () => {
    process.env["DEEPDECK_BACKEND"] = "webgpu";
    await assert.rejects(
      dd.ready(),
      /DEEPDECK_BACKEND=webgpu is not a backend deepdeck knows; use one of node-gpu, node, wasm, cpu/,
    );
  });
  test("asking for a backend that is not installed says how to get it", async (t) => {
    if (installed("@tensorflow/tfjs-node")) {
      t.diagnostic("tfjs-node is installed here: the override must work");
      process.env["DEEPDECK_BACKEND"] = "node";
      assert.equal((await dd.ready()).backend, "tensorflow");
      return;
    }
    process.env["DEEPDECK_BACKEND"] = "node";
    await assert.rejects(
      dd.ready(),
      /The backend "node" asked for by DEEPDECK_BACKEND is not available: not installed: run `npx deepdeck install-native`/,
    );
  });
});

describe("preloadNativeBackend", () => {
  /** In a fresh process: preload, then say whether the addon is built and loaded and a backend registered. */
  function preloadIn(env: NodeJS.ProcessEnv): { out: { built: boolean; loaded: boolean; registered: boolean } } & {
    stderr: string;
  } {
    const src = (p: string) => JSON.stringify(join(__dirname, "..", "..", "src", p));
    const script = `require("tsx/cjs");
      const { existsSync, realpathSync } = require("node:fs");
      const tf = require("@tensorflow/tfjs");
      const { preloadNativeBackend } = require(${src("backend/ready.ts")});
      const { addonPath, nativePackageDir } = require(${src("backend/native.ts")});
      preloadNativeBackend();
      const dir = nativePackageDir("@tensorflow/tfjs-node");
      const addon = dir ? addonPath(dir) : null;
      const built = !!addon && existsSync(addon);
      console.log(JSON.stringify({ built, loaded: built && realpathSync(addon) in require.cache,
        registered: !!tf.findBackendFactory("tensorflow") }));`;
    const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", env });
    assert.equal(r.status, 0, r.stderr);
    return { out: JSON.parse(r.stdout) as { built: boolean; loaded: boolean; registered: boolean }, stderr: r.stderr };
  }
  const base = { ...process.env };
  delete base["DEEPDECK_BACKEND"];

  test("loads the native addon ready() would try first, quietly, and registers no backend", () => {
    const { out, stderr } = preloadIn(base);
    assert.equal(out.loaded, out.built, "the addon is loaded exactly when it is built");
    assert.equal(out.registered, false, "the choice stays ready()'s: tfjs-node itself is not loaded");
    assert.equal(stderr, "");
  });
  test("loads nothing when DEEPDECK_BACKEND names wasm, cpu or no backend", () => {
    for (const backend of ["wasm", "cpu", "no-such-backend"]) {
      const { out, stderr } = preloadIn({ ...base, DEEPDECK_BACKEND: backend });
      assert.deepEqual([out.loaded, out.registered], [false, false], backend);
      assert.equal(stderr, "");
    }
  });
});
