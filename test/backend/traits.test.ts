// What differs by backend, decided by backendTraits(); this file runs on every backend test/backends.ts runs.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { backendTraits } from "../../src/backend/traits";
import { int32FromBytes } from "../../src/data/datasets";
import { dd, noLeaks, tf } from "../support/tf";

const expected: Record<string, { native: boolean; heap: boolean; replacementKernels: boolean }> = {
  tensorflow: { native: true, heap: false, replacementKernels: false },
  wasm: { native: false, heap: true, replacementKernels: true },
  cpu: { native: false, heap: false, replacementKernels: false },
};

describe("backendTraits", () => {
  test("on the backend this run chose (DEEPDECK_BACKEND), and widening bytes into a tensor works through them", async () => {
    const report = await dd.ready();
    const traits = backendTraits();
    assert.equal(traits.name, report.backend);
    const want = expected[traits.name];
    assert.ok(want, `a row for ${traits.name}`);
    assert.deepEqual(
      { native: traits.native, heap: traits.heap !== null, replacementKernels: traits.replacementKernels },
      want,
    );
    const bytes = Uint8Array.from([0, 1, 127, 128, 255, 7]);
    const values = await noLeaks(() => {
      const t = int32FromBytes(bytes, [2, 3]);
      const v = t.arraySync();
      assert.equal(t.dtype, "int32");
      t.dispose();
      return v;
    });
    assert.deepEqual(values, [
      [0, 1, 127],
      [128, 255, 7],
    ]);
  });
  test("on cpu, which every run has", async () => {
    await dd.ready();
    const before = tf.getBackend();
    await tf.setBackend("cpu");
    try {
      assert.deepEqual(
        (({ native, heap, replacementKernels }) => ({ native, heap: heap !== null, replacementKernels }))(
          backendTraits(),
        ),
        expected["cpu"],
      );
    } finally {
      await tf.setBackend(before);
    }
  });
});
