// Max pooling's gradient on the tensorflow backend runs oneDNN's pooling and its gradient, with the values
// of tfjs-node's own MaxPoolGrad and of the cpu backend's gradient, on the course convnet's two pooling
// shapes and on overlapping, strided and same-padded windows. test/backends.ts runs this file on node only.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { isDeepdeckKernel, useStockKernels } from "../../src/backend/kernel_registry";
import { nativeMaxPoolGradFellBack } from "../../src/backend/native_max_pool_grad";
import { opsOf } from "../support/native_ops";
import { dd, noLeaks, tf } from "../support/tf";

before(async () => {
  const report = await dd.ready();
  assert.equal(report.backend, "tensorflow", "this file runs on the node backend (test/backends.ts)");
});

interface Case {
  name: string;
  /** Windows overlap: dx adds several dy's in an order that differs between kernels (float rounding). */
  overlapping?: true;
  shape: [number, number, number, number];
  filterSize: number;
  strides: number;
  pad: "valid" | "same";
}

const cases: Case[] = [
  {
    name: "the convnet's first pooling (64×26×26×32, 2×2)",
    shape: [64, 26, 26, 32],
    filterSize: 2,
    strides: 2,
    pad: "valid",
  },
  {
    name: "the convnet's second pooling (odd 11×11: the last row dropped)",
    shape: [64, 11, 11, 64],
    filterSize: 2,
    strides: 2,
    pad: "valid",
  },
  {
    name: "overlapping 3×3 windows, stride 2, same padding",
    shape: [3, 9, 7, 5],
    filterSize: 3,
    strides: 2,
    pad: "same",
    overlapping: true,
  },
  {
    name: "3×3 windows, stride 1, valid",
    shape: [2, 8, 8, 4],
    filterSize: 3,
    strides: 1,
    pad: "valid",
    overlapping: true,
  },
];

/** Values after a ReLU, rounded to a few levels so windows often tie (zeros above all): ties decide where dy goes. */
function inputs(c: Case): { x: tf.Tensor4D; dy: tf.Tensor4D } {
  return tf.tidy(() => {
    const x = tf
      .relu(tf.randomNormal<tf.Rank.R4>(c.shape, 0, 1, "float32", 7))
      .mul<tf.Tensor4D>(4)
      .round()
      .div<tf.Tensor4D>(4);
    const y = tf.maxPool(x, c.filterSize, c.strides, c.pad);
    return { x, dy: tf.randomNormal<tf.Rank.R4>(y.shape, 0, 1, "float32", 8) };
  });
}

/** Equal, or (overlapping windows) the same nonzero places and values within float32 rounding of a sum. */
function assertSame(actual: Float32Array, expected: Float32Array, overlapping: boolean | undefined): void {
  if (!overlapping) {
    assert.deepEqual(actual, expected);
    return;
  }
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++) {
    const [a, e] = [actual[i]!, expected[i]!];
    assert.equal(a === 0, e === 0, `dx[${i}]: ${a} vs ${e}`);
    assert.ok(Math.abs(a - e) <= 1e-5 * Math.max(1, Math.abs(e)), `dx[${i}]: ${a} vs ${e}`);
  }
}

/** dx of sum(maxPool(x)·dy) on the active backend, as plain numbers. */
function gradient(c: Case, x: tf.Tensor4D, dy: tf.Tensor4D): Float32Array {
  return tf.tidy(() => {
    const g = tf.grad((t: tf.Tensor) =>
      tf
        .maxPool(t as tf.Tensor4D, c.filterSize, c.strides, c.pad)
        .mul(dy)
        .sum(),
    )(x);
    return g.dataSync() as Float32Array;
  });
}

describe("MaxPoolGrad on the tensorflow backend", () => {
  test("is deepdeck's kernel there", () => {
    assert.ok(isDeepdeckKernel("MaxPoolGrad", "tensorflow"));
  });

  for (const c of cases)
    test(`${c.name}: tfjs-node's and the cpu backend's values (exactly where windows do not overlap), ties included`, async () => {
      const { x, dy } = inputs(c);
      try {
        const ours = await noLeaks(() => gradient(c, x, dy));
        assert.equal(nativeMaxPoolGradFellBack(), false);
        const undo = useStockKernels(["MaxPoolGrad"], "tensorflow");
        let stock: Float32Array;
        try {
          stock = gradient(c, x, dy);
        } finally {
          undo();
        }
        assertSame(ours, stock, c.overlapping);
        const [xs, dys] = [x.arraySync(), dy.arraySync()];
        await tf.setBackend("cpu");
        let cpu: Float32Array;
        try {
          cpu = tf.tidy(() => gradient(c, tf.tensor4d(xs), tf.tensor4d(dys)));
        } finally {
          await tf.setBackend("tensorflow");
        }
        assertSame(ours, cpu, c.overlapping);
        // Not a vacuous match: some windows tie, and the gradient is not zero.
        assert.ok(ours.some((v) => v !== 0));
        const zeros = (await x.data()).filter((v) => v === 0).length;
        assert.ok(zeros > x.size / 4, `the inputs tie (${zeros} zeros of ${x.size})`);
      } finally {
        tf.dispose([x, dy]);
      }
    });

  test("runs oneDNN's two ops instead of TensorFlow's MaxPoolGrad, and leaves no tensor behind", async () => {
    const c = cases[0]!;
    const { x, dy } = inputs(c);
    const grad = () =>
      tf.grad((t: tf.Tensor) =>
        tf
          .maxPool(t as tf.Tensor4D, 2, 2, "valid")
          .mul(dy)
          .sum(),
      )(x);
    const held = () => (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
    try {
      const before = held();
      await noLeaks(() => {
        let g: tf.Tensor | undefined;
        const ops = opsOf(() => {
          g = grad();
        });
        assert.equal(ops["MaxPoolGrad"], undefined);
        assert.equal(ops["_MklNativeMaxPool"], 1);
        assert.equal(ops["_MklNativeMaxPoolGrad"], 1);
        g!.dispose();
      });
      assert.equal(held(), before, "the backend holds no more tensors (the workspace freed)");
    } finally {
      tf.dispose([x, dy]);
    }
  });

  test("a gradient tfjs-node cannot take still fails with tfjs-node's own message", () => {
    // Explicit (numeric) padding: tfjs-node's pooling takes only valid and same, and says so.
    const x = tf.ones<tf.Rank.R4>([1, 4, 4, 1]);
    try {
      assert.throws(
        () => tf.grad((t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, 2, 2, 1).sum())(x),
        /supports only 'valid' and 'same' padding/,
      );
    } finally {
      x.dispose();
    }
  });
});
