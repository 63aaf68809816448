/**
 * deepdeck's wasm kernel replacements against the cpu backend: matrix products with transpose flags
 * (plain and fused with bias and activation, and their gradients), and convolution gradients on
 * seeded random shapes, strides and paddings. Tolerance: max abs error <= 1e-4 x (1 + max |reference|).
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { dd, tf } from "./support/tf";

before(async () => {
  await dd.ready();
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
  return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
}

describe("matMul with transpose flags", () => {
  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
    test(`transposeA=${ta} transposeB=${tb}: product, fused product and gradients`, async (t) => {
      const { cpu, wasm } = await onBoth(() => {
        const a = tf.randomNormal(ta ? [3, 17, 5] : [3, 5, 17], 0, 1, "float32", 1);
        const b = tf.randomNormal(tb ? [3, 9, 17] : [3, 17, 9], 0, 1, "float32", 2);
        const a2 = tf.randomNormal(ta ? [17, 5] : [5, 17], 0, 1, "float32", 3);
        const b2 = tf.randomNormal(tb ? [9, 17] : [17, 9], 0, 1, "float32", 4);
        const bias = tf.randomNormal([9], 0, 1, "float32", 5);
        const product = tf.matMul(a, b, ta, tb);
        const fused = tf.fused.matMul({ a: a2, b: b2, transposeA: ta, transposeB: tb, bias, activation: "relu" });
        const [ga, gb, gbias] = tf.grads((x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) => tf.sum(tf.fused.matMul({ a: x as tf.Tensor2D, b: y as tf.Tensor2D, transposeA: ta, transposeB: tb, bias: z, activation: "relu" })))([a2, b2, bias]);
        return [product, fused, ga!, gb!, gbias!];
      });
      ["product", "fused", "d/da", "d/db", "d/dbias"].forEach((what, i) => t.diagnostic(`${what}: ${close(wasm[i]!, cpu[i]!, what).toExponential(2)}`));
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
    const shape: [number, number, number, number] = [1 + Math.floor(rand() * 3), size, size + Math.floor(rand() * 3), 1 + Math.floor(rand() * 4)];
    const filter: [number, number, number, number] = [k, pick([1, k]), shape[3], 1 + Math.floor(rand() * 5)];
    const pad = pick(["same", "valid", 1] as const);
    test(`x [${shape}] filter [${filter}] stride ${stride} pad ${pad}`, async () => {
      const { cpu, wasm } = await onBoth(() => {
        const x = tf.randomNormal(shape, 0, 1, "float32", i + 1);
        const f = tf.randomNormal(filter, 0, 1, "float32", i + 100);
        const y = tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, stride, pad);
        const w = tf.randomUniform(y.shape, -1, 1, "float32", i + 200);
        const [dx, df] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad), w)))([x, f]);
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
      const x = tf.randomNormal([1, 6, 6, 1], 0, 1, "float32", 1) as tf.Tensor4D;
      const f = tf.randomNormal([2, 1, 1, 1], 0, 1, "float32", 2) as tf.Tensor4D;
      return [tf.conv2d(x, f, 3, "same"), tf.fused.conv2d({ x, filter: f, strides: 3, pad: "same", bias: tf.tensor1d([0.5]), activation: "relu" })];
    });
    assert.ok(cpu[0]!.some((v) => v !== 0), "the reference is not all zeros");
    close(wasm[0]!, cpu[0]!, "conv2d");
    close(wasm[1]!, cpu[1]!, "fused conv2d");
  });
});
