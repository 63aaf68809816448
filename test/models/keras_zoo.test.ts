/**
 * Keras files both ways against Keras itself: one Python process writes a zoo of models (every layer
 * kind tfjs-layers has, Functional models with branches and shared layers, nested models, a residual
 * network, an autoencoder) as .keras, legacy .h5 and .weights.h5 with Keras's outputs on fixed inputs;
 * deepdeck loads each and predicts the same; deepdeck saves each as .keras and .h5 and a second Python
 * process has Keras load those and predict the same again.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { setWarningHandler } from "../../src/io/warnings";
import { kerasPython } from "../support/keras_python";
import { dd, tf } from "../support/tf";

const script = join(__dirname, "fixtures", "keras_zoo.py");
const tolerance = 1e-4;

const scratch = mkdtempSync(join(tmpdir(), "deepdeck-zoo-"));
const zooDir = join(scratch, "keras");
after(() => rmSync(scratch, { recursive: true, force: true }));

interface Entry {
  inputs: { dtype: string; values: unknown }[];
  outputs: number[][][];
  training?: { y: unknown; loss: number };
}

/** Keras's interpreter, checked once (kerasPython fails saying what to install). */
let python = "";

function runZoo(mode: "write" | "read"): void {
  python ||= kerasPython();
  const run = spawnSync(python, [script, mode, zooDir], { encoding: "utf8" });
  if (/ModuleNotFoundError/.test(run.stderr))
    throw new Error(`${run.stderr.trim().split("\n").pop()}: install it into ${python}'s venv (.ci/run does)`);
  assert.equal(run.status, 0, run.stderr);
}

const models = [
  "dense",
  "conv2d",
  "conv1d",
  "pool1d",
  "pool2d",
  "rnn",
  "bidirectional",
  "functional_shared",
  "nested",
  "resnet",
  "autoencoder",
  "time_distributed",
] as const;

let zoo: Record<string, Entry>;
before(async () => {
  await dd.ready();
  runZoo("write");
  zoo = JSON.parse(readFileSync(join(zooDir, "zoo.json"), "utf8"));
});

const inputsOf = (e: Entry) =>
  e.inputs.map((x) => tf.tensor(x.values as number[], undefined, x.dtype === "int32" ? "int32" : "float32"));

/** The largest absolute difference between the model's outputs and `expected`, with no tensor left behind. */
function maxDiff(model: tf.LayersModel, e: Entry, expected: number[][][]): number {
  return tf.tidy(() => {
    const xs = inputsOf(e);
    const y = model.predict(xs.length > 1 ? xs : xs[0]!);
    const ys = Array.isArray(y) ? y : [y];
    assert.equal(ys.length, expected.length, "as many outputs as Keras's");
    return Math.max(...ys.map((t, i) => tf.max(tf.abs(tf.sub(t, tf.tensor(expected[i]!)))).dataSync()[0]!));
  });
}

/**
 * Dispose a model and what tfjs's dispose leaves of it: a layer applied twice (a shared layer, a nested
 * model called twice) counts two references and keeps its weights after the model's dispose.
 */
function release(model: tf.LayersModel): void {
  const values = model.weights.map((w) => w.read());
  model.dispose();
  tf.dispose(values.filter((t) => !t.isDisposed));
}

/** A fresh copy of the architecture with every weight zero, for the weights-only files. */
async function zeroedArchitecture(name: string): Promise<tf.LayersModel> {
  const model = await dd.loadKeras(join(zooDir, `${name}.keras`), { compile: false });
  for (const layer of model.layers) {
    const zeros = layer.getWeights().map((w) => tf.zerosLike(w));
    layer.setWeights(zeros);
    tf.dispose(zeros);
  }
  return model;
}

describe(`Keras's own files load through dd.loadKeras with Keras's outputs (max abs diff < ${tolerance})`, () => {
  for (const name of models)
    for (const ext of [".keras", ".h5", ".weights.h5"]) {
      test(`${name}${ext}`, async () => {
        const before = tf.memory().numTensors;
        const file = join(zooDir, `${name}${ext}`);
        // Compiled models are checked below; tfjs's own optimizers keep a tensor or two after dispose.
        const model =
          ext === ".weights.h5" ? await zeroedArchitecture(name) : await dd.loadKeras(file, { compile: false });
        if (ext === ".weights.h5") assert.equal(await dd.loadKeras(file, { model }), model);
        const diff = maxDiff(model, zoo[name]!, zoo[name]!.outputs);
        assert.ok(diff < tolerance, `max abs diff ${diff} from Keras's predictions`);
        release(model);
        assert.equal(tf.memory().numTensors, before, "no tensor left behind by the load");
      });
    }
});

describe("Keras loads what dd.saveKeras writes (.keras and .h5) and predicts the same", () => {
  test(`every model of the zoo, both formats (max abs diff < ${tolerance})`, async () => {
    const out = join(scratch, "deepdeck");
    mkdirSync(out, { recursive: true });
    const files: { model: string; file: string }[] = [];
    for (const name of models) {
      const model = await dd.loadKeras(join(zooDir, `${name}.keras`), { compile: false });
      const before = tf.memory().numTensors;
      for (const ext of [".keras", ".h5"]) {
        const file = join(out, `${name}${ext}`);
        await dd.saveKeras(model, file);
        files.push({ model: name, file });
        assert.equal(tf.memory().numTensors, before, `saving ${file} leaves no tensor behind`);
        const back = await dd.loadKeras(file, { compile: false });
        assert.ok(maxDiff(back, zoo[name]!, zoo[name]!.outputs) < tolerance, `${file} read back by deepdeck`);
        release(back);
      }
      release(model);
    }
    writeFileSync(join(zooDir, "readback.json"), JSON.stringify(files));
    runZoo("read");
    const keras = JSON.parse(readFileSync(join(zooDir, "readback_out.json"), "utf8")) as Record<string, number[][][]>;
    for (const { model: name, file } of files) {
      const expected = zoo[name]!.outputs;
      const got = keras[file]!;
      const diff = Math.max(
        ...got.map((y, i) =>
          tf.tidy(() => tf.max(tf.abs(tf.sub(tf.tensor(y), tf.tensor(expected[i]!)))).dataSync()[0]!),
        ),
      );
      assert.ok(diff < tolerance, `Keras's predictions from ${file} differ by ${diff}`);
    }
  });
});

describe("training configs compile as Keras compiled them", () => {
  const cases = [
    ["dense", "CategoricalCrossentropy(from_logits, label_smoothing=0.1), Custom>Adam, CategoricalAccuracy"],
    ["rnn", "SparseCategoricalCrossentropy(from_logits), RMSprop, accuracy"],
    ["conv2d", "mse, SGD with momentum, mae"],
    ["conv1d", "Huber, 'adam'"],
  ] as const;
  for (const [name, what] of cases)
    for (const ext of [".keras", ".h5"])
      test(`${name}${ext}: ${what}; the loss on Keras's targets matches Keras's`, async () => {
        const warnings: string[] = [];
        const previous = setWarningHandler((m) => warnings.push(m));
        try {
          const model = await dd.loadKeras(join(zooDir, `${name}${ext}`));
          assert.deepEqual(warnings, []);
          assert.ok(model.optimizer, "compiled");
          const e = zoo[name]!;
          const [x] = inputsOf(e);
          const y = tf.tensor(e.training!.y as number[], undefined, name === "rnn" ? "int32" : "float32");
          const result = model.evaluate(x!, y, { batchSize: 64, verbose: 0 });
          const loss = (Array.isArray(result) ? result[0]! : result).dataSync()[0]!;
          assert.ok(Math.abs(loss - e.training!.loss) < tolerance, `loss ${loss}, Keras's ${e.training!.loss}`);
          tf.dispose([x!, y, result]);
          if (name === "dense") {
            const cfg = model.optimizer.getConfig();
            assert.deepEqual(
              [cfg["learningRate"], cfg["beta1"], cfg["beta2"], cfg["epsilon"]].map((v) =>
                Number(Number(v).toFixed(6)),
              ),
              [0.003, 0.8, 0.99, 1e-6],
            );
          }
          model.dispose();
        } finally {
          setWarningHandler(previous);
        }
      });
  test("what tfjs cannot compile comes back uncompiled, with a warning saying what and why", async () => {
    const warnings: string[] = [];
    const previous = setWarningHandler((m) => warnings.push(m));
    try {
      const source = join(scratch, "clipnorm.h5");
      const model = await dd.loadKeras(join(zooDir, "conv2d.h5"));
      await dd.saveKeras(model, source);
      model.dispose();
      // The same file with an optimizer option tfjs lacks, written through h5py.
      const edit = spawnSync(
        python,
        [
          "-c",
          "import h5py, json, sys\nwith h5py.File(sys.argv[1], 'a') as f:\n  t = json.loads(f.attrs['training_config'])\n  t['optimizer_config']['config']['clipnorm'] = 1.0\n  f.attrs['training_config'] = json.dumps(t)",
          source,
        ],
        { encoding: "utf8" },
      );
      assert.equal(edit.status, 0, edit.stderr);
      const back = await dd.loadKeras(source);
      assert.equal(back.optimizer, undefined);
      assert.deepEqual(warnings, [
        `loadKeras: ${source} is loaded uncompiled: its optimizer SGD has clipnorm=1, which TensorFlow.js's optimizers do not implement. Compile it yourself with model.compile(...).`,
      ]);
      back.dispose();
    } finally {
      setWarningHandler(previous);
    }
  });
});

describe("a loss object read from a Keras file is saved again as it was", () => {
  for (const ext of [".keras", ".h5"])
    test(`dense.keras → ${ext}: Keras compiles the copy with CategoricalCrossentropy(from_logits, label_smoothing=0.1)`, async () => {
      const model = await dd.loadKeras(join(zooDir, "dense.keras"));
      const copy = join(scratch, `dense_loss_copy${ext}`);
      await dd.saveKeras(model, copy);
      model.dispose();
      const read = spawnSync(
        python,
        [
          "-c",
          "import json, os, sys\nos.environ['TF_CPP_MIN_LOG_LEVEL'] = '3'\nimport keras\nm = keras.saving.load_model(sys.argv[1])\nprint(json.dumps({'cls': type(m.loss).__name__, 'config': m.loss.get_config()}))",
          copy,
        ],
        { encoding: "utf8" },
      );
      assert.equal(read.status, 0, read.stderr);
      const keras = JSON.parse(read.stdout.trim().split("\n").at(-1)!) as {
        cls: string;
        config: Record<string, unknown>;
      };
      assert.equal(keras.cls, "CategoricalCrossentropy");
      assert.equal(keras.config["from_logits"], true);
      assert.ok(Math.abs(Number(keras.config["label_smoothing"]) - 0.1) < 1e-6, JSON.stringify(keras.config));
      // And deepdeck compiles the copy to the same loss on Keras's targets.
      const back = await dd.loadKeras(copy);
      const e = zoo["dense"]!;
      const [x] = inputsOf(e);
      const y = tf.tensor(e.training!.y as number[]);
      const result = back.evaluate(x!, y, { batchSize: 64, verbose: 0 });
      const loss = (Array.isArray(result) ? result[0]! : result).dataSync()[0]!;
      assert.ok(Math.abs(loss - e.training!.loss) < tolerance, `loss ${loss}, Keras's ${e.training!.loss}`);
      tf.dispose([x!, y, result]);
      back.dispose();
    });
});

describe("layers TensorFlow.js lacks", () => {
  test("one sentence naming the layer, its class and the file", async () => {
    const before = tf.memory().numTensors;
    const file = join(zooDir, "unsupported.keras");
    await assert.rejects(dd.loadKeras(file), {
      message: `loadKeras: ${file}: layer "difference" (Subtract) of model "two_inputs" has no TensorFlow.js implementation, so deepdeck cannot load this model.`,
    });
    const gru = join(zooDir, "reset_after.keras");
    await assert.rejects(dd.loadKeras(gru), {
      message: `loadKeras: ${gru}: layer "gru_keras3" (GRU) has reset_after=true, which TensorFlow.js does not implement; build it in Keras with GRU(..., reset_after=False).`,
    });
    assert.equal(tf.memory().numTensors, before);
  });
  test("a weights file of another architecture is refused, naming the file and the paths", async () => {
    const model = await zeroedArchitecture("dense");
    const file = join(zooDir, "conv1d.weights.h5");
    await assert.rejects(dd.loadKeras(file, { model }), (e: Error) => {
      assert.match(e.message, /^loadKeras: weight \S+ of layer "dense\w*" has shape \[8, 16\] but /);
      assert.ok(e.message.includes(`${file}'s group layers/dense/vars/0 holds [4, 2]`), e.message);
      return true;
    });
    model.dispose();
  });
});
