import { describe, shapeText } from "./describe";

/** Messages of the models wing: Keras files (.h5, .keras), Keras configs and tfjs model folders. */
export const models = {
  pathMissing: (fn: string, path: string) => `${fn}: ${path} does not exist.`,

  // Reading Keras weights.
  kerasWeightType: (fn: string, weight: string, dtype: unknown) =>
    `${fn}: weight ${weight} has a type deepdeck cannot read (${JSON.stringify(dtype)}).`,
  /** `where` names the place in the file the weights came from. */
  kerasWeightCount: (fn: string, layer: string, className: string, expected: number, where: string, held: number) =>
    `${fn}: layer ${JSON.stringify(layer)} (${className}) has ${expected} weights but ${where} holds ${held}.`,
  kerasWeightShape: (
    fn: string,
    weight: string,
    layer: string,
    expected: readonly (number | null)[],
    where: string,
    held: readonly number[],
  ) =>
    `${fn}: weight ${weight} of layer ${JSON.stringify(layer)} has shape ${shapeText(expected)} but ${where} holds ${shapeText(held)}.`,
  kerasNoLayerNames: (fn: string) => `${fn}: the file has no layer_names attribute; it is not a Keras weights file.`,
  kerasLayersDiffer: (fn: string, fileLayers: readonly string[], modelLayers: number) =>
    `${fn}: the file has weights for ${fileLayers.length} layers (${fileLayers.join(", ")}) but the model has ${modelLayers} layers with weights, and their names differ.`,
  kerasWeightNotStored: (fn: string, weight: string, layer: string) =>
    `${fn}: weight ${JSON.stringify(weight)} of layer ${JSON.stringify(layer)} is listed in weight_names but not stored in the file.`,
  kerasNoLayersGroup: (fn: string) =>
    `${fn}: model.weights.h5 has no "layers" group; it is not a Keras 3 weights file.`,
  kerasNoWeightsForLayer: (fn: string, layer: string, index: number) =>
    `${fn}: no weights in the file for layer ${JSON.stringify(layer)} (#${index}).`,
  kerasVarMissing: (fn: string, key: string, k: number) => `${fn}: layers/${key}/vars/${k} is missing.`,
  kerasWeightsOnly: (fn: string, path: string) =>
    `${fn}: ${path} holds only weights (no model_config); build the model and pass it: dd.loadKeras(path, { model }).`,
  kerasZipInvalid: (fn: string, path: string, why: string) => `${fn}: ${path} is not a valid .keras (zip) file: ${why}`,
  kerasZipNoWeights: (fn: string, path: string, files: readonly string[]) =>
    `${fn}: ${path} has no model.weights.h5; files in it: ${files.join(", ")}.`,
  kerasZipNoConfig: (fn: string, path: string) => `${fn}: ${path} has no config.json.`,
  kerasPathType: (fn: string, path: unknown) => `${fn}: path must be a file path, received ${describe(path)}.`,
  kerasOptionModel: (fn: string, model: unknown) =>
    `${fn}: option model must be a tf.LayersModel, received ${describe(model)}.`,
  notHdf5: (fn: string, path: string) => `${fn}: ${path} is not an HDF5 file (no \\x89HDF signature).`,
  kerasExtension: (fn: string, path: string) => `${fn}: ${path} should end in .h5, .hdf5 or .keras.`,

  // Keras model configs.
  /** A layer tfjs has no class for; `model` names the model it is in. */
  kerasUnsupportedLayer: (name: unknown, model: string, className: string, supported: readonly string[]) =>
    `loadKeras: layer ${JSON.stringify(name)} of ${model} is a ${className}, which TensorFlow.js cannot build (supported here: ${supported.join(", ")}, and the other core Keras layers tfjs implements).`,
  kerasNoClassName: () => "loadKeras: the model config has no class_name; it is not a Keras model config.",
  kerasNotRebuildable: (className: unknown) =>
    `loadKeras: the model is a ${String(className)}; only Sequential and Functional models can be rebuilt (subclassed models have no config).`,

  // Writing Keras weights.
  kerasSaveModel: (fn: string, model: unknown) => `${fn}: model must be a tf.LayersModel, received ${describe(model)}.`,
  kerasSavePath: (fn: string, path: unknown) => `${fn}: path must end in .h5 or .hdf5, received ${describe(path)}.`,

  // tfjs model folders (model.json and weight shards).
  folderPathType: (fn: string, dir: unknown) => `${fn}: dir must be a folder path, received ${describe(dir)}.`,
  tfjsNoModelJson: (fn: string, dir: string) =>
    `${fn}: ${dir} has no model.json; is it a folder written by dd.saveModel or tfjs's model.save?`,
  tfjsBadJson: (fn: string, file: string, why: string) =>
    `${fn}: ${file} is not valid JSON (${why}); the file is damaged.`,
  tfjsNotModelJson: (fn: string, file: string) =>
    `${fn}: ${file} lacks modelTopology or weightsManifest; it is not a tfjs model.json.`,
  tfjsShardMissing: (fn: string, shard: string) => `${fn}: weight file ${shard} listed in model.json is missing.`,
  tfjsShardBytes: (fn: string, dir: string, total: number, expected: number) =>
    `${fn}: the weight files in ${dir} hold ${total} bytes, but model.json describes ${expected}; a shard is truncated or from another model.`,
  saveModelDirIsFile: (dir: string) => `saveModel: ${dir} is a file; give a folder path.`,
  loadModelFailed: (dir: string, why: string) => `loadModel: ${dir} could not be loaded: ${why}`,
  badFitWorkers: (value: string) =>
    `DEEPDECK_FIT_WORKERS=${value} is not a number of worker threads; use a whole number (0 = fit on the main thread only).`,
  fitWorkerFailed: (why: string) => `model.fit: a worker thread training its share of the batch failed: ${why}`,
} as const;
