/**
 * The wasm Conv2DBackpropFilter kernel and the dilated Conv2D gradient against the cpu backend's stock
 * gradients. Tolerance: max abs error <= 1e-4 x (1 + max |reference|), float32 sums of up to ~10^4 terms.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import "@tensorflow/tfjs-backend-wasm";
import { setFilterGradPatchesLimit } from "../../src/backend/conv2d_gradients";
import { registerWasmBackend } from "../../src/backend/ready";
import { dd, tf } from "../support/tf";

type Pad = "same" | "valid" | number | [[number, number], [number, number], [number, number], [number, number]];
interface Case {
  name: string;
  x: [number, number, number, number];
  f: [number, number, number, number];
  strides: number | [number, number];
  pad: Pad;
  dilations?: [number, number];
}

const cases: Case[] = [
  { name: "3x3 stride 1 same", x: [2, 5, 5, 3], f: [3, 3, 3, 4], strides: 1, pad: "same" },
  { name: "3x3 stride 2 same", x: [2, 6, 6, 2], f: [3, 3, 2, 5], strides: 2, pad: "same" },
  { name: "3x3 stride 2 valid, odd size", x: [1, 7, 7, 3], f: [3, 3, 3, 2], strides: 2, pad: "valid" },
  { name: "5x5 stride 3 same", x: [2, 8, 8, 1], f: [5, 5, 1, 3], strides: 3, pad: "same" },
  { name: "2x3 strides [2,1] valid, non-square", x: [1, 9, 7, 2], f: [2, 3, 2, 4], strides: [2, 1], pad: "valid" },
  {
    name: "explicit asymmetric padding",
    x: [2, 6, 6, 2],
    f: [3, 3, 2, 2],
    strides: 1,
    pad: [
      [0, 0],
      [1, 2],
      [0, 1],
      [0, 0],
    ],
  },
  { name: "numeric padding 1", x: [1, 6, 6, 2], f: [3, 3, 2, 3], strides: 1, pad: 1 },
  { name: "1x1 filter stride 2", x: [2, 5, 5, 4], f: [1, 1, 4, 3], strides: 2, pad: "valid" },
  { name: "course conv 1 (28x28x1 -> 32)", x: [4, 28, 28, 1], f: [3, 3, 1, 32], strides: 1, pad: "valid" },
  { name: "course conv 2 (13x13x32 -> 64)", x: [4, 13, 13, 32], f: [3, 3, 32, 64], strides: 1, pad: "valid" },
  { name: "dilation 2 same", x: [2, 9, 9, 2], f: [3, 3, 2, 3], strides: 1, pad: "same", dilations: [2, 2] },
  { name: "dilation [2,1] valid", x: [1, 8, 7, 3], f: [3, 2, 3, 2], strides: 1, pad: "valid", dilations: [2, 1] },
  {
    name: "dilation 3 explicit padding",
    x: [1, 10, 10, 1],
    f: [2, 2, 1, 2],
    strides: 1,
    pad: [
      [0, 0],
      [2, 1],
      [1, 2],
      [0, 0],
    ],
    dilations: [3, 3],
  },
];

/** Gradients of sum(conv2d(x, f) * w) with respect to x and f, computed on `backend`. */
async function grads(backend: string, c: Case, reference: boolean): Promise<{ dx: Float32Array; df: Float32Array }> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const out = tf.tidy(() => {
    const x = tf.randomNormal<tf.Rank.R4>(c.x, 0, 1, "float32", 1);
    const f = tf.randomNormal<tf.Rank.R4>(c.f, 0, 1, "float32", 2);
    const dil = c.dilations ?? [1, 1];
    // The reference for dilated convs writes the dilation into the filter and uses stock dilation-1 gradients.
    const conv = (xx: tf.Tensor4D, ff: tf.Tensor4D) =>
      reference && (dil[0] > 1 || dil[1] > 1)
        ? tf.conv2d(xx, dd.dilateFilter(ff, dil), c.strides, c.pad)
        : tf.conv2d(xx, ff, c.strides, c.pad, "NHWC", dil);
    const y = conv(x, f);
    const w = tf.randomUniform(y.shape, -1, 1, "float32", 3);
    const [dx, df] = tf.grads((xx: tf.Tensor, ff: tf.Tensor) =>
      tf.sum(tf.mul(conv(xx as tf.Tensor4D, ff as tf.Tensor4D), w)),
    )([x, f]);
    return { dx: dx!.dataSync() as Float32Array, df: df!.dataSync() as Float32Array };
  });
  assert.equal(tf.memory().numTensors, before, "no tensors left behind");
  return out;
}

function maxAbsError(a: Float32Array, b: Float32Array): { err: number; scale: number } {
  assert.equal(a.length, b.length);
  let err = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    err = Math.max(err, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return { err, scale };
}

before(async () => {
  await dd.ready();
  // These tests compare wasm with cpu whichever backend DEEPDECK_BACKEND chose.
  registerWasmBackend();
});

describe("conv2d gradients on wasm match the cpu backend", () => {
  // The filter gradient has two forms (patches × dy, or one forward convolution); each case runs both.
  const forms = [
    ["default", 16],
    ["patches", Infinity],
    ["convolution", 0],
  ] as const;
  after(() => setFilterGradPatchesLimit(16));
  for (const c of cases)
    for (const [form, limit] of forms) {
      test(`${c.name} (${form})`, async (t) => {
        setFilterGradPatchesLimit(limit);
        const ref = await grads("cpu", c, true);
        const got = await grads("wasm", c, false);
        for (const [name, a, b] of [
          ["dx", got.dx, ref.dx],
          ["dfilter", got.df, ref.df],
        ] as const) {
          const { err, scale } = maxAbsError(a, b);
          t.diagnostic(`${name}: max abs error ${err.toExponential(2)} (max |ref| ${scale.toFixed(2)})`);
          assert.ok(err <= 1e-4 * (1 + scale), `${name} max abs error ${err} exceeds ${1e-4 * (1 + scale)}`);
        }
      });
    }
  test("the dilated gradient also runs on cpu, where tfjs has none", async () => {
    const c = cases.find((k) => k.name === "dilation 2 same")!;
    const ref = await grads("cpu", c, true);
    const got = await grads("cpu", c, false);
    assert.ok(maxAbsError(got.df, ref.df).err < 1e-4);
    assert.ok(maxAbsError(got.dx, ref.dx).err < 1e-4);
  });
});

describe("the course's convnet trains on wasm", () => {
  function convnet(optimizer: tf.Optimizer = tf.train.sgd(0.1)): tf.Sequential {
    const model = tf.sequential();
    model.add(
      tf.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 8,
        kernelSize: 3,
        activation: "relu",
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
      }),
    );
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    model.add(
      tf.layers.conv2d({
        filters: 8,
        kernelSize: 3,
        activation: "relu",
        kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
      }),
    );
    model.add(tf.layers.flatten());
    model.add(
      tf.layers.dense({
        units: 10,
        activation: "softmax",
        kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
      }),
    );
    model.compile({ optimizer, loss: "categoricalCrossentropy" });
    return model;
  }
  async function oneStep(backend: string): Promise<Float32Array[]> {
    await tf.setBackend(backend);
    const model = convnet();
    const x = tf.randomUniform([16, 28, 28, 1], 0, 1, "float32", 4);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5], "int32"), 10);
    await model.trainOnBatch(x, y);
    const weights = model.getWeights().map((w: tf.Tensor) => w.dataSync() as Float32Array);
    model.dispose();
    tf.dispose([x, y]);
    return weights;
  }
  test("one SGD step (fused conv + bias + relu) moves the weights as on cpu", async () => {
    const cpu = await oneStep("cpu");
    const wasm = await oneStep("wasm");
    cpu.forEach((w, i) => assert.ok(maxAbsError(wasm[i]!, w).err < 1e-4, `weight ${i} differs`));
  });
  test("fit lowers the loss on a learnable task without leaking tensors", async () => {
    await tf.setBackend("wasm");
    const model = convnet(tf.train.adam(0.003));
    // Class 1 images are brighter than class 0 images: learnable in a few steps.
    const labels = tf.tensor1d(
      Array.from({ length: 64 }, (_, i) => i % 2),
      "int32",
    );
    const x = tf.tidy(() =>
      tf.add(
        tf.randomUniform([64, 28, 28, 1], 0, 0.5, "float32", 5),
        tf.reshape(tf.mul(tf.cast(labels, "float32"), 0.5), [64, 1, 1, 1]),
      ),
    );
    const y = tf.oneHot(labels, 10);
    const first = await model.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0, shuffle: false });
    // The first epoch creates Adam's moment variables; later epochs must add nothing.
    const before = tf.memory().numTensors;
    const rest = await model.fit(x, y, { epochs: 4, batchSize: 16, verbose: 0, shuffle: false });
    assert.equal(tf.memory().numTensors, before, "fit leaves no tensors behind");
    const start = (first.history["loss"] as number[])[0]!;
    const end = (rest.history["loss"] as number[])[3]!;
    assert.ok(end < start * 0.5, `loss went from ${start} to ${end}`);
    model.dispose();
    tf.dispose([x, labels, y]);
  });
});
