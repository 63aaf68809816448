/**
 * Writing a model for Keras: Keras 3's `.keras` zip (config.json, metadata.json, model.weights.h5 in
 * Keras 3's weight layout) or the Keras 2 HDF5 layout (`model.save("x.h5")` in Keras 2,
 * `save_model_hdf5` in R: model_config, keras_version, backend, and model_weights with layer_names and
 * weight_names), so Keras 3, tf.keras and R keras load it. Written atomically (src/io/atomic_write.ts).
 */
import * as tf from "@tensorflow/tfjs";
import { zipSync } from "fflate";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeAtomic } from "../io/atomic_write";
import { messages } from "../messages";
import { checkWritten, closeH5, openH5, writingH5, type H5File } from "./hdf5";
import { writeKeras3Weights } from "./keras3_weights";
import { saveError } from "../io/save_errors";
import { kerasConfigOf } from "./keras_config";
import { kerasLossOf } from "./training_config";

const lossKeras: Record<string, string> = {
  categoricalCrossentropy: "categorical_crossentropy",
  sparseCategoricalCrossentropy: "sparse_categorical_crossentropy",
  binaryCrossentropy: "binary_crossentropy",
  meanSquaredError: "mean_squared_error",
  meanAbsoluteError: "mean_absolute_error",
};

const kerasOptimizers: Record<string, string> = {
  Adam: "Adam",
  Adamax: "Adamax",
  SGD: "SGD",
  Momentum: "SGD",
  RMSProp: "RMSprop",
  Adagrad: "Adagrad",
  Adadelta: "Adadelta",
};

/** The loss in Keras's words: names snake-cased, a loss object read from a Keras file as it was; else null. */
function kerasLoss(model: tf.LayersModel, loss: unknown): unknown {
  const name = (l: unknown) => (typeof l === "string" ? (lossKeras[l] ?? l) : null);
  if (typeof loss === "string") return name(loss);
  if (Array.isArray(loss) && loss.every((l) => typeof l === "string")) return loss.map(name);
  return kerasLossOf(model) ?? null;
}

/** The Keras training_config of a compiled tfjs model, or null. */
function trainingConfig(model: tf.LayersModel): Record<string, unknown> | null {
  if (!model.optimizer) return null;
  const opt = model.optimizer as tf.Optimizer & { getConfig(): Record<string, unknown> };
  const cfg = opt.getConfig();
  // tfjs's class names ("Adam", "Momentum", "RMSProp"; "...Optimizer" in older releases) in Keras's words.
  const className = opt.getClassName().replace(/Optimizer$/, "");
  const name = kerasOptimizers[className] ?? className;
  const config: Record<string, unknown> = { name: name.toLowerCase(), learning_rate: cfg["learningRate"] };
  if (name === "Adam" || name === "Adamax")
    Object.assign(config, { beta_1: cfg["beta1"], beta_2: cfg["beta2"], epsilon: cfg["epsilon"] });
  if (className === "Momentum") config["momentum"] = cfg["momentum"];
  if (name === "RMSprop")
    Object.assign(config, { rho: cfg["decay"], momentum: cfg["momentum"], epsilon: cfg["epsilon"] });
  const loss = (model as unknown as { loss: unknown }).loss;
  const metrics = (model as unknown as { metricsNames: string[] }).metricsNames?.filter((m) => m !== "loss") ?? [];
  return {
    loss: kerasLoss(model, loss),
    metrics: metrics.map((m) => (m === "acc" ? "accuracy" : m)),
    weighted_metrics: null,
    loss_weights: null,
    optimizer_config: { class_name: name, config },
  };
}

/**
 * Save a model for Keras, in the format the extension names: `.keras` (Keras 3's own format,
 * `keras.saving.load_model`) or `.h5`/`.hdf5` (the Keras 2 HDF5 layout, which Keras 3, tf.keras and R
 * keras load).
 *
 * @example await dd.saveKeras(model, "mnist_model.keras")   // Python: keras.saving.load_model("mnist_model.keras")
 * @example await dd.saveKeras(model, "mnist_model.h5")   // R: load_model_hdf5("mnist_model.h5")
 */
export async function saveKeras(model: tf.LayersModel, path: string): Promise<void> {
  const fn = "saveKeras";
  if (!(model instanceof tf.LayersModel)) throw new TypeError(messages.kerasSaveModel(fn, model));
  if (typeof path !== "string" || !/\.(h5|hdf5|keras)$/i.test(path))
    throw new TypeError(messages.kerasSavePath(fn, path));
  if (existsSync(path) && statSync(path).isDirectory())
    throw new Error(messages.saveFailed(fn, path, messages.saveTargetIsFolder()));
  try {
    await writeAtomic(path, async (tmp) => {
      // Node creates the file first, so a folder that refuses it fails at once with the system's reason
      // (h5wasm gives none), before h5wasm loads and the weights are written (seconds, on a busy machine).
      writeFileSync(tmp, "");
      if (/\.keras$/i.test(path)) await writeKerasZip(fn, model, path, tmp);
      else await writeH5(fn, path, tmp, (file) => writeModel(file, model));
    });
  } catch (e) {
    throw saveError(fn, path, e);
  }
}

function writeModel(file: H5File, model: tf.LayersModel): void {
  file.create_attribute("keras_version", "2.15.0");
  file.create_attribute("backend", "tensorflow");
  file.create_attribute("generated_by", `deepdeck (TensorFlow.js ${tf.version_layers})`);
  file.create_attribute("model_config", JSON.stringify(withModules(kerasConfigOf(model))));
  const training = trainingConfig(model);
  if (training) file.create_attribute("training_config", JSON.stringify(training));
  const weights = file.create_group("model_weights");
  weights.create_attribute(
    "layer_names",
    model.layers.map((l) => l.name),
  );
  weights.create_attribute("backend", "tensorflow");
  weights.create_attribute("keras_version", "2.15.0");
  for (const layer of model.layers) {
    const group = weights.create_group(layer.name);
    // Keras 2 names a weight <layer>/<sublayer...>/<weight>:0: nested models and Bidirectional keep
    // their sublayers' names, so block/dense_6/kernel and block/dense_7/kernel stay apart.
    const names = layer.weights.map((w) => {
      const own = w.originalName.startsWith(`${layer.name}/`) ? w.originalName : `${layer.name}/${w.originalName}`;
      return `${own}:0`;
    });
    group.create_attribute("weight_names", names.length > 0 ? names : []);
    layer.weights.forEach((w, i) => {
      const values = w.read().dataSync() as Float32Array;
      const parts = names[i]!.split("/");
      let parent = group;
      for (const part of parts.slice(0, -1)) {
        const next = parent.get(part) as unknown as typeof group | null;
        parent = next ?? parent.create_group(part);
      }
      parent.create_dataset({
        name: parts.at(-1)!,
        data: new Float32Array(values),
        shape: w.shape as number[],
        dtype: "<f",
      });
    });
  }
}

/** Keras 3's compile_config from the Keras 2 training config. */
function compileConfig(model: tf.LayersModel): Record<string, unknown> | null {
  const t = trainingConfig(model);
  if (!t) return null;
  const { optimizer_config: optimizer, ...rest } = t;
  return {
    ...rest,
    optimizer: { module: "keras.optimizers", registered_name: null, ...(optimizer as object) },
    run_eagerly: false,
    steps_per_execution: 1,
    jit_compile: false,
  };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/**
 * Keras 3's .keras reader finds classes by module: every {class_name, config} gets the module Keras 3
 * would have written (layers, models, initializers, regularizers, constraints). `key` is the property
 * the object sits under.
 */
function withModules(v: Json, key = ""): Json {
  if (Array.isArray(v)) return v.map((x) => withModules(x, key));
  if (typeof v !== "object" || v === null) return v;
  const out: { [k: string]: Json } = {};
  for (const [k, val] of Object.entries(v)) out[k] = withModules(val, k === "layers" || k === "layer" ? "" : k);
  if (typeof out["class_name"] !== "string" || !("config" in out)) return out;
  if (out["class_name"] === "Model") out["class_name"] = "Functional";
  const kind = /_(initializer|regularizer|constraint)$/.exec(key)?.[1];
  if (out["class_name"] === "Functional")
    return { module: "keras.src.models.functional", ...out, registered_name: "Functional" };
  const module = kind ? `keras.${kind}s` : out["class_name"] === "Sequential" ? "keras" : "keras.layers";
  return { module, ...out, registered_name: null };
}

/** Write the HDF5 file `file` for the save to `target`: HDF5's failures, thrown or only printed, fail it. */
async function writeH5(fn: string, target: string, file: string, write: (h5: H5File) => void): Promise<void> {
  const h5 = await openH5(file, "w", fn, target);
  try {
    writingH5(fn, target, () => write(h5));
    h5.flush();
  } finally {
    closeH5(h5);
  }
  checkWritten(fn, target);
}

/** Write the `.keras` zip for the save to `target` into `file`. */
async function writeKerasZip(fn: string, model: tf.LayersModel, target: string, file: string): Promise<void> {
  const config = withModules(kerasConfigOf(model)) as Record<string, unknown>;
  const compile = compileConfig(model);
  if (compile) config["compile_config"] = compile;
  const metadata = { keras_version: "3.0.0", generated_by: `deepdeck (TensorFlow.js ${tf.version_layers})` };
  // h5wasm writes files on disk: the weights go to a private temporary folder, then into the zip.
  const dir = mkdtempSync(join(tmpdir(), "deepdeck-keras-"));
  try {
    const weightsFile = join(dir, "model.weights.h5");
    await writeH5(fn, target, weightsFile, (h5) => writeKeras3Weights(h5, model));
    const text = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
    const zip = zipSync(
      {
        "metadata.json": text(metadata),
        "config.json": text(config),
        "model.weights.h5": readFileSync(weightsFile),
      },
      { level: 0 },
    );
    writeFileSync(file, zip);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
