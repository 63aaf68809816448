/**
 * Cross-entropy on a softmax output trains as in Keras: the gradient reaching the logits is p - y even for
 * an example the model gets confidently wrong (where tfjs's clipped version gives 0), and the loss is
 * unclipped. Checked against a float64 reference and against Keras itself on the same logits.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import {
  categoricalCrossentropyFromSoftmax,
  sparseCategoricalCrossentropyFromSoftmax,
} from "../../src/models/keras_crossentropy";
import { kerasPython } from "../support/keras_python";
import { dd, noLeaks, tf } from "../support/tf";

// Row 0 is ordinary; row 1 is confidently wrong (its class's logit 30 below another: p = 9e-14);
// row 2 is confidently right (p of its class within 1e-13 of 1).
const logits = [
  [1.0, 2.0, 0.5],
  [30.0, 0.0, 1.0],
  [0.0, 0.5, 31.0],
];
const classes = [1, 1, 2];

/** Float64 reference: mean over rows of logsumexp(z) - z_class, and its gradient (p - y) / rows. */
function reference(): { loss: number; grad: number[][] } {
  let loss = 0;
  const grad = logits.map((z, r) => {
    const m = Math.max(...z);
    const sum = z.reduce((a, v) => a + Math.exp(v - m), 0);
    loss += m + Math.log(sum) - z[classes[r]!]!;
    return z.map((v, c) => (Math.exp(v - m) / sum - (c === classes[r] ? 1 : 0)) / logits.length);
  });
  return { loss: loss / logits.length, grad };
}

function lossAndGrad(
  loss: (y: tf.Tensor, p: tf.Tensor) => tf.Tensor,
  y: tf.Tensor,
): { value: number; grad: number[][] } {
  return tf.tidy(() => {
    const z = tf.tensor2d(logits);
    const f = (t: tf.Tensor): tf.Scalar => tf.mean(loss(y, tf.softmax(t)));
    const { value, grad } = tf.valueAndGrad(f)(z);
    return { value: value.dataSync()[0]!, grad: grad.arraySync() as number[][] };
  });
}

function assertClose(actual: number[][], expected: number[][], tol: number, what: string): void {
  actual.forEach((row, r) =>
    row.forEach((v, c) => {
      assert.ok(Math.abs(v - expected[r]![c]!) <= tol, `${what}[${r}][${c}] = ${v}, expected ${expected[r]![c]}`);
    }),
  );
}

test("the gradient reaching the logits is p - y on every row, where tfjs's own clipped loss gives 0 on the wrong one", async () => {
  await dd.ready();
  const ref = reference();
  const y = tf.oneHot(tf.tensor1d(classes, "int32"), 3);
  const ours = await noLeaks(() => lossAndGrad(categoricalCrossentropyFromSoftmax, y));
  assertClose(ours.grad, ref.grad, 1e-6, "gradient");
  assert.ok(Math.abs(ours.value - ref.loss) < 1e-4 * ref.loss, `loss ${ours.value} vs ${ref.loss}`);
  const stock = lossAndGrad(tf.metrics.categoricalCrossentropy, y);
  // What this module fixes: tfjs clips p to 1e-7, so the wrong row teaches nothing and its loss reads 16.1.
  assert.ok(
    stock.grad[1]!.every((g) => Math.abs(g) < 1e-9),
    `stock gradient of the wrong row: ${stock.grad[1]}`,
  );
  assert.ok(Math.abs(ref.grad[1]![0]!) > 0.3);
  assert.ok(stock.value < ref.loss - 4, `stock loss ${stock.value} vs ${ref.loss}`);
  y.dispose();
});

test("the sparse version takes class numbers and gives the same loss and gradient", async () => {
  const ref = reference();
  const labels = tf.tensor1d(classes, "float32");
  const ours = await noLeaks(() => lossAndGrad(sparseCategoricalCrossentropyFromSoftmax, labels));
  assertClose(ours.grad, ref.grad, 1e-6, "gradient");
  assert.ok(Math.abs(ours.value - ref.loss) < 1e-4 * ref.loss);
  labels.dispose();
});

test("Keras computes the same loss and logit gradient for the same softmax output", () => {
  const python = kerasPython();
  const script = `
import json, os
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import tensorflow as tf, keras
z = tf.constant(${JSON.stringify(logits)})
y = tf.one_hot(${JSON.stringify(classes)}, 3)
loss_fn = keras.losses.CategoricalCrossentropy()
@tf.function
def step(z):
    with tf.GradientTape() as tape:
        tape.watch(z)
        loss = loss_fn(y, tf.nn.softmax(z))
    return loss, tape.gradient(loss, z)
loss, grad = step(z)
print(json.dumps({"loss": float(loss), "grad": grad.numpy().tolist()}))
`;
  const r = spawnSync(python, ["-c", script], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const keras = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as { loss: number; grad: number[][] };
  const y = tf.oneHot(tf.tensor1d(classes, "int32"), 3);
  const ours = lossAndGrad(categoricalCrossentropyFromSoftmax, y);
  y.dispose();
  assertClose(ours.grad, keras.grad, 1e-6, "gradient vs Keras");
  assert.ok(Math.abs(ours.value - keras.loss) < 1e-4 * keras.loss, `loss ${ours.value} vs Keras ${keras.loss}`);
});

function softmaxModel(activation: "softmax" | "linear"): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 3, inputShape: [4], activation }));
  return model;
}

interface Internals {
  lossFunctions: unknown[];
  metricsNames: string[];
  loss: unknown;
}

/** A Sequential trains through the functional model inside it, which holds the loss functions. */
function inner(model: tf.Sequential): Internals {
  return (model as unknown as { model: Internals }).model;
}

test("compile gives softmax outputs Keras's loss and leaves everything the user sees as tfjs had it", async () => {
  const soft = softmaxModel("softmax");
  soft.compile({ optimizer: "adam", loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  const s = inner(soft);
  assert.equal(s.lossFunctions[0], categoricalCrossentropyFromSoftmax);
  assert.equal(s.loss, "categoricalCrossentropy");
  assert.deepEqual(s.metricsNames, ["loss", "acc"]);

  const sparse = softmaxModel("softmax");
  sparse.compile({ optimizer: "adam", loss: ["sparseCategoricalCrossentropy"] });
  assert.equal(inner(sparse).lossFunctions[0], sparseCategoricalCrossentropyFromSoftmax);

  // Not a softmax output, or a loss the user wrote: tfjs's own, untouched.
  const linear = softmaxModel("linear");
  linear.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
  assert.notEqual(inner(linear).lossFunctions[0], categoricalCrossentropyFromSoftmax);
  const mine = (yt: tf.Tensor, yp: tf.Tensor): tf.Tensor => tf.losses.meanSquaredError(yt, yp);
  const custom = softmaxModel("softmax");
  custom.compile({ optimizer: "adam", loss: mine });
  assert.equal(inner(custom).lossFunctions[0], mine);

  // A softmax model nested in another as its last layer counts too.
  const outer = tf.sequential();
  outer.add(tf.layers.dense({ units: 4, inputShape: [5] }));
  outer.add(softmaxModel("softmax"));
  outer.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
  assert.equal(inner(outer).lossFunctions[0], categoricalCrossentropyFromSoftmax);

  // Training through it leaves no tensor behind (after a first call has made Adam's moments) and learns.
  const x = tf.randomNormal([64, 4], 0, 1, "float32", 7);
  const y = tf.oneHot(tf.argMax(x.slice([0, 0], [64, 3]), 1), 3);
  await soft.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0 });
  const history = await noLeaks(() => soft.fit(x, y, { epochs: 20, batchSize: 16, verbose: 0 }));
  const losses = history.history["loss"] as number[];
  assert.ok(losses.at(-1)! < losses[0]!, `loss went ${losses[0]} → ${losses.at(-1)}`);
  tf.dispose([x, y]);
  for (const m of [soft, sparse, linear, custom, outer]) m.dispose();
});
