/**
 * The names Keras 3 would give a model's layers. TensorFlow.js names a layer from a session-wide counter
 * per class (`conv2d_Conv2D1`, `dense_Dense3`); Keras names it from its class in snake case, numbered
 * per base name (`conv2d`, `conv2d_1`, ...). The rule here: within one model, the layers tfjs named
 * itself are renamed Keras's way, numbered per class in the order they were created (tfjs's layer ids),
 * as Keras numbers them in a fresh session; names the user chose are kept. A model tfjs named itself is
 * `sequential` or `functional`, as the first such model of a fresh Keras session.
 */
import * as tf from "@tensorflow/tfjs";

/** Keras's `to_snake_case` (keras/src/utils/naming.py). */
export function kerasSnakeCase(className: string): string {
  return className
    .replace(/\W+/g, "")
    .replace(/(.)([A-Z][a-z]+)/g, "$1_$2")
    .replace(/([a-z])([A-Z])/g, "$1_$2")
    .toLowerCase();
}

/** tfjs's `toSnakeCase` (tfjs-layers generic_utils), which its generated names start with. */
function tfjsSnakeCase(className: string): string {
  const s = className
    .replace(/(.)([A-Z][a-z0-9]+)/g, "$1_$2")
    .replace(/([a-z])([A-Z])/g, "$1_$2")
    .toLowerCase();
  return s.startsWith("_") ? `private${s}` : s;
}

/** The class name Keras prints: a tfjs functional model's class is `Model`, Keras calls it `Functional`. */
export function kerasClassName(layer: tf.layers.Layer): string {
  const name = layer.getClassName();
  return name === "Model" ? "Functional" : name;
}

/** Whether tfjs made this name up (so Keras would have made up its own). */
function generatedByTfjs(layer: tf.layers.Layer): boolean {
  const cls = layer.getClassName();
  const name = layer.name;
  if (cls === "InputLayer") return /^input\d+$/.test(name) || name.endsWith("_input");
  if (cls === "Sequential") return /^sequential_\d+$/.test(name);
  if (cls === "Model") return /^model\d+$/.test(name);
  return (
    name.startsWith(`${tfjsSnakeCase(cls)}_${cls}`) &&
    /^\d+$/.test(name.slice(tfjsSnakeCase(cls).length + cls.length + 1))
  );
}

/** Keras's base name for a layer of this class. */
function baseName(layer: tf.layers.Layer): string {
  return kerasSnakeCase(kerasClassName(layer));
}

/** The Keras-style name of each of `layers`, numbered per base name in creation order. */
export function kerasLayerNames(layers: readonly tf.layers.Layer[]): Map<tf.layers.Layer, string> {
  const names = new Map<tf.layers.Layer, string>();
  const counts = new Map<string, number>();
  for (const layer of [...layers].sort((a, b) => a.id - b.id)) {
    if (!generatedByTfjs(layer)) {
      names.set(layer, layer.name);
      continue;
    }
    const base = baseName(layer);
    const n = counts.get(base) ?? 0;
    counts.set(base, n + 1);
    names.set(layer, n === 0 ? base : `${base}_${n}`);
  }
  return names;
}

/** The name Keras would print for the model itself. */
export function kerasModelName(model: tf.LayersModel): string {
  return generatedByTfjs(model) ? baseName(model) : model.name;
}
