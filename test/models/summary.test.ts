/** dd.summary prints what real Keras 3 prints for the same model: compared with Keras's own text. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { before, test } from "node:test";
import { inspect } from "node:util";
import { join } from "node:path";
import { dd, noLeaks, tf } from "../support/tf";
import { kerasPython } from "../support/keras_python";
import { resultBundle } from "../../src/tslab/kernel";

let keras: Record<string, string> = {};

before(async () => {
  await dd.ready();
  const python = kerasPython();
  // COLUMNS=80: Keras's default width is the terminal's less 4, and a notebook's stdout reports 80 columns.
  const run = spawnSync(python, [join(__dirname, "fixtures", "keras_summaries.py")], {
    encoding: "utf8",
    env: { ...process.env, COLUMNS: "80", TF_CPP_MIN_LOG_LEVEL: "3" },
  });
  assert.equal(run.status, 0, run.stderr);
  keras = (JSON.parse(run.stdout) as { summaries: Record<string, string> }).summaries;
});

const dense = (units: number, activation: "relu" | "softmax", inputShape?: number[]) =>
  tf.layers.dense({ units, activation, ...(inputShape ? { inputShape } : {}) });

function mlp(): tf.Sequential {
  const model = tf.sequential();
  model.add(dense(256, "relu", [784]));
  model.add(tf.layers.dropout({ rate: 0.4 }));
  model.add(dense(128, "relu"));
  model.add(tf.layers.dropout({ rate: 0.3 }));
  model.add(dense(10, "softmax"));
  return model;
}

function convnetBase(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: [3, 3], activation: "relu" }));
  model.add(tf.layers.maxPooling2d({ poolSize: [2, 2] }));
  model.add(tf.layers.conv2d({ filters: 64, kernelSize: [3, 3], activation: "relu" }));
  model.add(tf.layers.maxPooling2d({ poolSize: [2, 2] }));
  model.add(tf.layers.conv2d({ filters: 64, kernelSize: [3, 3], activation: "relu" }));
  return model;
}

function convnet(): tf.Sequential {
  const model = convnetBase();
  model.add(tf.layers.flatten());
  model.add(dense(64, "relu"));
  model.add(dense(10, "softmax"));
  return model;
}

const call = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) =>
  layer.apply(x) as tf.SymbolicTensor;

function branches(): tf.LayersModel {
  const inputs = tf.input({ shape: [28, 28, 1] });
  const a = call(tf.layers.conv2d({ filters: 8, kernelSize: 3, activation: "relu" }), inputs);
  const b = call(tf.layers.conv2d({ filters: 8, kernelSize: 3, activation: "relu" }), inputs);
  const merged = call(tf.layers.concatenate(), [a, b]);
  return tf.model({ inputs, outputs: call(dense(10, "softmax"), call(tf.layers.flatten(), merged)) });
}

function residual(): tf.LayersModel {
  const inputs = tf.input({ shape: [28, 28, 1] });
  const x = call(tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: "same" }), inputs);
  let y = call(tf.layers.batchNormalization(), x);
  y = call(tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: "same", activation: "relu" }), y);
  const sum = call(tf.layers.add(), [x, y]);
  const pooled = call(tf.layers.globalAveragePooling2d({}), sum);
  return tf.model({ inputs, outputs: call(dense(10, "softmax"), pooled) });
}

async function trained(model: tf.LayersModel, optimizer: string, xShape: number[]): Promise<tf.LayersModel> {
  model.compile({ optimizer, loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  const x = tf.zeros([4, ...xShape]);
  const y = tf.oneHot(tf.zeros([4], "int32"), 10);
  await model.trainOnBatch(x, y);
  tf.dispose([x, y]);
  return model;
}

function halves(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 8, inputShape: [35] }));
  return model;
}

const cases: Record<string, () => tf.LayersModel | Promise<tf.LayersModel>> = {
  halves,
  mlp,
  "convnet-base": convnetBase,
  convnet,
  "convnet-trained": () => trained(convnet(), "adam", [28, 28, 1]),
  "mlp-rmsprop": () => trained(mlp(), "rmsprop", [784]),
  "first-conv": () => {
    const model = convnet();
    return tf.model({ inputs: model.inputs, outputs: model.layers[0]!.output, name: "first_conv" });
  },
  branches,
  residual,
};

for (const [name, build] of Object.entries(cases)) {
  test(`${name}: the same text as Keras 3's model.summary()`, async () => {
    const model = await build();
    assert.equal(await noLeaks(() => dd.summaryText(model)), keras[name]);
  });
}

test("lineLength is Keras's line_length", () => {
  assert.equal(dd.summaryText(convnet(), { lineLength: 100 }), keras["convnet-wide"]);
  assert.equal(dd.summaryText(residual(), { lineLength: 60 }), keras["residual-narrow"]);
});

test("a model that ends a cell, or is logged, shows the summary; nested in an object, one line", () => {
  const model = convnet();
  const text = dd.summaryText(model);
  assert.equal(inspect(model), text);
  assert.equal(resultBundle(model).data["text/plain"], text);
  assert.equal(inspect({ model }), '{ model: Sequential "sequential" (93,322 params) }');
});

test("dd.summary prints the text and returns nothing", () => {
  const model = mlp();
  const printed: unknown[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => printed.push(...args);
  try {
    assert.equal(dd.summary(model), undefined);
  } finally {
    console.log = log;
  }
  assert.deepEqual(printed, [keras["mlp"]]);
});

test("names the user chose are kept", () => {
  const model = tf.sequential({ name: "digits" });
  model.add(tf.layers.dense({ units: 4, inputShape: [3], name: "hidden" }));
  model.add(tf.layers.dense({ units: 2 }));
  const text = dd.summaryText(model);
  assert.match(text, /^Model: "digits"\n/);
  assert.match(text, /│ hidden \(Dense\) +│ \(None, 4\) +│ +16 │/);
  assert.match(text, /│ dense \(Dense\) +│ \(None, 2\) +│ +10 │/);
});

test("bad arguments get deepdeck's sentences", () => {
  assert.throws(
    () => dd.summary({} as never),
    new TypeError("summary: model must be a tf.LayersModel (tf.sequential() or tf.model()), received an object."),
  );
  assert.throws(
    () => dd.summaryText(mlp(), { lineLength: 5 }),
    new RangeError("summaryText: option lineLength must be a whole number of characters, at least 20, received 5."),
  );
});
