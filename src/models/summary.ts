/**
 * A model's summary as Keras 3 prints it (keras/src/utils/summary_utils.py, rendered by rich): the
 * `Model: "sequential"` line, a box-drawn table of layers with Keras's names (src/models/keras_names.ts),
 * output shapes like `(None, 26, 26, 32)` and parameter counts, a "Connected to" column for branching
 * functional models, then the parameter totals with their sizes, and "Optimizer params" once the
 * optimizer has taken a step, counted as Keras's optimizer of the same kind holds them.
 */
import * as tf from "@tensorflow/tfjs";
import { messages } from "../messages";
import { checkKnownKeys } from "../options";
import { boxTable, type BoxColumn } from "../format/box_table";
import { kerasClassName, kerasLayerNames, kerasModelName } from "./keras_names";

/** Options of {@link summary} and {@link summaryText}. */
export interface SummaryOptions {
  /**
   * Width of the table in characters, Keras's `line_length`. Default: 76, what Keras prints in a
   * notebook (its default is the terminal's width less 4, and a notebook's stdout reports 80 columns).
   */
  lineLength?: number;
}

const defaultLineLength = 76;

type Node = tf.layers.Layer["inboundNodes"][number];

/** Python's "{:,}". */
function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** Python's "{:.2f}", which rounds exact halves to even where toFixed rounds them up. */
function fixed2(x: number): string {
  const scaled = x * 100;
  if (Number.isInteger(scaled * 2) && !Number.isInteger(scaled)) {
    const down = Math.floor(scaled);
    return ((down % 2 === 0 ? down : down + 1) / 100).toFixed(2);
  }
  return x.toFixed(2);
}

/** Keras's readable_memory_size. */
function readableSize(bytes: number): string {
  let size = bytes;
  for (const unit of ["B", "KB", "MB", "GB", "TB"]) {
    if (size / 1024 < 1) return `${fixed2(size)} ${unit}`;
    size /= 1024;
  }
  return `${fixed2(size)} PB`;
}

function shapeText(shape: readonly (number | null)[]): string {
  return `(${shape.map((d) => (d === null ? "None" : String(d))).join(", ")})`;
}

/** Keras's format_layer_shape: the shapes of the layer's last call, `?` for a layer never called. */
function outputShape(layer: tf.layers.Layer): string {
  const node = layer.inboundNodes.at(-1);
  if (!node) return "?";
  const shapes = node.outputShapes;
  if (shapes.length > 0 && Array.isArray(shapes[0])) {
    const list = shapes as tf.Shape[];
    return list.length === 1 ? shapeText(list[0]!) : `[${list.map(shapeText).join(", ")}]`;
  }
  return shapeText(shapes as tf.Shape);
}

function paramsText(layer: tf.layers.Layer): string {
  return layer.built ? thousands(layer.countParams()) : "0 (unbuilt)";
}

function countOf(weights: readonly tf.LayerVariable[]): { count: number; bytes: number } {
  let count = 0;
  let bytes = 0;
  for (const w of new Set(weights)) {
    const n = w.shape.reduce<number>((a, b) => a * (b ?? 0), 1);
    count += n;
    bytes += n * (w.dtype === "bool" ? 1 : 4);
  }
  return { count, bytes };
}

/**
 * How many variables per trainable weight Keras's optimizer of the same kind keeps (Adam its two
 * moments, RMSprop its velocities, and momentums only with momentum), or null for one Keras lacks.
 */
function slotsPerWeight(optimizer: tf.Optimizer): number | null {
  const config = optimizer.getConfig() as { momentum?: number; centered?: boolean };
  switch (optimizer.getClassName()) {
    case "SGD":
      return 0;
    case "Momentum":
    case "Adagrad":
      return config.momentum === 0 ? 0 : 1;
    case "Adam":
    case "Adamax":
    case "Adadelta":
      return 2;
    case "RMSProp":
      return 1 + (config.momentum ? 1 : 0) + (config.centered ? 1 : 0);
    default:
      return null;
  }
}

/** Keras's optimizer variables once built: iterations (int64), the learning rate, and the slots. */
function optimizerParams(model: tf.LayersModel, trainable: number): { count: number; bytes: number } | null {
  // Undefined until the model is compiled.
  const optimizer = model.optimizer as tf.Optimizer | undefined;
  if (!optimizer || optimizer.iterations === 0) return null;
  const slots = slotsPerWeight(optimizer) ?? 0;
  return { count: 2 + slots * trainable, bytes: 8 + 4 + slots * trainable * 4 };
}

/** Keras's test for printing a functional model like a Sequential one: a chain with no branch and no shared layer. */
function chainLike(model: tf.LayersModel): boolean {
  if (model instanceof tf.Sequential) return true;
  const nodes: Node[] = Object.values(model.nodesByDepth).flat();
  for (const level of Object.values(model.nodesByDepth)) {
    if (level.length > 1 || (level.length === 1 && level[0]!.inboundLayers.length > 1)) return false;
  }
  return model.layers.every((layer) => layer.inboundNodes.filter((n) => nodes.includes(n)).length <= 1);
}

function connections(layer: tf.layers.Layer, model: tf.LayersModel, names: Map<tf.layers.Layer, string>): string {
  const relevant = new Set(Object.values(model.nodesByDepth).flat());
  const parts: string[] = [];
  for (const node of layer.inboundNodes) {
    if (relevant.size > 0 && !relevant.has(node)) continue;
    node.inboundLayers.forEach((inbound, i) => {
      parts.push(`${names.get(inbound) ?? inbound.name}[${node.nodeIndices[i]}][${node.tensorIndices[i]}]`);
    });
  }
  return parts.length > 0 ? parts.join(", ") : "-";
}

function assertModel(fn: string, model: unknown): asserts model is tf.LayersModel {
  if (!(model instanceof tf.LayersModel)) throw new TypeError(messages.summaryModel(fn, model));
}

/**
 * The text Keras 3 prints for `model.summary()` of the same model, without printing it.
 *
 * @example const text = dd.summaryText(model, { lineLength: 100 });
 */
export function summaryText(model: tf.LayersModel, options: SummaryOptions = {}): string {
  return summaryFor("summaryText", model, options);
}

/** The summary's text, with errors that speak as `fn` (summary or summaryText). */
function summaryFor(fn: string, model: tf.LayersModel, options: SummaryOptions): string {
  assertModel(fn, model);
  checkKnownKeys(fn, options, ["lineLength"]);
  const lineLength = options.lineLength ?? defaultLineLength;
  if (!Number.isInteger(lineLength) || lineLength < 20)
    throw new RangeError(messages.summaryLineLength(fn, lineLength));
  const chain = chainLike(model);
  const positions = chain ? [0.45, 0.8, 1.0] : [0.3, 0.56, 0.74, 1.0];
  const headers = ["Layer (type)", "Output Shape", "Param #", "Connected to"];
  const justify: BoxColumn["justify"][] = ["left", "left", "right", "left"];
  let current = 0;
  const columns = positions.map((pos, i): BoxColumn => {
    const width = Math.trunc(pos * lineLength) - current;
    current += width;
    return { header: headers[i]!, width, justify: justify[i]! };
  });
  const names = kerasLayerNames(model.layers);
  const rows = model.layers.map((layer) => {
    const cells = [`${names.get(layer)!} (${kerasClassName(layer)})`, outputShape(layer), paramsText(layer)];
    if (!chain) cells.push(connections(layer, model, names));
    return cells;
  });
  const trainable = countOf(model.trainableWeights);
  const frozen = countOf(model.nonTrainableWeights);
  const optimizer = optimizerParams(model, trainable.count);
  const total = {
    count: trainable.count + frozen.count + (optimizer?.count ?? 0),
    bytes: trainable.bytes + frozen.bytes + (optimizer?.bytes ?? 0),
  };
  const line = (label: string, c: { count: number; bytes: number }): string =>
    ` ${label}: ${thousands(c.count)} (${readableSize(c.bytes)})`;
  return [
    `Model: "${kerasModelName(model)}"`,
    ...boxTable(columns, rows, lineLength),
    line("Total params", total),
    line("Trainable params", trainable),
    line("Non-trainable params", frozen),
    ...(optimizer ? [line("Optimizer params", optimizer)] : []),
  ].join("\n");
}

/**
 * Print a model's summary as Keras 3 prints it: `conv2d (Conv2D)  (None, 26, 26, 32)  320`, then
 * "Total params: 93,322 (364.54 KB)". A model that ends a notebook cell shows the same text.
 * Returns nothing, so a cell that ends with it shows the summary once; {@link summaryText} returns it.
 *
 * Layers are named as in a fresh Keras session: the ones tfjs named itself (`conv2d_Conv2D1`) get
 * Keras's name for their class, numbered in the order they were created within the model (`conv2d`,
 * `conv2d_1`, ...); names given with `name:` are kept. The model is `sequential` or `functional`.
 *
 * @example dd.summary(model)
 */
export function summary(model: tf.LayersModel, options: SummaryOptions = {}): void {
  console.log(summaryFor("summary", model, options));
}

/**
 * How a model prints under `util.inspect` and `console.log` (src/install.ts puts it on
 * `tf.LayersModel.prototype[util.inspect.custom]`): the summary at the top level, one line when nested.
 */
export function inspectModel(this: tf.LayersModel, depth: number, options: { depth?: number | null }): string {
  const top = options.depth === null || options.depth === undefined || depth >= options.depth;
  try {
    if (top) return summaryText(this);
    return `${kerasClassName(this)} ${JSON.stringify(kerasModelName(this))} (${thousands(this.countParams())} params)`;
  } catch (e) {
    // Printing must never throw inside console.log; say what went wrong instead.
    return `${kerasClassName(this)} ${JSON.stringify(this.name)} (summary failed: ${(e as Error).message})`;
  }
}
