import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { compiled, courseConvnet, courseMlp } from "../../bench/course_models";
import { registerWasmBackend } from "../../src/backend/ready";
import { dd, tf } from "../support/tf";

const scratch = mkdtempSync(join(tmpdir(), "deepdeck-models-"));
const fixtures = join(scratch, "fixtures");
const python = "/usr/bin/python3";
after(() => rmSync(scratch, { recursive: true, force: true }));

function requireH5py(): void {
  const probe = spawnSync(python, ["-c", "import h5py, numpy"], { encoding: "utf8" });
  if (probe.status !== 0) throw new Error("These tests build Keras files with h5py: sudo apt-get install python3-h5py");
}

function maxDiff(a: tf.Tensor, b: tf.Tensor | number[][]): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b instanceof tf.Tensor ? b : tf.tensor2d(b)))).dataSync()[0]!);
}

const mlp = () => compiled(courseMlp());
const convnet = () => compiled(courseConvnet());

before(async () => {
  await dd.ready();
  // These tests compare wasm with cpu whichever backend DEEPDECK_BACKEND chose.
  registerWasmBackend();
});

describe("Keras files in: every known layout variant", () => {
  let expected: Record<string, number[][]>;
  before(() => {
    requireH5py();
    const run = spawnSync(python, [join(__dirname, "fixtures", "make_variants.py"), fixtures], {
      encoding: "utf8",
    });
    assert.equal(run.status, 0, run.stderr);
    expected = JSON.parse(readFileSync(join(fixtures, "expected.json"), "utf8"));
  });
  const variants = [
    ["keras2_fixed_bytes.h5", "Keras 2: fixed-length byte-string names, weights named dense/kernel:0, compiled"],
    ["vlen_no_suffix.h5", "variable-length strings, weight names without :0"],
    ["nested_names.h5", "weight names nested under the model's name"],
    ["layer_order.h5", "layer order from layer_names, not the alphabetical group order"],
    ["keras3_legacy.h5", "Keras 3 legacy h5: DTypePolicy objects, batch_shape, module wrappers"],
    ["keras3_functional.h5", "Keras 3 Functional model, new inbound_nodes format"],
    ["keras3.keras", "Keras 3 .keras zip"],
    [
      "keras3_renamed_groups.keras",
      ".keras whose weight groups are keyed otherwise than Keras 3 keys them: found by the layer names stored with them",
    ],
    [
      "all_layers.h5",
      "Reshape, Conv2D, AveragePooling2D, MaxPooling2D, Flatten, BatchNormalization, Activation, Dropout, Dense",
    ],
  ] as const;
  for (const [file, what] of variants) {
    test(`${file}: ${what}`, async () => {
      const model = await dd.loadKeras(join(fixtures, file));
      const x = tf.tensor2d((expected as unknown as { x: number[][] }).x);
      const y = model.predict(x) as tf.Tensor;
      assert.ok(
        maxDiff(y, expected[file]!) < 1e-5,
        `predictions match numpy's forward pass (max diff ${maxDiff(y, expected[file]!)})`,
      );
      tf.dispose([x, y]);
      model.dispose();
    });
  }
  test("a compiled Keras 2 file comes back compiled with its optimizer, loss and metrics", async () => {
    const model = await dd.loadKeras(join(fixtures, "keras2_fixed_bytes.h5"));
    assert.equal(model.optimizer.getClassName(), "Adam");
    assert.deepEqual(model.metricsNames, ["loss", "acc"]);
    model.dispose();
  });
  test("a weights-only file loads into a model you give, matched by layer_names order", async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ units: 3, activation: "relu", inputShape: [4] }),
        tf.layers.dense({ units: 2, activation: "softmax" }),
      ],
    });
    await assert.rejects(
      dd.loadKeras(join(fixtures, "weights_only.h5")),
      /weights_only.h5 holds only weights \(no model_config\); build the model and pass it: dd.loadKeras\(path, \{ model \}\)/,
    );
    const same = await dd.loadKeras(join(fixtures, "weights_only.h5"), { model });
    assert.equal(same, model);
    const x = tf.tensor2d((expected as unknown as { x: number[][] }).x);
    assert.ok(maxDiff(model.predict(x) as tf.Tensor, expected["weights_only.h5"]!) < 1e-5);
    const wrong = tf.sequential({
      layers: [tf.layers.dense({ units: 5, inputShape: [4] }), tf.layers.dense({ units: 2 })],
    });
    await assert.rejects(
      dd.loadKeras(join(fixtures, "weights_only.h5"), { model: wrong }),
      /weight .*kernel of layer .* has shape \[4, 5\] but .*weights_only.h5's group "zeta" holds \[4, 3\]/,
    );
    tf.dispose(x);
  });
  test("unsupported layers, wrong files and bad arguments get clear errors", async () => {
    await assert.rejects(
      dd.loadKeras(join(fixtures, "unsupported.h5")),
      /loadKeras: .*unsupported.h5: layer "custom" \(MyCustomLayer\) of model "sequential" has no TensorFlow.js implementation/,
    );
    await assert.rejects(dd.loadKeras(join(fixtures, "nothing.h5")), /loadKeras: .*nothing.h5 does not exist/);
    writeFileSync(join(scratch, "fake.h5"), "not hdf5 at all");
    await assert.rejects(dd.loadKeras(join(scratch, "fake.h5")), /fake.h5 is not an HDF5 file/);
    writeFileSync(join(scratch, "fake.keras"), "not a zip");
    await assert.rejects(dd.loadKeras(join(scratch, "fake.keras")), /fake.keras is not a valid .keras \(zip\) file/);
    await assert.rejects(dd.loadKeras(join(fixtures, "expected.json")), /should end in .h5, .hdf5 or .keras/);
  });
});

describe("Keras files out", () => {
  before(requireH5py);
  for (const [name, build, input] of [
    ["MLP", mlp, [3, 784]],
    ["convnet", convnet, [3, 28, 28, 1]],
  ] as const) {
    test(`the course's ${name}: saveKeras writes Keras 2's layout; loading it back predicts the same`, async () => {
      const model = build();
      const file = join(scratch, `${name}.h5`);
      await dd.saveKeras(model, file);
      assert.deepEqual(
        readdirSync(scratch).filter((f) => f.includes(".tmp")),
        [],
        "no temporary file left",
      );
      const back = await dd.loadKeras(file);
      const x = tf.randomUniform(input as unknown as number[], 0, 1, "float32", 3);
      const a = model.predict(x) as tf.Tensor;
      const b = back.predict(x) as tf.Tensor;
      assert.equal(maxDiff(a, b), 0, "identical predictions");
      assert.equal(back.optimizer.getClassName(), "Adam");
      writeFileSync(join(scratch, "input.json"), JSON.stringify(tf.reshape(x, [3, -1]).arraySync()));
      const read = spawnSync(
        python,
        [join(__dirname, "fixtures", "read_like_keras.py"), file, join(scratch, "input.json")],
        { encoding: "utf8" },
      );
      assert.equal(read.status, 0, read.stderr);
      const summary = JSON.parse(read.stdout);
      assert.equal(summary.class_name, "Sequential");
      assert.equal(summary.backend, "tensorflow");
      assert.match(summary.keras_version, /^2\./);
      assert.equal(summary.training_config.loss, "categorical_crossentropy");
      assert.equal(summary.training_config.optimizer_config.class_name, "Adam");
      const layers = model.layers.map((l) => l.getClassName());
      assert.deepEqual(summary.layers, layers);
      const shapes = Object.fromEntries(model.layers.map((l) => [l.name, l.weights.map((w) => w.shape)]));
      assert.deepEqual(summary.weights, shapes);
      if (name === "MLP")
        assert.ok(
          maxDiff(a, summary.prediction) < 1e-5,
          "a numpy forward pass over the file as Keras reads it predicts the same",
        );
      tf.dispose([x, a, b]);
      model.dispose();
      back.dispose();
    });
  }
  test("bad arguments", async () => {
    await assert.rejects(
      dd.saveKeras(mlp(), join(scratch, "x.json")),
      /saveKeras: path must end in .keras \(Keras 3\) or .h5\/.hdf5 \(Keras 2 HDF5\)/,
    );
    await assert.rejects(
      dd.saveKeras({} as never, join(scratch, "x.h5")),
      /saveKeras: model must be a tf.LayersModel, received an object/,
    );
  });
});

describe("tfjs format on disk", () => {
  for (const backend of ["wasm", "cpu"]) {
    test(`round trip on ${backend}, with the optimizer's state`, async () => {
      await tf.setBackend(backend);
      const model = mlp();
      const x = tf.randomUniform([32, 784], 0, 1, "float32", 4);
      const y = tf.oneHot(
        tf.tensor1d(
          Array.from({ length: 32 }, (_, i) => i % 10),
          "int32",
        ),
        10,
      );
      await model.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0 });
      const dir = join(scratch, `tfjs-${backend}`);
      const info = await dd.saveModel(model, dir);
      assert.deepEqual(info.files, ["model.json", "group1-shard1of1.bin"]);
      const loaded = await dd.loadModel(dir);
      assert.equal(maxDiff(model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor), 0);
      const before = model.optimizer.getWeights();
      const restored = await loaded.optimizer.getWeights();
      assert.equal(restored.length, (await before).length, "Adam's moments come back");
      assert.ok(restored.length > 1);
      tf.dispose([x, y]);
      model.dispose();
      loaded.dispose();
      await tf.setBackend("wasm");
    });
  }
  test("a loaded compiled model frees its optimizer with it: loading and disposing leaves no tensor", async () => {
    const model = mlp();
    const dir = join(scratch, "owned-optimizer");
    await dd.saveModel(model, dir);
    model.dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const loaded = await dd.loadModel(dir);
      assert.ok(loaded.optimizer, "loaded compiled");
      loaded.dispose();
    }
    assert.equal(tf.memory().numTensors, before);
  });
  test("a model.json naming a weight the model does not have is refused, and leaves no tensor behind", async () => {
    const model = mlp();
    const dir = join(scratch, "renamed-weight");
    await dd.saveModel(model, dir);
    model.dispose();
    const file = join(dir, "model.json");
    writeFileSync(file, readFileSync(file, "utf8").replace(/"([^"]*)\/bias"/, '"$1obias"'));
    const before = tf.memory().numTensors;
    await assert.rejects(dd.loadModel(dir), /^Error: loadModel: .*renamed-weight/);
    assert.equal(tf.memory().numTensors, before);
  });

  test("saving over a model replaces it whole; large models are sharded", async () => {
    const dir = join(scratch, "replace");
    await dd.saveModel(mlp(), dir);
    await dd.saveModel(convnet(), dir);
    assert.deepEqual(readdirSync(dir).sort(), ["group1-shard1of1.bin", "model.json"]);
    assert.ok(
      JSON.parse(readFileSync(join(dir, "model.json"), "utf8")).modelTopology.config.layers.some(
        (l: { class_name: string }) => l.class_name === "Conv2D",
      ),
    );
    assert.deepEqual(
      readdirSync(scratch).filter((f) => f.startsWith(".replace") || f.includes(".old-")),
      [],
      "no temporary folder left",
    );
    const big = tf.sequential({ layers: [tf.layers.dense({ units: 2048, inputShape: [1024] })] });
    const bigInfo = await dd.saveModel(big, join(scratch, "big"));
    assert.deepEqual(bigInfo.files, [
      "model.json",
      "group1-shard1of3.bin",
      "group1-shard2of3.bin",
      "group1-shard3of3.bin",
    ]);
    const back = await dd.loadModel(join(scratch, "big"));
    assert.deepEqual(back.layers[0]!.weights[0]!.shape, [1024, 2048]);
  });
  test("damaged folders get errors naming the broken file", async () => {
    const dir = join(scratch, "damaged");
    await dd.saveModel(mlp(), dir);
    const shard = join(dir, "group1-shard1of1.bin");
    truncateSync(shard, 1000);
    await assert.rejects(
      dd.loadModel(dir),
      /loadModel: the weight files in .*damaged hold 1000 bytes, but model.json describes \d+; a shard is truncated/,
    );
    rmSync(shard);
    await assert.rejects(
      dd.loadModel(dir),
      /loadModel: weight file .*group1-shard1of1.bin listed in model.json is missing/,
    );
    writeFileSync(join(dir, "model.json"), "{ not json");
    await assert.rejects(dd.loadModel(dir), /loadModel: .*model.json is not valid JSON/);
    rmSync(join(dir, "model.json"));
    await assert.rejects(dd.loadModel(dir), /loadModel: .*damaged has no model.json/);
    await assert.rejects(dd.loadModel(join(scratch, "absent")), /loadModel: .*absent does not exist/);
    assert.ok(!existsSync(join(scratch, "absent")));
  });
});
