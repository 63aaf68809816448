/**
 * Keras model configs (Keras 2, tf.keras, R keras, Keras 3) turned into the Keras 2 JSON TensorFlow.js
 * reads: Keras 3's module/registered_name wrappers, dtype-policy objects, `batch_shape`, and its
 * `inbound_nodes` of args/kwargs are rewritten; unsupported layers are named.
 */
import * as tf from "@tensorflow/tfjs";
import { messages } from "../messages";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const isObj = (v: Json | undefined): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Keras 3 wraps serialized objects as {module, class_name, config, registered_name}; Keras 2 as {class_name, config}. */
function unwrap(v: Json): Json {
  if (Array.isArray(v)) return v.map(unwrap);
  if (!isObj(v)) return v;
  if (v["class_name"] === "DTypePolicy" || v["class_name"] === "Policy") {
    const c = v["config"];
    return isObj(c) && typeof c["name"] === "string" ? c["name"] : "float32";
  }
  const out: Obj = {};
  for (const [k, val] of Object.entries(v)) {
    if (
      k === "module" ||
      k === "registered_name" ||
      k === "build_config" ||
      k === "compile_config" ||
      k === "shared_object_id"
    )
      continue;
    out[k] = unwrap(val);
  }
  return out;
}

/** Keras 3 inbound node {args, kwargs} to Keras 2's [[layer, node, tensor, kwargs], ...]. */
function convertInboundNode(node: Json): Json {
  if (Array.isArray(node)) return node;
  if (!isObj(node)) return node;
  const history: Json[] = [];
  const collect = (a: Json) => {
    if (Array.isArray(a)) a.forEach(collect);
    else if (
      isObj(a) &&
      a["class_name"] === "__keras_tensor__" &&
      isObj(a["config"]) &&
      Array.isArray(a["config"]["keras_history"])
    ) {
      const [layer, nodeIndex, tensorIndex] = a["config"]["keras_history"];
      history.push([layer as Json, nodeIndex as Json, tensorIndex as Json, {}]);
    }
  };
  collect(node["args"] ?? []);
  return history;
}

const modelClasses = new Set(["Sequential", "Functional", "Model"]);

/** A layer's config as tfjs reads it; `raw` is the file's (for build_config), `file` names it in errors. */
function convertLayer(raw: Obj, index: number, model: string, file: string): Obj {
  const className = typeof raw["class_name"] === "string" ? raw["class_name"] : "";
  if (modelClasses.has(className)) {
    const nested = normaliseModel(raw, file);
    const out: Obj = { ...nested };
    if (Array.isArray(raw["inbound_nodes"])) out["inbound_nodes"] = raw["inbound_nodes"].map(convertInboundNode);
    if (typeof raw["name"] === "string") out["name"] = raw["name"];
    return out;
  }
  const layer = unwrap(raw) as Obj;
  const config = isObj(layer["config"]) ? { ...layer["config"] } : {};
  const name = config["name"] ?? `#${index}`;
  if (!tf.serialization.SerializationMap.getMap().classNameMap[className])
    throw new Error(messages.kerasUnsupportedLayer(file, name, model, className));
  if (className === "GRU" && config["reset_after"] === true)
    throw new Error(
      messages.kerasUnsupportedOption(
        file,
        name,
        className,
        "reset_after",
        true,
        "build it in Keras with GRU(..., reset_after=False)",
      ),
    );
  // Wrappers (Bidirectional, TimeDistributed) hold a layer of their own, checked the same way.
  const inner = raw["config"] && isObj(raw["config"]) ? raw["config"]["layer"] : undefined;
  if (isObj(inner)) {
    const converted = convertLayer(inner, 0, model, file);
    config["layer"] = { class_name: converted["class_name"]!, config: converted["config"]! };
  }
  if ("batch_shape" in config && !("batch_input_shape" in config)) {
    config["batch_input_shape"] = config["batch_shape"]!;
    delete config["batch_shape"];
  }
  const build = isObj(raw["build_config"]) ? raw["build_config"]["input_shape"] : undefined;
  if (index === 0 && className !== "InputLayer" && !("batch_input_shape" in config) && Array.isArray(build))
    config["batch_input_shape"] = build;
  if (className === "BatchNormalization" && Array.isArray(config["axis"]) && config["axis"].length === 1)
    config["axis"] = config["axis"][0]!;
  if (
    isObj(config["kernel_initializer"]) &&
    isObj(config["kernel_initializer"]["config"]) &&
    config["kernel_initializer"]["config"]["distribution"] === "untruncated_normal"
  ) {
    config["kernel_initializer"] = {
      ...config["kernel_initializer"],
      config: { ...config["kernel_initializer"]["config"], distribution: "normal" },
    };
  }
  const out: Obj = { class_name: className, config };
  if (Array.isArray(layer["inbound_nodes"])) out["inbound_nodes"] = layer["inbound_nodes"].map(convertInboundNode);
  if (typeof layer["name"] === "string") out["name"] = layer["name"];
  return out;
}

/**
 * tfjs counts every nested model's creation as its node 0, so its first call is node 1. Keras 3 does
 * so for Functional models but numbers a nested Sequential's calls from 0 (tf.keras 2 counted like
 * tfjs). References to nested Sequential models in a Keras 3 config shift by `by`: +1 reading one, -1
 * writing one for Keras 3 (whose reader expects its own numbering in legacy configs too).
 */
function shiftSequentialNodes(config: Obj, by: number): void {
  const layers = Array.isArray(config["layers"]) ? (config["layers"] as Obj[]) : [];
  const sequential = new Set(layers.filter((l) => l["class_name"] === "Sequential").map((l) => l["name"]));
  const shift = (ref: Json) => {
    if (Array.isArray(ref) && sequential.has(ref[0]) && typeof ref[1] === "number") ref[1] += by;
  };
  for (const layer of layers)
    if (Array.isArray(layer["inbound_nodes"]))
      for (const node of layer["inbound_nodes"]) if (Array.isArray(node)) node.forEach(shift);
  for (const key of ["input_layers", "output_layers"]) if (Array.isArray(config[key])) config[key].forEach(shift);
}

/** Keras 3 writes a single model input/output as [name, 0, 0]; Keras 2 as [[name, 0, 0]]. */
function listOfRefs(v: Json | undefined): Json {
  if (Array.isArray(v) && v.length === 3 && typeof v[0] === "string") return [v];
  return v ?? [];
}

function normaliseModel(raw: Obj, file: string): Obj {
  const className = raw["class_name"] as string;
  const rawConfig = isObj(raw["config"]) ? raw["config"] : {};
  const { layers: _layers, ...rest } = rawConfig;
  const cfg = unwrap(rest) as Obj;
  const name = typeof cfg["name"] === "string" ? cfg["name"] : className;
  const rawLayers = (Array.isArray(rawConfig["layers"]) ? rawConfig["layers"] : []) as Obj[];
  const layers = rawLayers.map((l, i) => convertLayer(l, i, name, file));
  const config: Obj = { ...cfg, name, layers };
  if (className !== "Sequential") {
    config["input_layers"] = listOfRefs(cfg["input_layers"]);
    config["output_layers"] = listOfRefs(cfg["output_layers"]);
    if (rawLayers.some((l) => "module" in l)) shiftSequentialNodes(config, 1);
  } else if (
    layers.length > 0 &&
    layers[0]!["class_name"] !== "InputLayer" &&
    isObj(layers[0]!["config"]) &&
    !("batch_input_shape" in layers[0]!["config"]) &&
    Array.isArray(cfg["build_input_shape"])
  ) {
    layers[0]!["config"]["batch_input_shape"] = cfg["build_input_shape"];
  }
  return { class_name: className === "Sequential" ? "Sequential" : "Model", config };
}

/** A Keras model config (the JSON of `model_config` or `config.json`) in the form tfjs deserializes. */
export function normaliseKerasConfig(raw: Json, file: string): Obj {
  if (!isObj(raw) || typeof raw["class_name"] !== "string") throw new Error(messages.kerasNoClassName());
  if (!modelClasses.has(raw["class_name"])) throw new Error(messages.kerasNotRebuildable(raw["class_name"]));
  return normaliseModel(raw, file);
}

/** The Keras JSON of a tfjs model, with the few values Keras 3 would reject written its way. */
export function kerasConfigOf(model: tf.LayersModel): Obj {
  const json = model.toJSON(null, false) as unknown as Obj;
  // tfjs's SeparableConv2D leaves depth_multiplier out of its config; the layers themselves know it.
  const depthMultipliers = new Map<string, number>();
  const collect = (layers: readonly tf.layers.Layer[]): void => {
    for (const l of layers) {
      const d = (l as unknown as { depthMultiplier?: number }).depthMultiplier;
      if (l.getClassName() === "SeparableConv2D" && typeof d === "number") depthMultipliers.set(l.name, d);
      if (l instanceof tf.LayersModel) collect(l.layers);
    }
  };
  collect(model.layers);
  const fix = (v: Json): Json => {
    if (Array.isArray(v)) return v.map(fix);
    if (!isObj(v)) return v;
    const out: Obj = {};
    for (const [k, val] of Object.entries(v)) out[k] = fix(val);
    // tfjs's VarianceScaling "normal" draws from a truncated normal, which Keras calls "truncated_normal".
    if (out["distribution"] === "normal") out["distribution"] = "truncated_normal";
    const c = out["config"];
    const name = isObj(c) && typeof c["name"] === "string" ? c["name"] : "";
    if (out["class_name"] === "SeparableConv2D" && isObj(c) && depthMultipliers.has(name))
      c["depth_multiplier"] = depthMultipliers.get(name)!;
    return out;
  };
  const config = fix(json["config"]!) as Obj;
  const toKerasNodes = (className: Json | undefined, c: Obj) => {
    if (className !== "Sequential") shiftSequentialNodes(c, -1);
    const layers = Array.isArray(c["layers"]) ? (c["layers"] as Obj[]) : [];
    // tfjs repeats input shapes on layers that have an InputLayer before them and on wrapped layers;
    // Keras 3 refuses them there (or adds a second input).
    const hasInput = className !== "Sequential" || layers[0]?.["class_name"] === "InputLayer";
    for (const l of layers) {
      const lc = l["config"];
      if (!isObj(lc) || l["class_name"] === "InputLayer") continue;
      if (hasInput) delete lc["batch_input_shape"];
      if (isObj(lc["layer"]) && isObj(lc["layer"]["config"])) delete lc["layer"]["config"]["batch_input_shape"];
    }
    for (const l of Array.isArray(c["layers"]) ? (c["layers"] as Obj[]) : [])
      if (typeof l["class_name"] === "string" && modelClasses.has(l["class_name"]) && isObj(l["config"]))
        toKerasNodes(l["class_name"], l["config"]);
  };
  toKerasNodes(json["class_name"], config);
  return { class_name: json["class_name"]!, config };
}
