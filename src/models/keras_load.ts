/**
 * Loading models saved by Keras, tf.keras and R keras: HDF5 files (Keras 2, and Keras 3's legacy h5)
 * Keras 3 `.keras` zips (config.json + model.weights.h5) and Keras 3 `.weights.h5`. Weights are matched
 * by the file's own structure (src/models/keras3_weights.ts, src/models/legacy_h5_weights.ts), never by
 * position alone; a model built here is disposed again when its weights do not load.
 */
import * as tf from "@tensorflow/tfjs";
import { unzipSync } from "fflate";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { parseJson } from "../io/json";
import { messages } from "../messages";
import { bool, checkKnownKeys } from "../options";
import { modelFromTopology } from "./cleanup";
import { closeH5, openH5, readingH5, stringAttr, type H5Group } from "./hdf5";
import { child, isGroup } from "./h5_nodes";
import { loadKeras3Weights } from "./keras3_weights";
import { normaliseKerasConfig } from "./keras_config";
import { loadLegacyWeights } from "./legacy_h5_weights";
import { compileFromTrainingConfig } from "./training_config";

/** Options of {@link loadKeras}. */
export interface LoadKerasOptions {
  /** Load only weights into this model (for weights-only files, or to reuse an architecture you built). */
  model?: tf.LayersModel;
  /** Compile the model with the file's training config (optimizer, loss, metrics) when it has one. Default true. */
  compile?: boolean;
}

const fn = "loadKeras";

/** The model a Keras config describes (`what` names where the config came from, for errors). */
async function buildModel(config: unknown, file: string, what: string): Promise<tf.LayersModel> {
  try {
    const topology = normaliseKerasConfig(config as never, file);
    return await modelFromTopology(topology);
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

/** Build (unless the caller gave a model) and fill; what was built is disposed if filling fails. */
async function buildAndFill(
  given: tf.LayersModel | undefined,
  config: () => unknown,
  file: string,
  what: string,
  fill: (model: tf.LayersModel) => void | Promise<void>,
): Promise<tf.LayersModel> {
  const model = given ?? (await buildModel(config(), file, what));
  try {
    await fill(model);
    return model;
  } catch (e) {
    if (!given) model.dispose();
    throw e;
  }
}

async function loadH5(path: string, options: LoadKerasOptions): Promise<tf.LayersModel> {
  const file = await openH5(path, "r", fn);
  try {
    const modelConfig = await readingH5(fn, path, () => stringAttr(file, "model_config"));
    if (!options.model && !modelConfig) throw new Error(messages.kerasWeightsOnly(fn, path));
    const what = `the model_config attribute of ${path}`;
    const model = await buildAndFill(
      options.model,
      () => jsonIn(modelConfig!, what),
      path,
      what,
      (m) =>
        readingH5(fn, path, () => {
          const weightsRoot = child(file, "model_weights");
          const root: H5Group = isGroup(weightsRoot) ? weightsRoot : file;
          // Keras 3's .weights.h5 stores layers/<path>/vars/<i>; Keras 2 and legacy .h5 use layer_names.
          if (!isGroup(weightsRoot) && isGroup(child(file, "layers"))) loadKeras3Weights(fn, m, file, path);
          else loadLegacyWeights(fn, m, root, path);
        }),
    );
    try {
      const training = await readingH5(fn, path, () => stringAttr(file, "training_config"));
      if (!options.model && options.compile !== false && training)
        compileFromTrainingConfig(model, jsonIn(training, `the training_config attribute of ${path}`), path);
    } catch (e) {
      if (!options.model) model.dispose();
      throw e;
    }
    return model;
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
  const configBytes = entries["config.json"];
  if (!options.model && !configBytes) throw new Error(messages.kerasZipNoConfig(fn, path));
  const what = `config.json in ${path}`;
  const config = configBytes ? jsonIn(new TextDecoder().decode(configBytes), what) : undefined;
  const model = await buildAndFill(
    options.model,
    () => config,
    path,
    what,
    async (m) => {
      // h5wasm reads files from disk; the weights come out of the zip into a private temporary folder.
      const dir = mkdtempSync(join(tmpdir(), "deepdeck-keras-"));
      try {
        const file = join(dir, "model.weights.h5");
        writeFileSync(file, weights);
        const shown = `${basename(path)}/model.weights.h5`;
        const f = await openH5(file, "r", fn, `model.weights.h5 in ${path}`);
        try {
          await readingH5(fn, `model.weights.h5 in ${path}`, () => loadKeras3Weights(fn, m, f, shown));
        } finally {
          closeH5(f);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
  const compileConfig = config?.["compile_config"] as Record<string, unknown> | undefined;
  if (!options.model && compileConfig && options.compile !== false)
    compileFromTrainingConfig(model, compileConfig, path);
  return model;
}

/**
 * Load a model saved by Keras (`model.save("x.h5")`, `model.save("x.keras")`) or R keras
 * (`save_model_hdf5`). With `{ model }`, load only the weights into that model.
 *
 * @example const model = await dd.loadKeras("mnist_model.h5");
 */
export async function loadKeras(path: string, options: LoadKerasOptions = {}): Promise<tf.LayersModel> {
  if (typeof path !== "string" || path === "") throw new TypeError(messages.kerasPathType(fn, path));
  checkKnownKeys(fn, options, ["model", "compile"]);
  if (options.model !== undefined && !(options.model instanceof tf.LayersModel))
    throw new TypeError(messages.kerasOptionModel(fn, options.model));
  if (options.compile !== undefined) bool(fn, "compile", options.compile);
  if (!existsSync(path)) throw new Error(messages.pathMissing(fn, path));
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
