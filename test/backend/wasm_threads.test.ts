/**
 * The wasm backend on several threads (tfjs's threaded SIMD build, started under Node by
 * src/backend/wasm_threads.ts): it starts the threads asked for, trains to the same weights as one
 * thread, leaks nothing, and lets Node exit. Each run is a child process: the thread count is fixed
 * when the backend starts.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, test } from "node:test";
import { wasmThreadsWanted } from "../../src/backend/wasm_threads";

interface Run {
  threads: number;
  started: number;
  loss: number[];
  weights: number[][];
  leaked: number;
}

function train(threads: string): Run {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(__dirname, "fixtures", "train_small.ts")], {
    encoding: "utf8",
    env: { ...process.env, DEEPDECK_WASM_THREADS: threads },
    // Far above the few seconds it takes: a pthread worker holding Node open would end here.
    timeout: 120_000,
  });
  assert.equal(r.signal, null, `the child ended by itself (${threads} threads); stderr: ${r.stderr}`);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, "", "nothing on stderr");
  return JSON.parse(r.stdout.trim().split("\n").at(-1)!) as Run;
}

describe("wasm on several threads", () => {
  test("two threads train to the weights one thread trains to, with no leak, and Node exits", () => {
    const one = train("1");
    const two = train("2");
    assert.equal(one.threads, 1);
    assert.equal(one.started, 0, "the single-threaded build starts no worker");
    assert.equal(two.threads, 2, "XNNPACK's threadpool has two threads");
    assert.ok(two.started >= 1, "a pthread worker ran");
    assert.equal(one.leaked, 0);
    assert.equal(two.leaked, 0);
    assert.equal(two.loss.length, 3);
    for (let e = 0; e < 3; e++) assert.ok(Math.abs(one.loss[e]! - two.loss[e]!) < 1e-5, `epoch ${e} loss`);
    assert.equal(two.weights.length, one.weights.length);
    let worst = 0;
    one.weights.forEach((w, i) => w.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - two.weights[i]![j]!)))));
    assert.ok(worst < 1e-5, `weights differ by ${worst}`);
  });

  test("DEEPDECK_WASM_THREADS: 1 by default, a whole number otherwise", () => {
    const saved = process.env["DEEPDECK_WASM_THREADS"];
    try {
      delete process.env["DEEPDECK_WASM_THREADS"];
      assert.equal(wasmThreadsWanted(), 1);
      process.env["DEEPDECK_WASM_THREADS"] = "3";
      assert.equal(wasmThreadsWanted(), 3);
      process.env["DEEPDECK_WASM_THREADS"] = "64";
      assert.equal(wasmThreadsWanted(), 8, "capped at Emscripten's pool of 8");
      for (const bad of ["0", "two", "1.5", "-1"]) {
        process.env["DEEPDECK_WASM_THREADS"] = bad;
        assert.throws(
          () => wasmThreadsWanted(),
          new RegExp(
            `^Error: DEEPDECK_WASM_THREADS=${bad.replace(".", "\\.")} is not a thread count; use a whole number from 1`,
          ),
        );
      }
    } finally {
      if (saved === undefined) delete process.env["DEEPDECK_WASM_THREADS"];
      else process.env["DEEPDECK_WASM_THREADS"] = saved;
    }
  });
});
