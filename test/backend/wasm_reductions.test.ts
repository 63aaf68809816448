/**
 * Sum and Mean on wasm accumulate in doubles: on tensors of 1e7+ elements they match a float64
 * reference to float32 rounding, where tfjs's own wasm kernels drift; on every axis layout they match
 * the cpu backend; the mean of MNIST's training pixels is the one Keras and numpy print.
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { isDeepdeckKernel, useStockKernels } from "../../src/backend/kernel_registry";
import { registerWasmBackend } from "../../src/backend/ready";
import { sharedDatasets, skipDatasets } from "../support/datasets";
import { dd, noLeaks, tf } from "../support/tf";

before(async () => {
  await dd.ready();
  registerWasmBackend();
});

async function onWasm<T>(f: () => Promise<T> | T): Promise<T> {
  const previous = tf.getBackend();
  await tf.setBackend("wasm");
  try {
    return await f();
  } finally {
    await tf.setBackend(previous);
  }
}

/** 1.2e7 float32 values in [0, 255] (like pixels), and their sum in float64. */
function pixels(): { values: Float32Array; sum: number } {
  const values = new Float32Array(12_000_000);
  let s = 7;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    values[i] = Math.fround((s / 2147483648) * 255);
    sum += values[i]!;
  }
  return { values, sum };
}

describe("Sum and Mean on wasm", () => {
  test("they are deepdeck's kernels on wasm", () => {
    for (const k of ["Sum", "Mean"]) assert.equal(isDeepdeckKernel(k, "wasm"), true, k);
  });

  test("a sum and a mean of 1.2e7 values match float64 to float32 rounding; tfjs's own kernels do not", async () => {
    const { values, sum } = pixels();
    const reduce = () =>
      tf.tidy(() => {
        const x = tf.tensor1d(values);
        return {
          sum: tf.sum(x).dataSync()[0]!,
          mean: tf.mean(x).dataSync()[0]!,
          rows: tf.mean(x.reshape([3000, 4000]), 1).dataSync(),
        };
      });
    const [ours, stock] = await onWasm(async () => {
      const mine = await noLeaks(reduce);
      const undo = useStockKernels(["Sum", "Mean"], "wasm");
      try {
        return [mine, reduce()] as const;
      } finally {
        undo();
      }
    });
    const mean = sum / values.length;
    assert.ok(Math.abs(ours.sum - sum) <= sum * 2 ** -23, `sum ${ours.sum} vs ${sum}`);
    assert.ok(Math.abs(ours.mean - mean) <= mean * 2 ** -23, `mean ${ours.mean} vs ${mean}`);
    const rows = ours.rows;
    let rowsMean = 0;
    for (const r of rows) rowsMean += r / rows.length;
    assert.ok(Math.abs(rowsMean - mean) < 1e-4, `mean of row means ${rowsMean} vs ${mean}`);
    // The reason for the kernels: the stock float32 total is off by far more than one rounding.
    assert.ok(Math.abs(stock.mean - mean) > 1e-3, `stock mean ${stock.mean} vs ${mean}`);
  });

  test("every axis layout and keepDims matches the cpu backend; int32 sums stay exact", async () => {
    const cases: { shape: number[]; axis: number | number[]; keepDims: boolean }[] = [
      { shape: [64, 26, 26, 8], axis: [0, 1, 2], keepDims: false },
      { shape: [64, 26, 26, 8], axis: 3, keepDims: true },
      { shape: [5, 7, 9], axis: 1, keepDims: false },
      { shape: [5, 7, 9], axis: [0, 2], keepDims: false },
      { shape: [5, 7, 9], axis: -1, keepDims: true },
      { shape: [128, 10], axis: 0, keepDims: false },
      { shape: [0, 4], axis: 0, keepDims: false },
      { shape: [3, 4], axis: [], keepDims: false },
    ];
    const run = () =>
      tf.tidy(() =>
        cases.flatMap(({ shape, axis, keepDims }) => {
          const x = tf.randomNormal(shape, 0, 1, "float32", 5);
          const i = tf.cast(tf.mul(x, 1000), "int32");
          return [
            tf.sum(x, axis, keepDims),
            tf.mean(x, axis, keepDims),
            tf.sum(i, axis, keepDims),
            tf.mean(i, axis),
          ].map((t) => ({ shape: t.shape, dtype: t.dtype, values: Array.from(t.dataSync()) }));
        }),
      );
    const cpu = await (async () => {
      const previous = tf.getBackend();
      await tf.setBackend("cpu");
      try {
        return run();
      } finally {
        await tf.setBackend(previous);
      }
    })();
    const wasm = await onWasm(() => noLeaks(run));
    wasm.forEach((got, k) => {
      const ref = cpu[k]!;
      assert.deepEqual([got.shape, got.dtype], [ref.shape, ref.dtype], `case ${k}`);
      got.values.forEach((v, j) => {
        const r = ref.values[j]!;
        assert.ok(Math.abs(v - r) <= 1e-5 * (1 + Math.abs(r)), `case ${k}[${j}]: ${v} vs ${r}`);
      });
    });
  });

  test("the mean of MNIST's training pixels is 33.3184, as numpy computes it", { skip: skipDatasets }, async () => {
    const mnist = await dd.datasets.mnist({ dir: await sharedDatasets(), download: false });
    try {
      const mean = await onWasm(() => tf.tidy(() => tf.mean(mnist.train.x).dataSync()[0]!));
      assert.ok(Math.abs(mean - 33.318421) < 1e-4, `mean ${mean}`);
    } finally {
      tf.dispose([mnist.train.x, mnist.train.y, mnist.test.x, mnist.test.y]);
    }
  });
});
