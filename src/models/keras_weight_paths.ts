/**
 * Where each weight of a tfjs model lives in a Keras 3 weights file (`model.weights.h5` inside a
 * `.keras`, or a `.weights.h5`), computed the way Keras 3's saving_lib walks a model: a model's layers
 * go under `layers/`, each keyed by its class name in snake case with a counter in layer order
 * (`dense`, `dense_1`, `conv2d`; never the layer's own name), a layer's own variables under `vars/0`,
 * `vars/1`, ..., and the layers a layer holds under the attribute that holds them (`cell` of an RNN,
 * `forward_layer`/`backward_layer` of Bidirectional, `layer` of TimeDistributed, `layers` of a nested
 * model). Keras orders a layer's variables as the table below says; tfjs names them, so each slot is
 * matched by name.
 */
import type * as tf from "@tensorflow/tfjs";
import { kerasSnakeCase } from "./keras_names";

/** A tfjs weight variable (tfjs-layers does not export the class). */
export type Variable = tf.layers.Layer["weights"][number];

/** One `vars` group of a Keras 3 weights file and the tfjs variables it holds, in the file's order. */
export interface VarsGroup {
  /** Path of the group holding `vars`, e.g. `layers/bidirectional/forward_layer/cell`. */
  path: string;
  /** The tfjs layer the variables belong to (for messages). */
  layer: tf.layers.Layer;
  variables: Variable[];
}

/** Keras's variable order per layer class, by tfjs's weight names; absent weights (no bias) drop out. */
const kerasVarOrder: Record<string, readonly string[]> = {
  Dense: ["kernel", "bias"],
  Conv1D: ["kernel", "bias"],
  Conv2D: ["kernel", "bias"],
  Conv3D: ["kernel", "bias"],
  Conv2DTranspose: ["kernel", "bias"],
  Conv3DTranspose: ["kernel", "bias"],
  SeparableConv2D: ["depthwise_kernel", "pointwise_kernel", "bias"],
  DepthwiseConv2D: ["depthwise_kernel", "bias"],
  BatchNormalization: ["gamma", "beta", "moving_mean", "moving_variance"],
  LayerNormalization: ["gamma", "beta"],
  Embedding: ["embeddings"],
  PReLU: ["alpha"],
  LSTMCell: ["kernel", "recurrent_kernel", "bias"],
  GRUCell: ["kernel", "recurrent_kernel", "bias"],
  SimpleRNNCell: ["kernel", "recurrent_kernel", "bias"],
};

/** tfjs class names that Keras spells otherwise. */
const kerasClassOf: Record<string, string> = { Model: "Functional", LayersModel: "Functional" };

export const leafName = (v: Variable): string => v.originalName.split("/").pop()!.replace(/:\d+$/, "");

/** A layer's variables in Keras's order for its class (tfjs's own order for classes not in the table). */
export function inKerasOrder(className: string, variables: readonly Variable[]): Variable[] {
  const order = kerasVarOrder[className];
  if (!order) return [...variables];
  const rank = (v: Variable) => {
    const i = order.indexOf(leafName(v));
    return i < 0 ? order.length : i;
  };
  return [...variables].sort((a, b) => rank(a) - rank(b));
}

interface Holder {
  getClassName(): string;
}
const isModel = (l: Holder): l is tf.LayersModel => "layers" in l && Array.isArray((l as { layers: unknown }).layers);
const recurrent = new Set(["LSTM", "GRU", "SimpleRNN", "RNN"]);

/** Every `vars` group of a model, with the tfjs variables each holds, as Keras 3 writes them. */
export function kerasVarsGroups(model: tf.LayersModel): VarsGroup[] {
  const out: VarsGroup[] = [];
  walkContainer(model.layers, "layers", out);
  return out;
}

function walkContainer(layers: readonly tf.layers.Layer[], path: string, out: VarsGroup[]): void {
  const used = new Map<string, number>();
  for (const layer of layers) {
    const base = kerasSnakeCase(kerasClassOf[layer.getClassName()] ?? layer.getClassName());
    const n = used.get(base);
    used.set(base, n === undefined ? 0 : n + 1);
    walkLayer(layer, `${path}/${n === undefined ? base : `${base}_${n + 1}`}`, out);
  }
}

function walkLayer(layer: tf.layers.Layer, path: string, out: VarsGroup[]): void {
  const className = layer.getClassName();
  if (isModel(layer)) {
    walkContainer(layer.layers, `${path}/layers`, out);
    return;
  }
  const held = layer as unknown as { cell?: tf.layers.Layer; forwardLayer?: tf.layers.Layer; layer?: tf.layers.Layer };
  if (recurrent.has(className) && held.cell) {
    out.push({ path: `${path}/cell`, layer, variables: inKerasOrder(held.cell.getClassName(), layer.weights) });
    return;
  }
  if (className === "Bidirectional") {
    const both = held as { forwardLayer: tf.layers.Layer; backwardLayer: tf.layers.Layer };
    walkLayer(both.forwardLayer, `${path}/forward_layer`, out);
    walkLayer(both.backwardLayer, `${path}/backward_layer`, out);
    return;
  }
  if (className === "TimeDistributed" && held.layer) {
    walkLayer(held.layer, `${path}/layer`, out);
    return;
  }
  out.push({ path, layer, variables: inKerasOrder(className, layer.weights) });
}
