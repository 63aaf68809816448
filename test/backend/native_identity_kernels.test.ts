// Cast and Reshape that change nothing share their input on the tensorflow backend instead of running a
// TensorFlow op; real changes still run tfjs-node's kernels. test/backends.ts runs this file on node only.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { opsOf } from "../support/native_ops";
import { dd, noLeaks, tf } from "../support/tf";

before(async () => {
  const report = await dd.ready();
  assert.equal(report.backend, "tensorflow", "this file runs on the node backend (test/backends.ts)");
});

/** `fn`'s result and the TensorFlow ops it ran. */
function traced(fn: () => tf.Tensor): { out: tf.Tensor; ops: Record<string, number> } {
  let out: tf.Tensor | undefined;
  const ops = opsOf(() => void (out = fn()));
  return { out: out!, ops };
}

describe("Cast and Reshape on the tensorflow backend", () => {
  test("to the same dtype or shape: no TensorFlow op, the same values, alive after the input is disposed", async () => {
    await noLeaks(() => {
      const x = tf.tensor2d([1.5, -2, 3, 4.25, 0, -0], [2, 3]);
      const y = tf.tensor1d([1, 2, 3], "int32");
      const results = [
        traced(() => x.cast("float32")),
        traced(() => y.cast("int32")),
        traced(() => x.reshape([2, 3])),
        traced(() => x.reshape([-1, 3])),
        traced(() => x.reshape([2, -1])),
      ];
      for (const { ops } of results) assert.deepEqual(ops, {});
      const expected = [x.arraySync(), y.arraySync(), x.arraySync(), x.arraySync(), x.arraySync()];
      tf.dispose([x, y]);
      assert.deepEqual(
        results.map(({ out }) => out.arraySync()),
        expected,
      );
      assert.deepEqual(
        results.map(({ out }) => [out.dtype, out.shape]),
        [
          ["float32", [2, 3]],
          ["int32", [3]],
          ["float32", [2, 3]],
          ["float32", [2, 3]],
          ["float32", [2, 3]],
        ],
      );
      // The result computes like any tensor (TensorFlow's handle is the input's, with its shape).
      assert.deepEqual(
        tf.tidy(() => results[3]!.out.matMul(tf.ones([3, 1])).arraySync()),
        [[2.5], [4.25]],
      );
      tf.dispose(results.map((r) => r.out));
    });
  });

  test("a real change still runs tfjs-node's kernel", async () => {
    await noLeaks(() => {
      const x = tf.tensor2d([1.5, -2, 3, 4.25, 0, 7], [2, 3]);
      const toInt = traced(() => x.cast("int32"));
      assert.deepEqual(toInt.ops, { Cast: 1 });
      assert.deepEqual(toInt.out.arraySync(), [
        [1, -2, 3],
        [4, 0, 7],
      ]);
      const flat = traced(() => x.reshape([-1]));
      assert.deepEqual(flat.ops, { Reshape: 1 });
      assert.deepEqual(flat.out.shape, [6]);
      const cols = traced(() => x.reshape([3, 2]));
      assert.deepEqual(cols.ops, { Reshape: 1 });
      assert.deepEqual(cols.out.arraySync(), [
        [1.5, -2],
        [3, 4.25],
        [0, 7],
      ]);
      assert.throws(() => x.reshape([4, 2]), /Size\(6\) must match the product of shape 4,2/);
      tf.dispose([x, toInt.out, flat.out, cols.out]);
    });
  });

  test("gradients through them are unchanged", async () => {
    await noLeaks(() => {
      const x = tf.tensor2d([1, -2, 3, 4], [2, 2]);
      const g = tf.grad((t: tf.Tensor) => t.reshape([2, 2]).cast("float32").square().sum())(x);
      assert.deepEqual(g.arraySync(), [
        [2, -4],
        [6, 8],
      ]);
      tf.dispose([x, g]);
    });
  });
});
