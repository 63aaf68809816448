/** The course's two models, as the R deck builds them, for benchmarks and tests. */
import * as tf from "@tensorflow/tfjs";

/** The dense network: 784 → 256 (ReLU) → dropout 0.4 → 128 (ReLU) → dropout 0.3 → 10 (softmax); 235,146 parameters. */
export function courseMlp(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 256, activation: "relu", inputShape: [784] }));
  model.add(tf.layers.dropout({ rate: 0.4 }));
  model.add(tf.layers.dense({ units: 128, activation: "relu" }));
  model.add(tf.layers.dropout({ rate: 0.3 }));
  model.add(tf.layers.dense({ units: 10, activation: "softmax" }));
  return model;
}

/** The convnet: conv 32 → pool → conv 64 → pool → conv 64 → flatten → dense 64 → dense 10; 93,322 parameters. */
export function courseConvnet(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: "relu" }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: "relu" }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: "relu" }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 64, activation: "relu" }));
  model.add(tf.layers.dense({ units: 10, activation: "softmax" }));
  return model;
}

/** Compiled as the course compiles them: adam, categorical cross-entropy, accuracy. */
export function compiled<T extends tf.LayersModel>(model: T): T {
  model.compile({ optimizer: "adam", loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  return model;
}
