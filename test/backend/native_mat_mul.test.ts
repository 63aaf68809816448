// tfjs's matMul on the tensorflow backend runs TensorFlow's MatMul for two matrices and for a batch of
// one, with the values of tfjs-node's BatchMatMulV2 and of the cpu backend, gradients included; real
// batches and int32 stay tfjs-node's. test/backends.ts runs this file on node only.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { isDeepdeckKernel, useStockKernels } from "../../src/backend/kernel_registry";
import { opsOf } from "../support/native_ops";
import { dd, noLeaks, tf } from "../support/tf";

before(async () => {
  const report = await dd.ready();
  assert.equal(report.backend, "tensorflow", "this file runs on the node backend (test/backends.ts)");
});

/** Close within float32 rounding of a 576-term dot product (the kernels add in different orders). */
function assertClose(actual: Float32Array, expected: Float32Array): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++) {
    const [a, e] = [actual[i]!, expected[i]!];
    assert.ok(Math.abs(a - e) <= 1e-4 * Math.max(1, Math.abs(e)), `[${i}]: ${a} vs ${e}`);
  }
}

/** A Dense layer's product and both gradients: the course convnet's 64×576 · 576×64, on the active backend. */
function denseProducts(
  x: number[][],
  w: number[][],
  dy: number[][],
  transposeA: boolean,
  transposeB: boolean,
): Float32Array[] {
  return tf.tidy(() => {
    const a = transposeA ? tf.tensor2d(x).transpose() : tf.tensor2d(x);
    const b = transposeB ? tf.tensor2d(w).transpose() : tf.tensor2d(w);
    // Transposed copies in, so the kernel gets transposeA/B set (the gradients set them too).
    const f = (p: tf.Tensor, q: tf.Tensor) => tf.matMul(p, q, transposeA, transposeB).mul(tf.tensor2d(dy)).sum();
    const [ga, gb] = tf.grads(f)([a, b]);
    return [tf.matMul(a, b, transposeA, transposeB), ga!, gb!].map((t) => t.dataSync() as Float32Array);
  });
}

const random = (rows: number, cols: number, seed: number): number[][] =>
  tf.tidy(() => tf.randomNormal([rows, cols], 0, 1, "float32", seed).arraySync() as number[][]);

describe("BatchMatMul on the tensorflow backend", () => {
  test("is deepdeck's kernel there", () => {
    assert.ok(isDeepdeckKernel("BatchMatMul", "tensorflow"));
  });

  const [x, w, dy] = [random(64, 576, 1), random(576, 64, 2), random(64, 64, 3)];
  for (const [ta, tb] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const)
    test(`64×576 · 576×64 (transposeA ${ta}, transposeB ${tb}) and its gradients: tfjs-node's and the cpu backend's values`, async () => {
      const ours = await noLeaks(() => denseProducts(x, w, dy, ta, tb));
      const undo = useStockKernels(["BatchMatMul"], "tensorflow");
      let stock: Float32Array[];
      try {
        stock = denseProducts(x, w, dy, ta, tb);
      } finally {
        undo();
      }
      await tf.setBackend("cpu");
      let cpu: Float32Array[];
      try {
        cpu = denseProducts(x, w, dy, ta, tb);
      } finally {
        await tf.setBackend("tensorflow");
      }
      for (let i = 0; i < 3; i++) {
        assertClose(ours[i]!, stock[i]!);
        assertClose(ours[i]!, cpu[i]!);
      }
    });

  test("two matrices are one MatMul, a batch of one Squeeze/MatMul/Pack, real batches and int32 tfjs-node's", async () => {
    await noLeaks(() => {
      const a = tf.tensor2d(x);
      const b = tf.tensor2d(w);
      const a3 = tf.tensor3d([x]);
      const b3 = tf.tensor3d([w]);
      const batch = tf.randomNormal([3, 4, 5]);
      const batchB = tf.randomNormal([3, 5, 2]);
      const ints = tf.tensor3d([[[1, 2]]], [1, 1, 2], "int32");
      const intsB = tf.tensor3d([[[3], [4]]], [1, 2, 1], "int32");
      const run = (p: tf.Tensor, q: tf.Tensor) => {
        let out: tf.Tensor | undefined;
        const ops = opsOf(() => {
          out = tf
            .engine()
            .runKernel<tf.Tensor>("BatchMatMul", { a: p, b: q }, { transposeA: false, transposeB: false });
        });
        return { ops, out: out! };
      };
      const two = run(a, b);
      assert.deepEqual(two.ops, { MatMul: 1 });
      assert.deepEqual(two.out.shape, [64, 64]);
      const one = run(a3, b3);
      assert.deepEqual(one.ops, { Squeeze: 2, MatMul: 1, Pack: 1 });
      assert.deepEqual(one.out.shape, [1, 64, 64]);
      assert.deepEqual(one.out.dataSync(), two.out.dataSync());
      const three = run(batch, batchB);
      assert.deepEqual(three.ops, { BatchMatMulV2: 1 });
      assert.deepEqual(three.out.shape, [3, 4, 2]);
      const int = run(ints, intsB);
      assert.deepEqual(int.ops, { BatchMatMulV2: 1 });
      assert.deepEqual(Array.from(int.out.dataSync()), [11]);
      tf.dispose([a, b, a3, b3, batch, batchB, ints, intsB, two.out, one.out, three.out, int.out]);
    });
  });
});
