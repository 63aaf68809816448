/**
 * Writing a model in the Keras 2 HDF5 layout (`model.save("x.h5")` in Keras 2, `save_model_hdf5` in
 * R), so Keras, tf.keras and R keras can load it: model_config, keras_version, backend, and
 * model_weights with layer_names and weight_names. Written atomically (src/io/atomic_write.ts).
 */
import * as tf from "@tensorflow/tfjs";
import { writeAtomic } from "../io/atomic_write";
import { messages } from "../messages";
import { writeFileSync } from "node:fs";
import { checkWritten, closeH5, openH5, writingH5, type H5File } from "./hdf5";
import { saveError } from "./save_errors";
import { kerasConfigOf } from "./keras_config";

const lossKeras: Record<string, string> = {
  categoricalCrossentropy: "categorical_crossentropy",
  sparseCategoricalCrossentropy: "sparse_categorical_crossentropy",
  binaryCrossentropy: "binary_crossentropy",
  meanSquaredError: "mean_squared_error",
  meanAbsoluteError: "mean_absolute_error",
};

/** The Keras training_config of a compiled tfjs model, or null. */
function trainingConfig(model: tf.LayersModel): Record<string, unknown> | null {
  if (!model.optimizer) return null;
  const opt = model.optimizer as tf.Optimizer & { getConfig(): Record<string, unknown> };
  const cfg = opt.getConfig();
  const className = opt.getClassName();
  const name =
    className === "AdamOptimizer"
      ? "Adam"
      : className === "SGDOptimizer"
        ? "SGD"
        : className === "MomentumOptimizer"
          ? "SGD"
          : className === "RMSPropOptimizer"
            ? "RMSprop"
            : className.replace(/Optimizer$/, "");
  const config: Record<string, unknown> = { name, learning_rate: cfg["learningRate"] };
  if (name === "Adam") Object.assign(config, { beta_1: cfg["beta1"], beta_2: cfg["beta2"], epsilon: cfg["epsilon"] });
  if (className === "MomentumOptimizer") config["momentum"] = cfg["momentum"];
  const loss = (model as unknown as { loss: unknown }).loss;
  const metrics = (model as unknown as { metricsNames: string[] }).metricsNames?.filter((m) => m !== "loss") ?? [];
  return {
    loss: typeof loss === "string" ? (lossKeras[loss] ?? loss) : null,
    metrics: metrics.map((m) => (m === "acc" ? "accuracy" : m)),
    weighted_metrics: null,
    loss_weights: null,
    optimizer_config: { class_name: name, config },
  };
}

/**
 * Save a model as a Keras 2 HDF5 file that Keras and R keras load.
 *
 * @example await dd.saveKeras(model, "mnist_model.h5")   // R: load_model_hdf5("mnist_model.h5")
 */
export async function saveKeras(model: tf.LayersModel, path: string): Promise<void> {
  const fn = "saveKeras";
  if (!(model instanceof tf.LayersModel)) throw new TypeError(messages.kerasSaveModel(fn, model));
  if (typeof path !== "string" || !/\.(h5|hdf5)$/i.test(path)) throw new TypeError(messages.kerasSavePath(fn, path));
  try {
    await writeAtomic(path, async (tmp) => {
      // Node creates the file first, so a folder that refuses it gets the system's reason (h5wasm gives none).
      writeFileSync(tmp, "");
      const file = await openH5(tmp, "w", fn, path);
      try {
        writingH5(fn, path, () => writeModel(file, model));
        file.flush();
      } finally {
        closeH5(file);
      }
      checkWritten(fn, path);
    });
  } catch (e) {
    throw saveError(fn, path, e);
  }
}

function writeModel(file: H5File, model: tf.LayersModel): void {
  file.create_attribute("keras_version", "2.15.0");
  file.create_attribute("backend", "tensorflow");
  file.create_attribute("generated_by", `deepdeck (TensorFlow.js ${tf.version_layers})`);
  file.create_attribute("model_config", JSON.stringify(kerasConfigOf(model)));
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
    const names = layer.weights.map((w) => `${layer.name}/${w.originalName.split("/").pop()}:0`);
    group.create_attribute("weight_names", names.length > 0 ? names : []);
    layer.weights.forEach((w, i) => {
      const values = w.read().dataSync() as Float32Array;
      const [sub, leaf] = names[i]!.split("/") as [string, string];
      const parent = (group.get(sub) as unknown as typeof group | null) ?? group.create_group(sub);
      parent.create_dataset({ name: leaf, data: new Float32Array(values), shape: w.shape as number[], dtype: "<f" });
    });
  }
}
