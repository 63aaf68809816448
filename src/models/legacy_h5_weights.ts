/**
 * Keras 2 style HDF5 weights (Keras 2, tf.keras, R keras, and Keras 3's legacy `.h5` writer):
 * `layer_names` on the weights group, `weight_names` on each layer's group. Layers are matched by name
 * (never by the HDF5 group order, which is alphabetical); within a layer, weights by their names
 * (`block/dense_6/kernel` is dense_6's kernel inside the nested model block, wherever Keras listed it),
 * and by Keras's order only where the names do not say (Keras 3 calls DepthwiseConv2D's weight
 * `kernel`, tfjs `depthwise_kernel`). Everything is read and checked before anything is assigned.
 */
import * as tf from "@tensorflow/tfjs";
import { messages } from "../messages";
import type { H5Group } from "./hdf5";
import { stringsAttr } from "./hdf5";
import { child, isDataset, toTensor } from "./h5_nodes";
import type { Variable } from "./keras_weight_paths";

/** Name parts that say nothing about which weight it is: `:0` suffixes and RNN cells. */
const tokens = (name: string): string[] =>
  name
    .replace(/:\d+$/, "")
    .split("/")
    .filter((t) => t !== "" && t !== "cell" && !/_cell(_\d+)?$/.test(t));

function endsWith(a: readonly string[], b: readonly string[]): boolean {
  return b.length > 0 && b.length <= a.length && b.every((t, i) => a[a.length - b.length + i] === t);
}

/**
 * For each tfjs variable, the index of the file weight with its name: the longest match of the
 * variable's name (or its name below the layer) at the end of the file's. Null when any is missing or
 * ambiguous, and the caller falls back to Keras's order.
 */
export function matchByName(variables: readonly Variable[], fileNames: readonly string[]): number[] | null {
  if (variables.length !== fileNames.length) return null;
  const files = fileNames.map(tokens);
  const picked: number[] = [];
  for (const v of variables) {
    const own = tokens(v.originalName);
    const candidates = [own, own.slice(1)];
    let best = -1;
    let bestScore = 0;
    let tie = false;
    files.forEach((f, i) => {
      const score = candidates.reduce((s, c, rank) => (s === 0 && endsWith(f, c) ? c.length * 2 - rank : s), 0);
      if (score > bestScore) [best, bestScore, tie] = [i, score, false];
      else if (score === bestScore && score > 0) tie = true;
    });
    if (best < 0 || tie || picked.includes(best)) return null;
    picked.push(best);
  }
  return picked;
}

/** A weight named in weight_names: stored at that path, with or without Keras 2's ":0" suffix. */
function findWeight(group: H5Group, name: string) {
  for (const candidate of [name, name.replace(/:0$/, ""), `${name}:0`]) {
    const hit = child(group, candidate);
    if (isDataset(hit)) return hit;
  }
  return null;
}

/** Load Keras 2 style weights from `root` (the file, or its model_weights group) into `model`. */
export function loadLegacyWeights(fn: string, model: tf.LayersModel, root: H5Group, source: string): void {
  const names = stringsAttr(root, "layer_names");
  if (!names) throw new Error(messages.kerasNoLayerNames(fn, source));
  const stored = names
    .map((name) => {
      const group = child(root, name) as H5Group | null;
      return { name, group, weightNames: group ? (stringsAttr(group, "weight_names") ?? []) : [] };
    })
    .filter((s) => s.weightNames.length > 0);
  const byName = new Map(model.layers.map((l) => [l.name, l]));
  const targets = model.layers.filter((l) => l.weights.length > 0);
  // A weights-only file written for another instance of the same architecture has other layer names;
  // Keras itself then goes by order, and so does deepdeck (counts and shapes are still checked).
  const matchByLayerName = stored.every((s) => byName.has(s.name));
  if (!matchByLayerName && stored.length !== targets.length)
    throw new Error(
      messages.kerasLayersDiffer(
        fn,
        source,
        stored.map((s) => s.name),
        targets.length,
      ),
    );
  const pairs: [Variable, tf.Tensor][] = [];
  try {
    stored.forEach((s, i) => {
      const layer = matchByLayerName ? byName.get(s.name)! : targets[i]!;
      const where = `${source}'s group ${JSON.stringify(s.name)}`;
      const vars = layer.weights;
      if (vars.length !== s.weightNames.length)
        throw new Error(
          messages.kerasWeightCount(fn, layer.name, layer.getClassName(), vars.length, where, s.weightNames.length),
        );
      const order = matchByName(vars, s.weightNames) ?? s.weightNames.map((_, k) => k);
      vars.forEach((v, k) => {
        const w = s.weightNames[order[k]!]!;
        const ds = findWeight(s.group!, w);
        if (!ds) throw new Error(messages.kerasWeightNotStored(fn, w, s.name, source));
        const t = toTensor(fn, ds, `${s.name}/${w}`);
        pairs.push([v, t]);
        if (t.shape.join(",") !== v.shape.join(","))
          throw new Error(messages.kerasWeightShape(fn, v.name, layer.name, v.shape, where, t.shape));
      });
    });
    for (const [v, t] of pairs) v.write(t);
  } finally {
    tf.dispose(pairs.map(([, t]) => t));
  }
}
