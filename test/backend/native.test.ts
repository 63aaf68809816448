// The native backend (tfjs-node built by `deepdeck install-native`); test/backends.ts runs this file in
// the node run only.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterEach, describe, test } from "node:test";
import { registerWasmBackend } from "../../src/backend/ready";
import { dd, noLeaks, tf } from "../support/tf";

const saved = process.env["DEEPDECK_BACKEND"];
afterEach(() => {
  if (saved === undefined) delete process.env["DEEPDECK_BACKEND"];
  else process.env["DEEPDECK_BACKEND"] = saved;
});
const root = join(__dirname, "..", "..");

describe("the node backend", () => {
  test("dd.ready() takes it when its addon loads, and says which TensorFlow and from where", async () => {
    delete process.env["DEEPDECK_BACKEND"];
    dd.resetBackendChoice();
    const report = await dd.ready();
    assert.equal(report.choice, "node", inspect(report));
    assert.equal(report.backend, "tensorflow");
    const [gpu, node] = report.attempts;
    assert.equal(gpu!.choice, "node-gpu");
    assert.equal(gpu!.available, false);
    assert.match(gpu!.detail, /npx deepdeck install-native --gpu/);
    assert.match(node!.tensorflow!, /^2\.\d+\.\d+/);
    if (node!.provenance?.source === "pip")
      assert.match(
        node!.detail,
        /^TensorFlow 2\.\d+\.\d+ from pip's tensorflow(-cpu)? at .*tensorflow, through @tensorflow\/tfjs-node 4\.22\.0$/,
      );
    assert.match(
      inspect(report),
      /^TensorFlow\.js backend: tensorflow \(node\)\n {2}✗ node-gpu .*\n {2}✓ node {5}TensorFlow 2/,
    );
    dd.resetBackendChoice();
  });
  test("loading it and fitting with fit's default verbosity print nothing, as on wasm", () => {
    const script = `require("tsx/cjs"); const dd = require(${JSON.stringify(join(root, "src", "index.ts"))});
      dd.ready().then(async (r) => {
        const tf = require("@tensorflow/tfjs");
        const m = tf.sequential();
        m.add(tf.layers.dense({ units: 2, inputShape: [3] }));
        m.compile({ optimizer: "adam", loss: "meanSquaredError" });
        await m.fit(tf.ones([8, 3]), tf.ones([8, 2]), { epochs: 2 });
        console.log(r.backend);
      });`;
    const env: NodeJS.ProcessEnv = { ...process.env, DEEPDECK_BACKEND: "node" };
    delete env["TF_CPP_MIN_LOG_LEVEL"];
    const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", cwd: root, env });
    assert.equal(r.stderr, "");
    assert.equal(r.stdout, "tensorflow\n");
  });
  test("deepdeck's wasm kernel replacements leave the tensorflow backend's kernels alone", async () => {
    process.env["DEEPDECK_BACKEND"] = "node";
    dd.resetBackendChoice();
    await dd.ready();
    const names = [
      "Slice",
      "GatherV2",
      "MaxPoolGrad",
      "Cast",
      "BatchMatMul",
      "_FusedMatMul",
      "Conv2D",
      "Conv2DBackpropFilter",
    ];
    const before = names.map((n) => tf.getKernel(n, "tensorflow").kernelFunc);
    registerWasmBackend();
    assert.deepEqual(
      names.map((n) => tf.getKernel(n, "tensorflow").kernelFunc),
      before,
    );
    dd.resetBackendChoice();
  });
  test("tf.image.transform (dd.augment's) and rotateWithOffset, which tfjs-node lacks, match the cpu backend", async () => {
    process.env["DEEPDECK_BACKEND"] = "node";
    dd.resetBackendChoice();
    await dd.ready();
    const values = Array.from({ length: 8 * 8 }, (_, i) => (i * 37) % 11);
    const rows = [
      [1, 0.1, 0.5, 0.05, 1, -0.3, 0, 0],
      [0.9, 0, 1, 0, 1.1, 0, 0.001, 0],
    ];
    // One image per call: tfjs's cpu kernel reads the wrong transform for the second image of a batch.
    const run = (row: number[], n = 1) =>
      tf.tidy(() =>
        tf.image
          .transform(
            tf.tensor4d(
              [...Array(n)].flatMap(() => values),
              [n, 8, 8, 1],
            ),
            tf.tensor2d(n === 1 ? [row] : rows),
            "bilinear",
            "constant",
            0.5,
          )
          .arraySync(),
      );
    const batch = await noLeaks(() => run([], 2));
    for (const [i, row] of rows.entries()) {
      const native = await noLeaks(() => run(row));
      assert.deepEqual(batch[i], native[0], `image ${i} of a batch is transformed by its own row`);
      await tf.setBackend("cpu");
      const cpu = run(row);
      await tf.setBackend("tensorflow");
      // tfjs's cpu kernel blanks the last row and column (see src/data/augment.ts); compare the rest.
      for (let y = 0; y < 7; y++)
        for (let x = 0; x < 7; x++)
          assert.ok(Math.abs(native[0]![y]![x]![0]! - cpu[0]![y]![x]![0]!) < 1e-4, `row ${i} at ${y},${x}`);
    }
    // rotateWithOffset, which tfjs-node lacks too, runs as that transform: the same pixels as cpu.
    const digit = Array.from({ length: 28 * 28 }, (_, i) => (i * 37) % 11);
    const cases: [number, number | [number, number]][] = [
      [-0.4, 0.5],
      [0.25, [0.3, 0.6]],
    ];
    for (const [radians, center] of cases) {
      const rotate = () =>
        tf.tidy(() =>
          Array.from(tf.image.rotateWithOffset(tf.tensor4d(digit, [1, 28, 28, 1]), radians, 3, center).dataSync()),
        );
      const native = await noLeaks(rotate);
      await tf.setBackend("cpu");
      const cpu = rotate();
      await tf.setBackend("tensorflow");
      assert.deepEqual(native, cpu, `rotation by ${radians} about ${String(center)}`);
    }
    assert.throws(
      () => tf.image.rotateWithOffset(tf.zeros<tf.Rank.R4>([1, 4, 4, 3]), 0.1, [1, 2, 3]),
      /rotateWithOffset on the node backend fills with one value for every channel, received \[1, 2, 3\]/,
    );
    const augmented = await noLeaks(() => tf.tidy(() => dd.augment(tf.ones([2, 28, 28, 1]), { rotation: 0.1 }).shape));
    assert.deepEqual(augmented, [2, 28, 28, 1]);
    dd.resetBackendChoice();
  });
});
