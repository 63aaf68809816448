#!/usr/bin/env node
/**
 * `npm run figures`: trains the small convnet of the "layers of representations" slide (seeded, on 6,000
 * MNIST digits) and writes what it computes for one test digit to slides/knit/representations.json.
 */
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { ready } from "../../backend/ready.js";
import { mnist } from "../../data/datasets.js";
import { writeFileAtomic } from "../../io/atomic_write.js";
import { packageRoot as root } from "../../project/link.js";
import { setSeed } from "../../seed.js";
import type { LayerMaps, RepresentationsData } from "./representations.mjs";

const shown = 8;
const round = (v: number) => Math.round(v * 100) / 100;

function maps(t: tf.Tensor, name: string): LayerMaps {
  const [, h, w, c] = t.shape as [number, number, number, number];
  const values = t.dataSync();
  const out: number[][] = [];
  for (let k = 0; k < Math.min(shown, c); k++) {
    const m: number[] = [];
    for (let i = 0; i < h * w; i++) m.push(values[i * c + k]!);
    const max = Math.max(...m) || 1;
    out.push(m.map((v) => round(v / max)));
  }
  return { name, shape: [h, w, c], maps: out };
}

/** Train the network and compute the figure's numbers for the first test digit labelled `digit`. */
export async function representationsData(digit = 4): Promise<RepresentationsData> {
  await ready();
  setSeed(2022);
  const data = await mnist({ limit: 6000 });
  const training = "a convnet (two 3×3 convolution layers, 8 and 16 filters) trained for 3 epochs on 6,000 digits";
  const x = tf.tidy(() => data.train.x.toFloat().div(255).reshape([-1, 28, 28, 1]));
  const y = tf.tidy(() => tf.oneHot(data.train.y.toInt(), 10));
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, activation: "relu" }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 16, kernelSize: 3, activation: "relu" }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 10, activation: "softmax" }),
    ],
  });
  model.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
  await model.fit(x, y, { epochs: 3, batchSize: 64, verbose: 0 });
  const labels = data.test.y.dataSync();
  const index = labels.findIndex((l) => l === digit);
  const outputs = tf.tidy(() => {
    const input = data.test.x.slice([index, 0, 0], [1, 28, 28]).toFloat().div(255).reshape([1, 28, 28, 1]);
    const probe = tf.model({
      inputs: model.inputs,
      outputs: [model.layers[0]!.output, model.layers[2]!.output, model.outputs[0]!] as tf.SymbolicTensor[],
    });
    return [input, ...(probe.predict(input) as tf.Tensor[])];
  });
  const [input, a, b, p] = outputs as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
  const result: RepresentationsData = {
    label: digit,
    index,
    digit: [...input.dataSync()].map(round),
    layers: [maps(a, "conv2d 3×3, 8 filters"), maps(b, "conv2d 3×3, 16 filters")],
    probabilities: [...p.dataSync()].map((v) => Math.round(v * 1000) / 1000),
    training,
  };
  tf.dispose(outputs);
  tf.dispose([x, y, data.train.x, data.train.y, data.test.x, data.test.y]);
  model.dispose();
  return result;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = join(root, "slides", "knit", "representations.json");
  const data = await representationsData();
  writeFileAtomic(out, JSON.stringify(data) + "\n");
  console.log(
    `Wrote slides/knit/representations.json: test digit ${data.index}, probabilities ${data.probabilities.join(" ")}`,
  );
}
