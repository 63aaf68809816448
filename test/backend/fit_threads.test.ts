/** How many threads fit may use on wasm (DEEPDECK_FIT_WORKERS, else auto), and the report's line about it. */
import assert from "node:assert/strict";
import { availableParallelism } from "node:os";
import { afterEach, describe, test } from "node:test";
import { fitThreadsLine, fitWorkersAvailable, fitWorkersSetting } from "../../src/backend/fit_threads";

const saved = process.env["DEEPDECK_FIT_WORKERS"];
afterEach(() => {
  if (saved === undefined) delete process.env["DEEPDECK_FIT_WORKERS"];
  else process.env["DEEPDECK_FIT_WORKERS"] = saved;
});
const spare = availableParallelism() - 1;

describe("fit threads", () => {
  test("unset (or blank) is auto, with one worker per core beyond the main thread's", () => {
    for (const v of [undefined, "", " "]) {
      if (v === undefined) delete process.env["DEEPDECK_FIT_WORKERS"];
      else process.env["DEEPDECK_FIT_WORKERS"] = v;
      assert.equal(fitWorkersSetting(), "auto");
      assert.equal(fitWorkersAvailable(), spare);
      assert.match(
        fitThreadsLine(),
        spare === 0
          ? /^fit: 1 thread \(1 core\)$/
          : /^fit: \d+ threads, data-parallel, where a batch does ≥ 512 multiply-adds per weight \(convnets\), else 1 \(DEEPDECK_FIT_WORKERS=0 or N forces\)$/,
      );
    }
  });

  test("a number forces that many workers, at most one per spare core, at least one", () => {
    process.env["DEEPDECK_FIT_WORKERS"] = "0";
    assert.equal(fitWorkersSetting(), 0);
    assert.equal(fitWorkersAvailable(), 0);
    assert.equal(fitThreadsLine(), "fit: 1 thread (DEEPDECK_FIT_WORKERS=0)");
    process.env["DEEPDECK_FIT_WORKERS"] = "64";
    assert.equal(fitWorkersAvailable(), Math.max(1, spare));
    assert.equal(fitThreadsLine(), `fit: ${Math.max(1, spare) + 1} threads, data-parallel (DEEPDECK_FIT_WORKERS=64)`);
  });

  test("anything else is deepdeck's error naming the variable", () => {
    for (const v of ["many", "-1", "1.5"]) {
      process.env["DEEPDECK_FIT_WORKERS"] = v;
      assert.throws(
        () => fitWorkersSetting(),
        new RegExp(`^Error: DEEPDECK_FIT_WORKERS=${v.replace(".", "\\.")} is not a number of worker threads`),
      );
    }
  });
});
