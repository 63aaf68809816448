// Max pooling and its gradient on the tensorflow backend run oneDNN's pooling and its gradient (the forward
// pass keeping its workspace for the gradient while training), with the values of tfjs-node's own kernels
// and of the cpu backend, on the course convnet's two pooling shapes and on overlapping, strided and
// same-padded windows. test/backends.ts runs this file on node only.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { isDeepdeckKernel, useStockKernels } from "../../src/backend/kernel_registry";
import { keptWorkspaces, nativeMaxPoolFellBack, waitingWorkspaces } from "../../src/backend/native_max_pool";
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
  test("are deepdeck's kernels there", () => {
    assert.ok(isDeepdeckKernel("MaxPool", "tensorflow"));
    assert.ok(isDeepdeckKernel("MaxPoolGrad", "tensorflow"));
  });

  for (const c of cases)
    test(`${c.name}: tfjs-node's and the cpu backend's values (exactly where windows do not overlap), ties included`, async () => {
      const { x, dy } = inputs(c);
      try {
        const ours = await noLeaks(() => gradient(c, x, dy));
        assert.equal(nativeMaxPoolFellBack(), false);
        assert.equal(waitingWorkspaces(), 0, "the gradient took the forward pass's workspace");
        const undo = useStockKernels(["MaxPool", "MaxPoolGrad"], "tensorflow");
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

  test("a training step pools once with oneDNN and takes its gradient from the workspace, leaving no tensor behind", async () => {
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
        assert.equal(ops["MaxPool"], undefined);
        assert.equal(ops["MaxPoolGrad"], undefined);
        assert.equal(ops["_MklNativeMaxPool"], 1);
        assert.equal(ops["_MklNativeMaxPoolGrad"], 1);
        g!.dispose();
      });
      assert.equal(held(), before, "the backend holds no more tensors (the workspace freed)");
      assert.equal(waitingWorkspaces(), 0);
    } finally {
      tf.dispose([x, dy]);
    }
  });

  test("outside a gradient, MaxPool is tfjs-node's, with the training forward pass's values", async () => {
    const c = cases[1]!;
    const { x, dy } = inputs(c);
    try {
      await noLeaks(() => {
        let plain: tf.Tensor | undefined;
        const ops = opsOf(() => {
          plain = tf.maxPool(x, 2, 2, "valid");
        });
        assert.deepEqual(ops, { MaxPool: 1 });
        assert.equal(waitingWorkspaces(), 0);
        // The forward pass of a gradient, as oneDNN's: the same output.
        let training: Float32Array | undefined;
        tf.grad((t: tf.Tensor) => {
          const y = tf.maxPool(t as tf.Tensor4D, 2, 2, "valid");
          training = y.dataSync() as Float32Array;
          return y.mul(dy).sum();
        })(x).dispose();
        assert.deepEqual(training, plain!.dataSync());
        plain!.dispose();
      });
    } finally {
      tf.dispose([x, dy]);
    }
  });

  test("a gradient without its workspace (MaxPoolGrad run on its own) pools again, with the stock kernel's values", async () => {
    const c = cases[0]!;
    const { x, dy } = inputs(c);
    const attrs = { filterSize: 2, strides: 2, pad: "valid" };
    const y = tf.maxPool(x, 2, 2, "valid");
    const run = () => tf.engine().runKernel<tf.Tensor>("MaxPoolGrad", { dy, input: x, output: y }, attrs);
    try {
      await noLeaks(() => {
        let ours: tf.Tensor | undefined;
        const ops = opsOf(() => {
          ours = run();
        });
        assert.deepEqual(ops, { _MklNativeMaxPool: 1, _MklNativeMaxPoolGrad: 1 });
        const undo = useStockKernels(["MaxPoolGrad"], "tensorflow");
        try {
          const stock = run();
          assert.deepEqual(ours!.dataSync(), stock.dataSync());
          stock.dispose();
        } finally {
          undo();
        }
        ours!.dispose();
      });
    } finally {
      tf.dispose([x, dy, y]);
    }
  });

  test("a workspace whose gradient never runs is freed at the next pooling; at most keptWorkspaces wait", async () => {
    const x = tf.randomNormal<tf.Rank.R4>([2, 8, 8, 3], 0, 1, "float32", 3);
    try {
      const before = tf.memory().numTensors;
      // Pooled twice while recording, but only the second pooling leads to the result.
      const pooledOffPath = () =>
        tf.grad((t: tf.Tensor) => {
          tf.maxPool(t as tf.Tensor4D, 2, 2, "valid");
          return tf.maxPool(t as tf.Tensor4D, 2, 2, "valid").sum();
        })(x);
      pooledOffPath().dispose();
      assert.equal(waitingWorkspaces(), 1, "the off-path pooling's workspace waits");
      assert.equal(tf.memory().numTensors, before + 1);
      pooledOffPath().dispose();
      assert.equal(waitingWorkspaces(), 1, "the first one was freed when the next pooling came");
      // Many poolings whose gradients never run, all while their outputs live: no more than keptWorkspaces.
      tf.grad((t: tf.Tensor) => {
        const outs = Array.from({ length: keptWorkspaces + 5 }, () => tf.maxPool(t as tf.Tensor4D, 2, 2, "valid"));
        return tf.addN(outs.slice(0, 1)).sum();
      })(x).dispose();
      assert.ok(waitingWorkspaces() <= keptWorkspaces, `${waitingWorkspaces()} wait`);
      // A training step afterwards frees them all (their outputs are gone).
      tf.grad((t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, 2, 2, "valid").sum())(x).dispose();
      assert.equal(waitingWorkspaces(), 0);
      assert.equal(tf.memory().numTensors, before);
    } finally {
      x.dispose();
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
