import assert from "node:assert/strict";
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
