/**
 * What src/install.ts changes in tfjs that a user can see: here, layers start from Keras's default kernel
 * initializer (glorot_uniform), which Keras itself reports for the same layers.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { kerasPython } from "./support/keras_python";
import { dd, tf } from "./support/tf";

interface Initializer {
  className: string;
  config: Record<string, unknown>;
}

function kernelOf(layer: tf.layers.Layer): { init: Initializer; values: Float32Array; limit: number } {
  const model = tf.sequential({ layers: [layer] });
  const kernel = model.getWeights()[0]!;
  const [fanIn, fanOut] =
    kernel.shape.length === 2
      ? [kernel.shape[0], kernel.shape[1]]
      : [
          kernel.shape.slice(0, -2).reduce((a, b) => a * b, 1) * kernel.shape.at(-2)!,
          kernel.shape.slice(0, -2).reduce((a, b) => a * b, 1) * kernel.shape.at(-1)!,
        ];
  const values = kernel.dataSync() as Float32Array;
  const config = layer.getConfig() as unknown as { kernelInitializer: Initializer };
  model.dispose();
  return { init: config.kernelInitializer, values, limit: Math.sqrt(6 / (fanIn + fanOut)) };
}

test("Dense and Conv2D kernels start uniform in Keras's glorot bounds, with its spread", async () => {
  await dd.ready();
  for (const layer of [
    tf.layers.dense({ units: 300, inputShape: [200] }),
    tf.layers.conv2d({ filters: 64, kernelSize: 3, inputShape: [28, 28, 32] }),
  ]) {
    const { init, values, limit } = kernelOf(layer);
    assert.deepEqual(init, {
      className: "VarianceScaling",
      config: { scale: 1, mode: "fanAvg", distribution: "uniform", seed: null },
    });
    let sq = 0;
    let max = 0;
    for (const v of values) {
      sq += v * v;
      max = Math.max(max, Math.abs(v));
    }
    const sd = Math.sqrt(sq / values.length);
    // Uniform on [-limit, limit]: sd limit/√3; tfjs's own truncated normal would give 0.88 of that.
    assert.ok(max <= limit && max > 0.99 * limit, `${layer.getClassName()}: max ${max}, limit ${limit}`);
    assert.ok(Math.abs(sd / (limit / Math.sqrt(3)) - 1) < 0.02, `${layer.getClassName()}: sd ${sd}`);
  }
});

test("an initializer the user names is kept", () => {
  const { init } = kernelOf(tf.layers.dense({ units: 4, inputShape: [3], kernelInitializer: "glorotNormal" }));
  assert.equal(init.config["distribution"], "normal");
});

test("Keras's own defaults for these layers are glorot_uniform", () => {
  const r = spawnSync(
    kerasPython(),
    [
      "-c",
      "import os\nos.environ['TF_CPP_MIN_LOG_LEVEL'] = '3'\nimport keras\nfor l in [keras.layers.Dense(3), keras.layers.Conv2D(3, 3), keras.layers.DepthwiseConv2D(3), keras.layers.Conv2DTranspose(3, 3), keras.layers.LSTMCell(3), keras.layers.GRUCell(3), keras.layers.SimpleRNNCell(3)]:\n  print(type(l.kernel_initializer if hasattr(l, 'kernel_initializer') else l.depthwise_initializer).__name__)",
    ],
    { encoding: "utf8" },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split("\n"), Array(7).fill("GlorotUniform"));
});
