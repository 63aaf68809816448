/**
 * Keras 3 weights (`model.weights.h5` inside a `.keras`, and `.weights.h5`): read into a tfjs model and
 * written from one, at the paths src/models/keras_weight_paths.ts computes the way Keras does. Every
 * value is read and checked before any is assigned, so a file that does not fit changes nothing.
 */
import * as tf from "@tensorflow/tfjs";
import { messages } from "../messages";
import { stringAttr, type H5File, type H5Group } from "./hdf5";
import { child, isDataset, isGroup, toTensor } from "./h5_nodes";
import { kerasVarsGroups, type Variable } from "./keras_weight_paths";

/** Every `.../vars` group under `layers/` that holds datasets, as paths. */
function storedVars(group: H5Group, path: string, out: Set<string>): void {
  for (const key of group.keys()) {
    const node = child(group, key);
    if (!isGroup(node)) continue;
    const sub = `${path}/${key}`;
    if (key === "vars") {
      if (node.keys().length > 0) out.add(path);
    } else storedVars(node, sub, out);
  }
}

/** The vars group at `path`, else one beside it that names the layer (files keyed otherwise than Keras 3.15 does). */
function varsFor(file: H5Group, path: string, layerName: string): { vars: H5Group | null; path: string } {
  const vars = child(file, `${path}/vars`);
  if (isGroup(vars)) return { vars, path };
  const parentPath = path.split("/").slice(0, -1).join("/");
  const parent = child(file, parentPath);
  if (!isGroup(parent)) return { vars: null, path };
  for (const key of parent.keys()) {
    const candidate = child(file, `${parentPath}/${key}/vars`);
    if (isGroup(candidate) && stringAttr(candidate, "name") === layerName)
      return { vars: candidate, path: `${parentPath}/${key}` };
  }
  return { vars: null, path };
}

/** Load a Keras 3 weights file into `model`; `source` names the file in messages. */
export function loadKeras3Weights(fn: string, model: tf.LayersModel, file: H5Group, source: string): void {
  const container = child(file, "layers");
  if (!isGroup(container)) throw new Error(messages.kerasNoLayersGroup(fn, source));
  const stored = new Set<string>();
  storedVars(container, "layers", stored);
  const pairs: [Variable, tf.Tensor][] = [];
  try {
    for (const g of kerasVarsGroups(model)) {
      if (g.variables.length === 0) continue;
      const found = varsFor(file, g.path, g.layer.name);
      const vars = found.vars;
      const where = `${source}'s group ${found.path}/vars`;
      const held = isGroup(vars) ? vars.keys().length : 0;
      if (!isGroup(vars) || held !== g.variables.length)
        throw new Error(
          messages.kerasWeightCount(fn, g.layer.name, g.layer.getClassName(), g.variables.length, where, held),
        );
      stored.delete(found.path);
      g.variables.forEach((v, k) => {
        const ds = child(vars, String(k));
        if (!isDataset(ds)) throw new Error(messages.kerasVarMissing(fn, source, `${found.path}/vars/${k}`));
        const t = toTensor(fn, ds, `${found.path}/vars/${k}`);
        pairs.push([v, t]);
        if (t.shape.join(",") !== v.shape.join(","))
          throw new Error(messages.kerasWeightShape(fn, v.name, g.layer.name, v.shape, `${where}/${k}`, t.shape));
      });
    }
    if (stored.size > 0) throw new Error(messages.kerasUnusedWeights(fn, source, [...stored]));
    for (const [v, t] of pairs) v.write(t);
  } finally {
    tf.dispose(pairs.map(([, t]) => t));
  }
}

function ensureGroup(root: H5Group, path: string): H5Group {
  let g = root;
  for (const part of path.split("/")) {
    const next = child(g, part);
    g = isGroup(next) ? next : g.create_group(part);
  }
  return g;
}

/** Write `model`'s weights in Keras 3's layout (what `model.save_weights("x.weights.h5")` writes). */
export function writeKeras3Weights(file: H5File, model: tf.LayersModel): void {
  ensureGroup(file, "layers");
  ensureGroup(file, "vars").create_attribute("name", model.name);
  for (const g of kerasVarsGroups(model)) {
    const vars = ensureGroup(file, `${g.path}/vars`);
    vars.create_attribute("name", g.layer.name);
    g.variables.forEach((v, k) => {
      const values = v.read().dataSync() as Float32Array;
      vars.create_dataset({ name: String(k), data: new Float32Array(values), shape: v.shape as number[], dtype: "<f" });
    });
  }
}
