// Relu's gradient on the tensorflow backend is TensorFlow's ReluGrad (one op), with the values of tfjs's
// gradient on the cpu backend, gradients of gradients included. test/backends.ts runs this file on node only.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { opsOf } from "../support/native_ops";
import { dd, noLeaks, tf } from "../support/tf";

before(async () => {
  const report = await dd.ready();
  assert.equal(report.backend, "tensorflow", "this file runs on the node backend (test/backends.ts)");
});

const xs = [-2, -0.5, 0.25, 3, -1, 4, 0.5, -3];
const ws = [1, 2, 3, 4, 5, 6, 7, 8];

/** Relu's gradient and a gradient of a gradient through it, on the active backend. */
function gradients(): { first: number[]; second: number[] } {
  return tf.tidy(() => {
    const x = tf.tensor1d(xs);
    const w = tf.tensor1d(ws);
    const first = tf.grad((t: tf.Tensor) => t.relu().mul(w).sum())(x);
    // d/dw of sum(d/dx sum(relu(x)·w)) = step(x): through the gradient's dy.
    const second = tf.grad((v: tf.Tensor) =>
      tf
        .grad((t: tf.Tensor) => t.relu().mul(v).sum())(x)
        .sum(),
    )(w);
    return { first: Array.from(first.dataSync()), second: Array.from(second.dataSync()) };
  });
}

describe("Relu's gradient on the tensorflow backend", () => {
  test("is one ReluGrad op, with the cpu backend's values, second order included", async () => {
    const native = await noLeaks(gradients);
    await tf.setBackend("cpu");
    let cpu: ReturnType<typeof gradients>;
    try {
      cpu = gradients();
    } finally {
      await tf.setBackend("tensorflow");
    }
    assert.deepEqual(native, cpu);
    assert.deepEqual(native.first, [0, 0, 3, 4, 0, 6, 7, 0]);
    assert.deepEqual(native.second, [0, 0, 1, 1, 0, 1, 1, 0]);
    await noLeaks(() => {
      const x = tf.tensor1d(xs);
      const dy = tf.ones([8]);
      let g: tf.Tensor | undefined;
      const ops = opsOf(() => {
        const f = tf.grad((t: tf.Tensor) => t.relu());
        g = f(x, dy);
      });
      assert.deepEqual(ops, { Relu: 1, ReluGrad: 1 });
      tf.dispose([x, dy, g!]);
    });
  });

  test("where x is NaN the gradient is 0, as TensorFlow's (tfjs's own gives NaN)", async () => {
    await noLeaks(() => {
      const g = tf.tidy(() =>
        Array.from(
          tf
            .grad((t: tf.Tensor) => t.relu().sum())(tf.tensor1d([NaN, 1, -1]))
            .dataSync(),
        ),
      );
      assert.deepEqual(g, [0, 1, 0]);
    });
  });
});
