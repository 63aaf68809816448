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

/** Layer classes whose Keras configs deepdeck is tested to load. */
export const supportedLayers = [
  "InputLayer",
  "Dense",
  "Conv2D",
  "MaxPooling2D",
  "AveragePooling2D",
  "Flatten",
  "Dropout",
  "BatchNormalization",
  "Activation",
  "Reshape",
] as const;

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

function convertLayer(layer: Obj, index: number, model: string, original?: Obj): Obj {
  const className = typeof layer["class_name"] === "string" ? layer["class_name"] : "";
  if (!tf.serialization.SerializationMap.getMap().classNameMap[className]) {
    const name = isObj(layer["config"]) ? layer["config"]["name"] : `#${index}`;
    throw new Error(messages.kerasUnsupportedLayer(name, model, className, supportedLayers));
  }
  const config = isObj(layer["config"]) ? { ...layer["config"] } : {};
  if ("batch_shape" in config && !("batch_input_shape" in config)) {
    config["batch_input_shape"] = config["batch_shape"]!;
    delete config["batch_shape"];
  }
  const build = original && isObj(original["build_config"]) ? original["build_config"]["input_shape"] : undefined;
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

/** Keras 3 writes a single model input/output as [name, 0, 0]; Keras 2 as [[name, 0, 0]]. */
function listOfRefs(v: Json | undefined): Json {
  if (Array.isArray(v) && v.length === 3 && typeof v[0] === "string") return [v];
  return v ?? [];
}

/** A Keras model config (the JSON of `model_config` or `config.json`) in the form tfjs deserializes. */
export function normaliseKerasConfig(raw: Json): Obj {
  if (!isObj(raw) || typeof raw["class_name"] !== "string") throw new Error(messages.kerasNoClassName());
  const className = raw["class_name"];
  if (className !== "Sequential" && className !== "Functional" && className !== "Model") {
    throw new Error(messages.kerasNotRebuildable(className));
  }
  const rawConfig = isObj(raw["config"]) ? raw["config"] : {};
  const cfg = unwrap(rawConfig) as Obj;
  const name = typeof cfg["name"] === "string" ? cfg["name"] : className;
  const rawLayers = (Array.isArray(rawConfig["layers"]) ? rawConfig["layers"] : []) as Obj[];
  const layers = (Array.isArray(cfg["layers"]) ? cfg["layers"] : []).map((l, i) =>
    convertLayer(l as Obj, i, name, rawLayers[i]),
  );
  const config: Obj = { ...cfg, name, layers };
  if (className !== "Sequential") {
    config["input_layers"] = listOfRefs(cfg["input_layers"]);
    config["output_layers"] = listOfRefs(cfg["output_layers"]);
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

/** The Keras JSON of a tfjs model, with the few values Keras 3 would reject written its way. */
export function kerasConfigOf(model: tf.LayersModel): Obj {
  const json = model.toJSON(null, false) as unknown as Obj;
  const fix = (v: Json): Json => {
    if (Array.isArray(v)) return v.map(fix);
    if (!isObj(v)) return v;
    const out: Obj = {};
    for (const [k, val] of Object.entries(v)) out[k] = fix(val);
    // tfjs's VarianceScaling "normal" draws from a truncated normal, which Keras calls "truncated_normal".
    if (out["distribution"] === "normal") out["distribution"] = "truncated_normal";
    return out;
  };
  return { class_name: json["class_name"]!, config: fix(json["config"]!) };
}
