/**
 * deepdeck's wasm kernel replacements against the cpu backend: matrix products with transpose flags
 * (plain and fused with bias and activation, and their gradients), and convolution gradients on
 * seeded random shapes, strides and paddings; MaxPoolGrad (with ties); Slice, Gather and Cast exactly.
 * Tolerance where sums are involved: max abs error <= 1e-4 x (1 + max |reference|).
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { registerWasmBackend } from "../../src/backend/ready";
import { isDeepdeckKernel } from "../../src/backend/kernel_registry";
import { dd, tf } from "../support/tf";

before(async () => {
  await dd.ready();
  // These tests compare wasm with cpu whichever backend DEEPDECK_BACKEND chose.
  registerWasmBackend();
});

async function onBoth(f: () => tf.Tensor[]): Promise<{ cpu: Float32Array[]; wasm: Float32Array[] }> {
  const run = async (backend: string) => {
    await tf.setBackend(backend);
    const before = tf.memory().numTensors;
    const out = tf.tidy(() => f().map((t) => t.dataSync() as Float32Array));
    assert.equal(tf.memory().numTensors, before, `no tensors left behind on ${backend}`);
    return out;
  };
  const cpu = await run("cpu");
  const wasm = await run("wasm");
  return { cpu, wasm };
}

function close(got: Float32Array, ref: Float32Array, what: string): number {
  let err = 0;
  let scale = 0;
  for (let i = 0; i < ref.length; i++) {
    err = Math.max(err, Math.abs(got[i]! - ref[i]!));
    scale = Math.max(scale, Math.abs(ref[i]!));
  }
  assert.equal(got.length, ref.length);
  assert.ok(err <= 1e-4 * (1 + scale), `${what}: max abs error ${err} (scale ${scale})`);
  return err;
}

/** A small seeded generator, so the random shapes are the same every run. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

describe("matMul with transpose flags", () => {
  for (const [ta, tb] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const) {
    test(`transposeA=${ta} transposeB=${tb}: product, fused product and gradients`, async (t) => {
      const { cpu, wasm } = await onBoth(() => {
        const a = tf.randomNormal(ta ? [3, 17, 5] : [3, 5, 17], 0, 1, "float32", 1);
        const b = tf.randomNormal(tb ? [3, 9, 17] : [3, 17, 9], 0, 1, "float32", 2);
        const a2 = tf.randomNormal(ta ? [17, 5] : [5, 17], 0, 1, "float32", 3);
        const b2 = tf.randomNormal(tb ? [9, 17] : [17, 9], 0, 1, "float32", 4);
        const bias = tf.randomNormal([9], 0, 1, "float32", 5);
        const product = tf.matMul(a, b, ta, tb);
        const fused = tf.fused.matMul({ a: a2, b: b2, transposeA: ta, transposeB: tb, bias, activation: "relu" });
        const [ga, gb, gbias] = tf.grads((x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) =>
          tf.sum(
            tf.fused.matMul({
              a: x,
              b: y,
              transposeA: ta,
              transposeB: tb,
              bias: z,
              activation: "relu",
            }),
          ),
        )([a2, b2, bias]);
        return [product, fused, ga!, gb!, gbias!];
      });
      ["product", "fused", "d/da", "d/db", "d/dbias"].forEach((what, i) =>
        t.diagnostic(`${what}: ${close(wasm[i]!, cpu[i]!, what).toExponential(2)}`),
      );
    });
  }
});

describe("convolution gradients on random shapes", () => {
  const rand = lcg(42);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  for (let i = 0; i < 12; i++) {
    const k = pick([1, 2, 3, 5]);
    const stride = pick([1, 1, 2, 3]);
    const size = k + stride + Math.floor(rand() * 8);
    const shape: [number, number, number, number] = [
      1 + Math.floor(rand() * 3),
      size,
      size + Math.floor(rand() * 3),
      1 + Math.floor(rand() * 4),
    ];
    const filter: [number, number, number, number] = [k, pick([1, k]), shape[3], 1 + Math.floor(rand() * 5)];
    const pad = pick(["same", "valid", 1] as const);
    test(`x [${shape}] filter [${filter}] stride ${stride} pad ${pad}`, async () => {
      const { cpu, wasm } = await onBoth(() => {
        const x = tf.randomNormal(shape, 0, 1, "float32", i + 1);
        const f = tf.randomNormal(filter, 0, 1, "float32", i + 100);
        const y = tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, stride, pad);
        const w = tf.randomUniform(y.shape, -1, 1, "float32", i + 200);
        const [dx, df] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad), w)),
        )([x, f]);
        return [y, dx!, df!];
      });
      close(wasm[0]!, cpu[0]!, "forward");
      close(wasm[1]!, cpu[1]!, "dx");
      close(wasm[2]!, cpu[2]!, "dfilter");
    });
  }
});

describe("wasm's forward convolution with same padding and strides", () => {
  test("matches the cpu backend (stock wasm 4.22 returns zeros here)", async () => {
    const { cpu, wasm } = await onBoth(() => {
      const x = tf.randomNormal<tf.Rank.R4>([1, 6, 6, 1], 0, 1, "float32", 1);
      const f = tf.randomNormal<tf.Rank.R4>([2, 1, 1, 1], 0, 1, "float32", 2);
      return [
        tf.conv2d(x, f, 3, "same"),
        tf.fused.conv2d({ x, filter: f, strides: 3, pad: "same", bias: tf.tensor1d([0.5]), activation: "relu" }),
      ];
    });
    assert.ok(
      cpu[0]!.some((v) => v !== 0),
      "the reference is not all zeros",
    );
    close(wasm[0]!, cpu[0]!, "conv2d");
    close(wasm[1]!, cpu[1]!, "fused conv2d");
  });
});

/** Equal element by element (the copy kernels move values; nothing is computed). */
function same(got: ArrayLike<number>, ref: ArrayLike<number>, what: string): void {
  assert.equal(got.length, ref.length, `${what}: length`);
  for (let i = 0; i < ref.length; i++)
    if (!Object.is(got[i], ref[i])) assert.fail(`${what}: element ${i} is ${got[i]}, expected ${ref[i]}`);
}

describe("Slice, Gather and Cast on wasm match the cpu backend exactly", () => {
  test("they are deepdeck's kernels on wasm", () => {
    for (const k of ["Slice", "GatherV2", "MaxPoolGrad", "Cast"]) assert.equal(isDeepdeckKernel(k, "wasm"), true, k);
  });
  const rand = lcg(7);
  const int = (n: number) => Math.floor(rand() * n);
  for (let i = 0; i < 16; i++) {
    const rank = 1 + int(5);
    const shape = Array.from({ length: rank }, () => 1 + int(6));
    const begin = shape.map((d) => int(d));
    const size = shape.map((d, a) => (rand() < 0.3 ? -1 : int(d - begin[a]!) + (i === 5 ? 0 : 1)));
    const dtype = (["float32", "int32", "bool"] as const)[i % 3]!;
    test(`slice ${dtype} [${shape}] begin [${begin}] size [${size}]`, async () => {
      const { cpu, wasm } = await onBoth(() => {
        const x = tf.cast(tf.mul(tf.randomNormal(shape, 0, 1, "float32", i + 1), 5), dtype);
        return [tf.cast(tf.slice(x, begin, size), "float32")];
      });
      same(wasm[0]!, cpu[0]!, "slice");
    });
  }
  for (let i = 0; i < 12; i++) {
    const rank = 1 + int(4);
    const shape = Array.from({ length: rank }, () => 1 + int(5));
    const axis = int(rank) - (rand() < 0.3 ? rank : 0);
    const dim = shape[axis < 0 ? axis + rank : axis]!;
    const indexShape = rand() < 0.3 ? [2, 1 + int(3)] : [1 + int(7)];
    const indices = Array.from({ length: indexShape.reduce((a, b) => a * b, 1) }, () => int(dim));
    test(`gather [${shape}] axis ${axis} indices [${indexShape}]`, async () => {
      const { cpu, wasm } = await onBoth(() => {
        const x = tf.randomNormal(shape, 0, 1, "float32", i + 50);
        const idx = tf.tensor(indices, indexShape, "int32");
        return [tf.gather(x, idx, axis), tf.cast(tf.gather(tf.cast(tf.mul(x, 9), "int32"), idx, axis), "float32")];
      });
      same(wasm[0]!, cpu[0]!, "float32 gather");
      same(wasm[1]!, cpu[1]!, "int32 gather");
    });
  }
  test("cast to bool tests x ≠ 0, as on cpu (stock wasm copies the numbers into bytes)", async () => {
    const { cpu, wasm } = await onBoth(() => [
      tf.cast(tf.cast(tf.tensor1d([-5, 0, 0.5, 3, -0.25, NaN]), "bool"), "float32"),
      tf.cast(tf.cast(tf.tensor1d([-5, 0, 2, 256], "int32"), "bool"), "float32"),
    ]);
    same(cpu[0]!, [1, 0, 1, 1, 1, 1], "the reference");
    same(wasm[0]!, cpu[0]!, "float32 to bool");
    same(wasm[1]!, cpu[1]!, "int32 to bool");
  });
  test("gather with batchDims 1 (handed to wasm's own kernel) and an index out of range", async () => {
    const { cpu, wasm } = await onBoth(() => [
      tf.gather(
        tf.tensor2d([
          [1, 2, 3],
          [4, 5, 6],
        ]),
        tf.tensor2d(
          [
            [2, 0],
            [1, 1],
          ],
          [2, 2],
          "int32",
        ),
        1,
        1,
      ),
    ]);
    same(wasm[0]!, cpu[0]!, "batchDims 1");
    await tf.setBackend("wasm");
    assert.throws(
      () => tf.gather(tf.tensor1d([1, 2, 3]), tf.tensor1d([0, 3], "int32")),
      /index value 3 is not in \[0, 2\]/,
    );
  });
  test("slicing rows of a 60,000-row tensor does not copy the tensor", async () => {
    await tf.setBackend("wasm");
    const big = tf.randomUniform([60000, 784]);
    const rows = tf.slice(big, [59990, 0], [10, 784]);
    same(rows.dataSync(), (big.dataSync() as Float32Array).subarray(59990 * 784), "last rows");
    // Counting, not timing: a copy of the whole input would show up as a heap read of its size.
    const backend = tf.backend() as unknown as { readSync: (...a: unknown[]) => unknown };
    const readSync = backend.readSync;
    let largest = 0;
    backend.readSync = function (this: unknown, ...a: unknown[]) {
      const r = readSync.apply(this, a) as ArrayLike<number>;
      largest = Math.max(largest, r.length);
      return r;
    };
    try {
      tf.dispose([tf.slice(big, [100, 0], [32, 784]), tf.gather(big, tf.tensor1d([5, 7], "int32"))]);
    } finally {
      backend.readSync = readSync;
      tf.dispose([big, rows]);
    }
    assert.ok(largest <= 2, `the kernels read ${largest} values through readSync`);
  });
});

describe("MaxPoolGrad on wasm matches the cpu backend", () => {
  const rand = lcg(11);
  const int = (n: number) => Math.floor(rand() * n);
  const cases: {
    x: [number, number, number, number];
    size: number | [number, number];
    stride: number | [number, number];
    pad: "same" | "valid" | number;
    ties: boolean;
  }[] = [
    { x: [4, 26, 26, 32], size: 2, stride: 2, pad: "valid", ties: false },
    { x: [4, 11, 11, 64], size: 2, stride: 2, pad: "valid", ties: false },
    { x: [2, 7, 7, 3], size: 3, stride: 1, pad: "same", ties: true },
    { x: [2, 8, 9, 2], size: [3, 2], stride: [2, 1], pad: "valid", ties: true },
  ];
  for (let i = 0; i < 8; i++) {
    const k = 1 + int(4);
    cases.push({
      x: [1 + int(3), k + int(8), k + int(8), 1 + int(5)],
      size: k,
      stride: 1 + int(3),
      pad: (["same", "valid", 0] as const)[int(3)]!,
      ties: rand() < 0.5,
    });
  }
  for (const c of cases) {
    test(`x [${c.x}] pool ${c.size} stride ${c.stride} ${c.pad}${c.ties ? ", with ties" : ""}`, async () => {
      const { cpu, wasm } = await onBoth(() => {
        let x = tf.randomNormal(c.x, 0, 1, "float32", c.x[1] * 7 + c.x[3]);
        // Rounded values tie inside windows; the gradient must go to the first maximum, as on cpu.
        if (c.ties) x = tf.round(tf.relu(x));
        const w = tf.randomUniform(tf.maxPool(x as tf.Tensor4D, c.size, c.stride, c.pad).shape, -1, 1, "float32", 3);
        const [dx] = tf.grads((a: tf.Tensor) =>
          tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, c.size, c.stride, c.pad), w)),
        )([x]);
        return [dx!];
      });
      close(wasm[0]!, cpu[0]!, "dx");
    });
  }
});

describe("UnsortedSegmentSum on wasm (tfjs has none): the gradient of gather", () => {
  test("gather's gradient, with repeated indices, matches cpu", async () => {
    const { cpu, wasm } = await onBoth(() => {
      const table = tf.randomNormal([7, 5], 0, 1, "float32", 8);
      const idx = tf.tensor2d(
        [
          [1, 3, 1],
          [6, 0, 1],
        ],
        [2, 3],
        "int32",
      );
      const w = tf.randomNormal([2, 3, 5], 0, 1, "float32", 9);
      const [g] = tf.grads((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, idx), w)))([table]);
      return [g!];
    });
    close(wasm[0]!, cpu[0]!, "d/dtable");
  });
  test("direct calls: rows summed into segments, ids out of range dropped", async () => {
    const { cpu, wasm } = await onBoth(() => {
      const x = tf.randomNormal([2, 3, 4], 0, 1, "float32", 10);
      return [
        tf.unsortedSegmentSum(x, tf.tensor1d([2, 0], "int32"), 4),
        tf.unsortedSegmentSum(x.reshape([6, 4]), tf.tensor1d([1, 1, 5, -1, 0, 2], "int32"), 3),
      ];
    });
    close(wasm[0]!, cpu[0]!, "1-D ids");
    close(wasm[1]!, cpu[1]!, "ids out of range");
  });
});
