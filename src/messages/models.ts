import { describe, shapeText } from "./describe";

/** Messages of the models wing: Keras files (.h5, .keras), Keras configs and tfjs model folders. */
export const models = {
  pathMissing: (fn: string, path: string) => `${fn}: ${path} does not exist.`,

  // Damaged files: which file, what is wrong, what to do. HDF5's own words go in the error's cause.
  hdf5Unreadable: (fn: string, file: string) =>
    `${fn}: ${file} is damaged, truncated or not an HDF5 file: the HDF5 library cannot open it. Save or download it again.`,
  hdf5Damaged: (fn: string, file: string) =>
    `${fn}: ${file} is damaged or truncated: the HDF5 library failed while reading it. Save or download it again.`,
  hdf5Unwritable: (fn: string, file: string) => `${fn}: the HDF5 library cannot create ${file}.`,
  /** `what` names the file (or the entry or attribute in it); line and column are 1-based, null when unknown. */
  jsonInvalid: (fn: string, what: string, why: string, line: number | null, column: number | null) =>
    `${fn}: ${what} is not valid JSON (${why}${line === null ? "" : ` at line ${line}, column ${column}`}); the file is damaged: save or download it again.`,
  jsonNotObject: (fn: string, what: string, value: unknown) =>
    `${fn}: ${what} should be a JSON object, received ${describe(value)}; the file is damaged or of another kind.`,

  // Saving: the target is the path the user gave, never a temporary name.
  saveFailed: (fn: string, target: string, reason: string) =>
    `${fn}: cannot save to ${JSON.stringify(target)}: ${reason}.`,
  saveParentIsFile: (parent: string) => `its parent ${parent} is a file, not a folder; choose a path inside a folder`,
  saveTargetIsFile: () =>
    "it is a file, and saveModel writes a folder (model.json and weight files); give a folder path",
  saveTargetIsFolder: () => "it is a folder; give the path of a file to write",
  /** A folder that exists but where the system will not create anything (/proc, /sys). */
  saveCannotCreate: (folder: string) =>
    `the system does not let files be created in ${folder}; choose a path elsewhere`,
  saveReadOnly: (folder: string) => `${folder} is on a read-only file system`,
  saveNoPermission: (folder: string) => `you have no permission to write in ${folder}`,
  saveNoSpace: () => "the disk is full",
  saveTooLarge: () => "the file grew past the size this process may write (ulimit -f)",
  saveHdf5Failed: () => "the HDF5 library failed while writing it",
  saveSystemError: (code: string, syscall: string) => `the system refused (${code} in ${syscall})`,

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
  kerasNoLayerNames: (fn: string, file: string) =>
    `${fn}: ${file} has neither a layer_names attribute (Keras 2 and legacy .h5) nor a "layers" group (Keras 3 .weights.h5); it is not a Keras weights file.`,
  kerasLayersDiffer: (fn: string, file: string, fileLayers: readonly string[], modelLayers: number) =>
    `${fn}: ${file} has weights for ${fileLayers.length} layers (${fileLayers.join(", ")}) but the model has ${modelLayers} layers with weights, and their names differ.`,
  kerasWeightNotStored: (fn: string, weight: string, layer: string, file: string) =>
    `${fn}: weight ${JSON.stringify(weight)} of layer ${JSON.stringify(layer)} is listed in weight_names of ${file} but not stored there.`,
  kerasNoLayersGroup: (fn: string, file: string) =>
    `${fn}: ${file} has no "layers" group; it is not a Keras 3 weights file.`,
  kerasVarMissing: (fn: string, file: string, path: string) => `${fn}: ${file} has no dataset ${path}.`,
  /** Weights the file holds for layers the model does not have (by Keras 3 path). */
  kerasUnusedWeights: (fn: string, file: string, paths: readonly string[]) =>
    `${fn}: ${file} holds weights the model has no layer for (${paths.slice(0, 3).join(", ")}${paths.length > 3 ? `, and ${paths.length - 3} more` : ""}); it was saved from another architecture.`,
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
  /** A layer tfjs has no class for; `model` names the model it is in, `file` the file. */
  kerasUnsupportedLayer: (file: string, name: unknown, model: string, className: string) =>
    `loadKeras: ${file}: layer ${JSON.stringify(name)} (${className}) of model ${JSON.stringify(model)} has no TensorFlow.js implementation, so deepdeck cannot load this model.`,
  /** A layer option tfjs does not implement. */
  kerasUnsupportedOption: (
    file: string,
    name: unknown,
    className: string,
    option: string,
    value: unknown,
    fix: string,
  ) =>
    `loadKeras: ${file}: layer ${JSON.stringify(name)} (${className}) has ${option}=${JSON.stringify(value)}, which TensorFlow.js does not implement; ${fix}.`,
  kerasConfigRejected: (fn: string, what: string, why: string) =>
    `${fn}: TensorFlow.js cannot build the model that ${what} describes: ${why}`,
  kerasNoClassName: () => "loadKeras: the model config has no class_name; it is not a Keras model config.",
  kerasNotRebuildable: (className: unknown) =>
    `loadKeras: the model is a ${String(className)}; only Sequential and Functional models can be rebuilt (subclassed models have no config).`,

  // Writing Keras weights.
  kerasSaveModel: (fn: string, model: unknown) => `${fn}: model must be a tf.LayersModel, received ${describe(model)}.`,
  kerasSavePath: (fn: string, path: unknown) =>
    `${fn}: path must end in .keras (Keras 3) or .h5/.hdf5 (Keras 2 HDF5), received ${describe(path)}.`,

  // Compiling from a Keras training config (warnings: the model is loaded uncompiled).
  kerasCompileSkipped: (file: string, why: string) =>
    `loadKeras: ${file} is loaded uncompiled: ${why} Compile it yourself with model.compile(...).`,
  kerasCompileUnknown: (kind: string, name: string) => `TensorFlow.js has no ${kind} ${JSON.stringify(name)}.`,
  kerasCompileLossOption: (className: string, option: string, value: unknown) =>
    `its loss ${className} has ${option}=${JSON.stringify(value)}, which deepdeck cannot reproduce in TensorFlow.js.`,
  kerasCompileOptimizerOption: (className: string, option: string, value: unknown) =>
    `its optimizer ${className} has ${option}=${JSON.stringify(value)}, which TensorFlow.js's optimizers do not implement.`,
  kerasCompileMetricDropped: (name: string) =>
    `loadKeras: the metric ${JSON.stringify(name)} of the file's training config has no TensorFlow.js equivalent; the model is compiled without it.`,

  // Summaries, evaluation and predictions.
  summaryModel: (fn: string, model: unknown) =>
    `${fn}: model must be a tf.LayersModel (tf.sequential() or tf.model()), received ${describe(model)}.`,
  summaryLineLength: (fn: string, value: unknown) =>
    `${fn}: option lineLength must be a whole number of characters, at least 20, received ${describe(value)}.`,
  modelRefusedData: (fn: string, why: string) =>
    `${fn}: the model cannot take this data: ${why.replace(/\.?$/, ".")} Check x's shape against model.inputs and y's against model.outputs.`,
  notCompiled: (fn: string) =>
    `${fn}: the model is not compiled; call model.compile({ optimizer, loss, metrics }) first.`,
  oneOutputOnly: (fn: string, outputs: number) =>
    `${fn}: the model has ${outputs} outputs; ${fn} takes a model with one output (call model.predict for the others).`,
  predictClassesShape: (fn: string, shape: readonly (number | null)[]) =>
    `${fn}: the model's predictions have shape ${shapeText(shape)}; expected [samples, classes] (or [samples, 1] for a sigmoid output).`,

  // tfjs model folders (model.json and weight shards).
  folderPathType: (fn: string, dir: unknown) => `${fn}: dir must be a folder path, received ${describe(dir)}.`,
  tfjsNoModelJson: (fn: string, dir: string) =>
    `${fn}: ${dir} has no model.json; is it a folder written by dd.saveModel or tfjs's model.save?`,
  tfjsBadManifest: (fn: string, file: string) =>
    `${fn}: ${file} has a weightsManifest that is not tfjs's (each group needs paths and weights with name, shape, dtype); the file is damaged or of another kind.`,
  tfjsNotModelJson: (fn: string, file: string) =>
    `${fn}: ${file} lacks modelTopology or weightsManifest; it is not a tfjs model.json.`,
  tfjsShardOutside: (fn: string, file: string, shard: string) =>
    `${fn}: ${file} lists the weight file ${JSON.stringify(shard)}, which is outside its folder; a model.json may name only files in its own folder, so this one is damaged or not to be trusted.`,
  tfjsShardMissing: (fn: string, shard: string) => `${fn}: weight file ${shard} listed in model.json is missing.`,
  tfjsShardBytes: (fn: string, dir: string, total: number, expected: number) =>
    `${fn}: the weight files in ${dir} hold ${total} bytes, but model.json describes ${expected}; a shard is truncated or from another model.`,
  loadModelFailed: (dir: string, why: string) => `loadModel: ${dir} could not be loaded: ${why}`,
  badFitWorkers: (value: string) =>
    `DEEPDECK_FIT_WORKERS=${value} is not a number of worker threads; use a whole number (0 = fit on the main thread only).`,
  fitWorkerFailed: (why: string) => `model.fit: a worker thread training its share of the batch failed: ${why}`,
} as const;
