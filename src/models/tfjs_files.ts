/**
 * Saving and loading models in TensorFlow.js's own format (model.json + weight shards) on disk, on
 * every backend: tfjs's `file://` handler comes only with tfjs-node, so deepdeck has its own IO handler.
 * Writes go to a temporary folder that replaces the target in one rename.
 */
import * as tf from "@tensorflow/tfjs";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { replaceDirAtomic } from "../io/atomic_write";
import { parseJson } from "../io/json";
import { messages } from "../messages";
import { bool, checkKnownKeys } from "../options";
import { modelFromTopology } from "./cleanup";
import { ownOptimizer } from "./training_config";
import { saveError } from "../io/save_errors";

const shardBytes = 4 * 1024 * 1024;

/** Options of {@link saveModel}. */
export interface SaveModelOptions {
  /** Also save the optimizer's state (Adam's moments...), to resume training exactly. Default true. */
  includeOptimizer?: boolean;
}

/** What {@link saveModel} wrote. */
export interface SavedModelInfo {
  dir: string;
  files: string[];
  bytes: number;
}

function concatWeights(data: tf.io.WeightData | undefined): ArrayBuffer {
  if (data === undefined) return new ArrayBuffer(0);
  return tf.io.CompositeArrayBuffer.join(data);
}

/** An IO handler that writes model.json and weight shards into `dir`. */
export function fileSaveHandler(
  dir: string,
  written: (info: SavedModelInfo) => void = () => {},
  fn = "saveModel",
): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      const target = resolve(dir);
      try {
        writeModelDir(target, artifacts, written);
      } catch (e) {
        throw saveError(fn, dir, e);
      }
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
  };
}

/** model.json and the shards, written into a temporary folder that then replaces `target` whole. */
function writeModelDir(target: string, artifacts: tf.io.ModelArtifacts, written: (info: SavedModelInfo) => void): void {
  const weights = new Uint8Array(concatWeights(artifacts.weightData));
  const count = Math.max(1, Math.ceil(weights.byteLength / shardBytes));
  const paths = Array.from({ length: count }, (_, i) => `group1-shard${i + 1}of${count}.bin`);
  replaceDirAtomic(target, (tmp) => {
    paths.forEach((p, i) => writeFileSync(join(tmp, p), weights.subarray(i * shardBytes, (i + 1) * shardBytes)));
    const modelJson: tf.io.ModelJSON = {
      modelTopology: artifacts.modelTopology as object,
      format: artifacts.format ?? "layers-model",
      generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
      convertedBy: "deepdeck",
      weightsManifest: [{ paths, weights: artifacts.weightSpecs ?? [] }],
      ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
      ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
    };
    writeFileSync(join(tmp, "model.json"), JSON.stringify(modelJson));
  });
  written({ dir: target, files: ["model.json", ...paths], bytes: weights.byteLength });
}

const shapeOk = (s: unknown) =>
  Array.isArray(s) && s.every((d) => Number.isInteger(d) && (d as number) >= 0 && (d as number) < 2 ** 31);

/** A weightsManifest group as tfjs writes it: shard paths and weight specs with names, shapes and dtypes. */
function validGroup(g: unknown): g is tf.io.WeightsManifestConfig[number] {
  if (!g || typeof g !== "object") return false;
  const { paths, weights } = g as { paths?: unknown; weights?: unknown };
  return (
    Array.isArray(paths) &&
    paths.every((p) => typeof p === "string" && p !== "" && !p.includes("\0")) &&
    Array.isArray(weights) &&
    weights.every(
      (w) =>
        !!w &&
        typeof w === "object" &&
        typeof (w as { name?: unknown }).name === "string" &&
        typeof (w as { dtype?: unknown }).dtype === "string" &&
        shapeOk((w as { shape?: unknown }).shape),
    )
  );
}

/** Read model.json and its shards from `dir`, with errors that name the broken file. */
export function readModelArtifacts(dir: string, fn = "loadModel"): tf.io.ModelArtifacts {
  const file = join(dir, "model.json");
  if (!existsSync(dir)) throw new Error(messages.pathMissing(fn, dir));
  if (!existsSync(file)) throw new Error(messages.tfjsNoModelJson(fn, dir));
  const parsed = parseJson(readFileSync(file, "utf8"));
  if (!parsed.ok) {
    const { reason, line, column } = parsed.problem;
    throw new Error(messages.jsonInvalid(fn, file, reason, line, column));
  }
  const json = parsed.value as tf.io.ModelJSON;
  if (!json || typeof json !== "object" || !json.modelTopology || !Array.isArray(json.weightsManifest)) {
    throw new Error(messages.tfjsNotModelJson(fn, file));
  }
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Uint8Array[] = [];
  for (const group of json.weightsManifest as unknown[]) {
    if (!validGroup(group)) throw new Error(messages.tfjsBadManifest(fn, file));
    specs.push(...group.weights);
    for (const p of group.paths) {
      // A model.json names files beside it: `../x.bin` or `/etc/x` would read, and lend weights from, elsewhere.
      const shard = resolve(dir, p);
      const within = relative(resolve(dir), shard);
      if (isAbsolute(p) || within === "" || within === ".." || within.startsWith(`..${sep}`) || isAbsolute(within))
        throw new Error(messages.tfjsShardOutside(fn, file, p));
      if (!existsSync(shard)) throw new Error(messages.tfjsShardMissing(fn, shard));
      buffers.push(readFileSync(shard));
    }
  }
  const total = buffers.reduce((s, b) => s + b.byteLength, 0);
  const bytesPerValue: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };
  const expected = specs.reduce(
    (s, w) =>
      s +
      w.shape.reduce((a, b) => a * b, 1) *
        (w.quantization ? (bytesPerValue[w.quantization.dtype] ?? 4) : (bytesPerValue[w.dtype] ?? 4)),
    0,
  );
  if (total !== expected) throw new Error(messages.tfjsShardBytes(fn, dir, total, expected));
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    weightData.set(b, offset);
    offset += b.byteLength;
  }
  return {
    modelTopology: json.modelTopology,
    weightSpecs: specs,
    weightData: weightData.buffer,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    ...(json.trainingConfig ? { trainingConfig: json.trainingConfig } : {}),
    ...(json.userDefinedMetadata ? { userDefinedMetadata: json.userDefinedMetadata } : {}),
  };
}

/**
 * Save a model as model.json + weight shards in `dir` (created, or replaced whole).
 *
 * @example await dd.saveModel(model, "mnist_model")
 */
export async function saveModel(
  model: tf.LayersModel,
  dir: string,
  options: SaveModelOptions = {},
): Promise<SavedModelInfo> {
  if (!(model instanceof tf.LayersModel)) throw new TypeError(messages.notALayersModel("saveModel", model));
  if (typeof dir !== "string" || dir === "") throw new TypeError(messages.folderPathType("saveModel", dir));
  checkKnownKeys("saveModel", options, ["includeOptimizer"]);
  if (options.includeOptimizer !== undefined) bool("saveModel", "includeOptimizer", options.includeOptimizer);
  if (existsSync(dir) && !statSync(dir).isDirectory())
    throw new Error(messages.saveFailed("saveModel", dir, messages.saveTargetIsFile()));
  let info: SavedModelInfo | undefined;
  const includeOptimizer = options.includeOptimizer ?? model.optimizer != null;
  const iterations = includeOptimizer && model.optimizer ? catchIterations(model.optimizer) : null;
  try {
    await model.save(
      fileSaveHandler(dir, (i) => (info = i)),
      { includeOptimizer },
    );
  } finally {
    iterations?.release();
  }
  return info!;
}

/**
 * tfjs's optimizers hand `model.save` a fresh scalar of their iteration count that nothing disposes
 * (one tensor per save). Catch it on this optimizer instance for the length of one save.
 */
function catchIterations(optimizer: tf.Optimizer): { release(): void } {
  const own = Object.prototype.hasOwnProperty.call(optimizer, "getWeights");
  const original = Object.getOwnPropertyDescriptor(optimizer, "getWeights");
  const getWeights = optimizer.getWeights.bind(optimizer);
  const made: tf.Tensor[] = [];
  optimizer.getWeights = async () => {
    const weights = await getWeights();
    const iter = weights.find((w) => w.name === "iter");
    if (iter) made.push(iter.tensor);
    return weights;
  };
  return {
    release() {
      if (own && original) Object.defineProperty(optimizer, "getWeights", original);
      else delete (optimizer as { getWeights?: unknown }).getWeights;
      tf.dispose(made);
    },
  };
}

/**
 * What tf.loadLayersModel does with a model's artifacts, except that a failure leaves nothing behind: tfjs
 * decodes every weight before it checks their names and shapes against the model, and when that check
 * fails the decoded tensors stay in memory. Here they are freed whatever happens, and so is the model.
 */
async function modelFromArtifacts(artifacts: tf.io.ModelArtifacts): Promise<tf.LayersModel> {
  const model = await modelFromTopology(artifacts.modelTopology);
  try {
    // model.json's training config is the one tfjs-layers wrote (core's type for it is looser).
    if (artifacts.trainingConfig)
      model.loadTrainingConfig(artifacts.trainingConfig as Parameters<tf.LayersModel["loadTrainingConfig"]>[0]);
    ownOptimizer(model);
    if (artifacts.userDefinedMetadata) model.setUserDefinedMetadata(artifacts.userDefinedMetadata);
    if (artifacts.weightData) await fillWeights(model, artifacts.weightData, artifacts.weightSpecs ?? []);
    return model;
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/** Set the model's weights, and its optimizer's state (the specs in group "optimizer"), from the shards' bytes. */
async function fillWeights(
  model: tf.LayersModel,
  data: tf.io.WeightData,
  specs: tf.io.WeightsManifestEntry[],
): Promise<void> {
  const decoded = tf.io.decodeWeights(data, specs);
  try {
    const optimizerNames = new Set(specs.filter((s) => s.group === "optimizer").map((s) => s.name));
    const modelWeights: tf.NamedTensorMap = {};
    const optimizerWeights: { name: string; tensor: tf.Tensor }[] = [];
    for (const [name, tensor] of Object.entries(decoded)) {
      if (optimizerNames.has(name)) optimizerWeights.push({ name, tensor });
      else modelWeights[name] = tensor;
    }
    model.loadWeights(modelWeights, true);
    if (optimizerWeights.length > 0) await model.optimizer?.setWeights(optimizerWeights);
  } finally {
    tf.dispose(Object.values(decoded));
  }
}

/**
 * Load a model saved by {@link saveModel} (or tfjs's `model.save("file://...")`), compiled again when it
 * was saved compiled, with its optimizer state when saved.
 */
export async function loadModel(dir: string): Promise<tf.LayersModel> {
  if (typeof dir !== "string" || dir === "") throw new TypeError(messages.folderPathType("loadModel", dir));
  const artifacts = readModelArtifacts(dir);
  try {
    return await modelFromArtifacts(artifacts);
  } catch (e) {
    throw new Error(messages.loadModelFailed(dir, (e as Error).message), { cause: e });
  }
}
