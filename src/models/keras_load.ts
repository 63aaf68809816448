/**
 * Loading models saved by Keras, tf.keras and R keras: HDF5 files (Keras 2, and Keras 3's legacy h5)
 * and Keras 3 `.keras` zips (config.json + model.weights.h5). Layers are matched by name, never by the
 * HDF5 group order (alphabetical, so dense_10 comes before dense_2).
 */
import * as tf from "@tensorflow/tfjs";
import { unzipSync } from "fflate";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseJson } from "../io/json";
import { messages } from "../messages";
import { disposingOnFailure } from "./cleanup";
import { closeH5, openH5, readingH5, stringAttr, stringsAttr, type H5Dataset, type H5Group } from "./hdf5";
import { normaliseKerasConfig } from "./keras_config";

/** Options of {@link loadKeras}. */
export interface LoadKerasOptions {
  /** Load only weights into this model (for weights-only files, or to reuse an architecture you built). */
  model?: tf.LayersModel;
  /** Compile the model with the file's training config (optimizer, loss, metrics) when it has one. Default true. */
  compile?: boolean;
}

type Node = H5Group;
const fn = "loadKeras";

function child(group: Node, name: string): H5Group | H5Dataset | null {
  try {
    return (group.get(name) as H5Group | H5Dataset | null) ?? null;
  } catch {
    return null;
  }
}

function isDataset(v: unknown): v is H5Dataset {
  return (
    !!v &&
    typeof (v as { shape?: unknown }).shape !== "undefined" &&
    typeof (v as { keys?: unknown }).keys !== "function"
  );
}

function toTensor(ds: H5Dataset, what: string): tf.Tensor {
  const value = ds.value as unknown;
  const shape = ds.shape ?? [];
  if (value instanceof Float32Array) return tf.tensor(value, shape, "float32");
  if (
    value instanceof Float64Array ||
    value instanceof Int32Array ||
    value instanceof Uint8Array ||
    value instanceof Int16Array
  )
    return tf.tensor(Float32Array.from(value as ArrayLike<number>), shape, "float32");
  if (typeof value === "number") return tf.scalar(value);
  throw new Error(messages.kerasWeightType(fn, what, ds.dtype));
}

/** A weight named in weight_names: stored at that path, with or without Keras 2's ":0" suffix. */
function findWeight(group: Node, name: string): H5Dataset | null {
  for (const candidate of [name, name.replace(/:0$/, ""), `${name}:0`]) {
    const hit = child(group, candidate);
    if (isDataset(hit)) return hit;
  }
  return null;
}

function assign(layer: tf.layers.Layer, values: tf.Tensor[], where: string): void {
  const expected = layer.weights;
  if (expected.length !== values.length) {
    throw new Error(
      messages.kerasWeightCount(fn, layer.name, layer.getClassName(), expected.length, where, values.length),
    );
  }
  expected.forEach((w, i) => {
    if (w.shape.join(",") !== values[i]!.shape.join(",")) {
      throw new Error(messages.kerasWeightShape(fn, w.name, layer.name, w.shape, where, values[i]!.shape));
    }
  });
  layer.setWeights(values);
}

const weighted = (model: tf.LayersModel) => model.layers.filter((l) => l.weights.length > 0);

/** Keras 2 / legacy h5 weights: `layer_names` on the group, `weight_names` on each layer group. */
function loadH5Weights(model: tf.LayersModel, root: Node): void {
  const names = stringsAttr(root, "layer_names");
  if (!names) throw new Error(messages.kerasNoLayerNames(fn));
  const stored = names.map((name) => {
    const group = child(root, name) as Node | null;
    const weightNames = group ? (stringsAttr(group, "weight_names") ?? []) : [];
    return { name, group, weightNames };
  });
  const withWeights = stored.filter((s) => s.weightNames.length > 0);
  const byName = new Map(model.layers.map((l) => [l.name, l]));
  const targets = weighted(model);
  const matchByName = withWeights.every((s) => byName.has(s.name));
  if (!matchByName && withWeights.length !== targets.length) {
    throw new Error(
      messages.kerasLayersDiffer(
        fn,
        withWeights.map((s) => s.name),
        targets.length,
      ),
    );
  }
  const disposables: tf.Tensor[] = [];
  try {
    withWeights.forEach((s, i) => {
      const layer = matchByName ? byName.get(s.name)! : targets[i]!;
      const values = s.weightNames.map((w) => {
        const ds = findWeight(s.group!, w);
        if (!ds) throw new Error(messages.kerasWeightNotStored(fn, w, s.name));
        const t = toTensor(ds, `${s.name}/${w}`);
        disposables.push(t);
        return t;
      });
      assign(layer, values, `the file's group ${JSON.stringify(s.name)}`);
    });
  } finally {
    tf.dispose(disposables);
  }
}

/** Natural order of Keras's automatic names: dense, dense_1, dense_2, ..., dense_10. */
function naturalOrder(a: string, b: string): number {
  const split = (s: string) => /^(.*?)(?:_(\d+))?$/.exec(s)!;
  const [, pa, na] = split(a);
  const [, pb, nb] = split(b);
  return pa === pb ? Number(na ?? -1) - Number(nb ?? -1) : 0;
}

/** Keras 3 weights: layers/<name>/vars/0, 1, ... (or _layer_checkpoint_dependencies/... in Keras 3.0). */
function loadKeras3Weights(model: tf.LayersModel, file: Node): void {
  const container = (child(file, "layers") ?? child(file, "_layer_checkpoint_dependencies")) as Node | null;
  if (!container) throw new Error(messages.kerasNoLayersGroup(fn));
  const groups = container.keys().map((key) => {
    const g = container.get(key) as Node;
    const vars = child(g, "vars") as Node | null;
    const count = vars ? vars.keys().length : 0;
    return { key, group: g, vars, count, storedName: stringAttr(g, "name") };
  });
  const unused = new Set(groups.filter((g) => g.count > 0));
  const targets = weighted(model);
  const ordered = [...unused].sort((a, b) => naturalOrder(a.key, b.key));
  const disposables: tf.Tensor[] = [];
  try {
    targets.forEach((layer, i) => {
      const hit =
        [...unused].find((g) => g.key === layer.name) ??
        [...unused].find((g) => g.storedName === layer.name) ??
        ordered.filter((g) => unused.has(g))[0];
      if (!hit || !unused.has(hit)) throw new Error(messages.kerasNoWeightsForLayer(fn, layer.name, i));
      unused.delete(hit);
      const values = Array.from({ length: hit.count }, (_, k) => {
        const ds = child(hit.vars!, String(k));
        if (!isDataset(ds)) throw new Error(messages.kerasVarMissing(fn, hit.key, k));
        const t = toTensor(ds, `${hit.key}/vars/${k}`);
        disposables.push(t);
        return t;
      });
      assign(layer, values, `the file's group layers/${hit.key}`);
    });
  } finally {
    tf.dispose(disposables);
  }
}

const lossNames: Record<string, string> = {
  categorical_crossentropy: "categoricalCrossentropy",
  sparse_categorical_crossentropy: "sparseCategoricalCrossentropy",
  binary_crossentropy: "binaryCrossentropy",
  mean_squared_error: "meanSquaredError",
  mse: "meanSquaredError",
  mean_absolute_error: "meanAbsoluteError",
  mae: "meanAbsoluteError",
};

/** Compile from a Keras training_config (optimizer, loss, metrics) when tfjs has them all; report whether it did. */
export function compileFromTrainingConfig(model: tf.LayersModel, config: Record<string, unknown>): boolean {
  const opt = config["optimizer_config"] as { class_name?: string; config?: Record<string, unknown> } | undefined;
  const lossRaw = config["loss"];
  const loss = typeof lossRaw === "string" ? (lossNames[lossRaw] ?? lossRaw) : undefined;
  if (!opt?.class_name || !loss) return false;
  const c = opt.config ?? {};
  const lr = Number(c["learning_rate"] ?? c["lr"] ?? NaN);
  const rate = Number.isFinite(lr) ? lr : undefined;
  const name = opt.class_name.toLowerCase();
  let optimizer: tf.Optimizer;
  if (name === "adam")
    optimizer = tf.train.adam(
      rate ?? 0.001,
      Number(c["beta_1"] ?? 0.9),
      Number(c["beta_2"] ?? 0.999),
      Number(c["epsilon"] ?? 1e-7),
    );
  else if (name === "sgd")
    optimizer =
      Number(c["momentum"] ?? 0) > 0
        ? tf.train.momentum(rate ?? 0.01, Number(c["momentum"]))
        : tf.train.sgd(rate ?? 0.01);
  else if (name === "rmsprop")
    optimizer = tf.train.rmsprop(
      rate ?? 0.001,
      Number(c["rho"] ?? 0.9),
      Number(c["momentum"] ?? 0),
      Number(c["epsilon"] ?? 1e-7),
    );
  else return false;
  const metricsRaw = config["metrics"];
  const metrics = (Array.isArray(metricsRaw) ? metricsRaw.flat() : [])
    .map((m) =>
      typeof m === "string"
        ? m === "acc"
          ? "accuracy"
          : m
        : ((m as { config?: { name?: string } })?.config?.name ?? ""),
    )
    .filter((m) => m === "accuracy");
  model.compile({ optimizer, loss, metrics });
  return true;
}

/** The model a Keras config describes (`what` names where the config came from, for errors). */
async function buildModel(config: unknown, what: string): Promise<tf.LayersModel> {
  try {
    const topology = normaliseKerasConfig(config as never);
    return await disposingOnFailure(() => tf.models.modelFromJSON({ modelTopology: topology }));
  } catch (e) {
    if (e instanceof Error && e.message.startsWith(`${fn}: `)) throw e;
    throw new Error(messages.kerasConfigRejected(fn, what, (e as Error).message), { cause: e });
  }
}

/** A JSON text from the file (an attribute, or config.json), or deepdeck's error saying which and where. */
function jsonIn(text: string, what: string): Record<string, unknown> {
  const parsed = parseJson(text);
  if (!parsed.ok) {
    const { reason, line, column } = parsed.problem;
    throw new Error(messages.jsonInvalid(fn, what, reason, line, column));
  }
  const v = parsed.value;
  if (!v || typeof v !== "object" || Array.isArray(v)) throw new Error(messages.jsonNotObject(fn, what, v));
  return v as Record<string, unknown>;
}

/** Run `load` on a model built here, disposing it when loading fails part way. */
async function disposeOnFailure<T>(model: tf.LayersModel, built: boolean, load: () => T | Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (e) {
    if (built) model.dispose();
    throw e;
  }
}

async function loadH5(path: string, options: LoadKerasOptions): Promise<tf.LayersModel> {
  const file = await openH5(path, "r", fn);
  try {
    const modelConfig = await readingH5(fn, path, () => stringAttr(file, "model_config"));
    let model = options.model;
    if (!model) {
      if (!modelConfig) throw new Error(messages.kerasWeightsOnly(fn, path));
      const what = `the model_config attribute of ${path}`;
      model = await buildModel(jsonIn(modelConfig, what), what);
    }
    const target = model;
    return await disposeOnFailure(target, !options.model, async () => {
      await readingH5(fn, path, () => loadH5Weights(target, (child(file, "model_weights") as Node | null) ?? file));
      const training = await readingH5(fn, path, () => stringAttr(file, "training_config"));
      if (!options.model && options.compile !== false && training)
        compileFromTrainingConfig(target, jsonIn(training, `the training_config attribute of ${path}`));
      return target;
    });
  } finally {
    closeH5(file);
  }
}

async function loadKerasZip(path: string, options: LoadKerasOptions): Promise<tf.LayersModel> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(readFileSync(path));
  } catch (e) {
    throw new Error(messages.kerasZipInvalid(fn, path, (e as Error).message));
  }
  const weights = entries["model.weights.h5"];
  if (!weights) throw new Error(messages.kerasZipNoWeights(fn, path, Object.keys(entries)));
  let model = options.model;
  let config: Record<string, unknown> | undefined;
  if (!model) {
    const configBytes = entries["config.json"];
    if (!configBytes) throw new Error(messages.kerasZipNoConfig(fn, path));
    const what = `config.json in ${path}`;
    config = jsonIn(new TextDecoder().decode(configBytes), what);
    model = await buildModel(config, what);
  }
  const target = model;
  return disposeOnFailure(target, !options.model, async () => {
    await loadZipWeights(target, weights, path);
    compileFromZipConfig(target, config, options);
    return target;
  });
}

/** model.weights.h5 of a .keras zip into `model`. h5wasm reads files from disk: a private temporary folder. */
async function loadZipWeights(model: tf.LayersModel, weights: Uint8Array, path: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "deepdeck-keras-"));
  const shown = `model.weights.h5 in ${path}`;
  try {
    const file = join(dir, "model.weights.h5");
    writeFileSync(file, weights);
    const f = await openH5(file, "r", fn, shown);
    try {
      await readingH5(fn, shown, () => loadKeras3Weights(model, f));
    } finally {
      closeH5(f);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function compileFromZipConfig(
  model: tf.LayersModel,
  config: Record<string, unknown> | undefined,
  options: LoadKerasOptions,
): void {
  const compileConfig = config?.["compile_config"] as Record<string, unknown> | undefined;
  if (compileConfig && options.compile !== false) {
    const optimizer = compileConfig["optimizer"] as
      { class_name?: string; config?: Record<string, unknown> } | undefined;
    compileFromTrainingConfig(model, { ...compileConfig, optimizer_config: optimizer });
  }
}

/**
 * Load a model saved by Keras (`model.save("x.h5")`, `model.save("x.keras")`) or R keras
 * (`save_model_hdf5`). With `{ model }`, load only the weights into that model.
 *
 * @example const model = await dd.loadKeras("mnist_model.h5");
 */
export async function loadKeras(path: string, options: LoadKerasOptions = {}): Promise<tf.LayersModel> {
  if (typeof path !== "string" || path === "") throw new TypeError(messages.kerasPathType(fn, path));
  if (!existsSync(path)) throw new Error(messages.pathMissing(fn, path));
  if (options.model !== undefined && !(options.model instanceof tf.LayersModel))
    throw new TypeError(messages.kerasOptionModel(fn, options.model));
  const lower = path.toLowerCase();
  if (lower.endsWith(".keras")) return loadKerasZip(path, options);
  if (lower.endsWith(".h5") || lower.endsWith(".hdf5") || lower.endsWith(".weights.h5")) {
    const head = readFileSync(path).subarray(0, 8);
    if (!(head[0] === 0x89 && head[1] === 0x48 && head[2] === 0x44 && head[3] === 0x46))
      throw new Error(messages.notHdf5(fn, path));
    return loadH5(path, options);
  }
  throw new Error(messages.kerasExtension(fn, path));
}
