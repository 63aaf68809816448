/**
 * Compiling a loaded model from its Keras training config (`training_config` of an `.h5`,
 * `compile_config` of a `.keras`): losses by name or as serialized objects (from_logits, label
 * smoothing, reduction), optimizers in Keras 2 and 3 spellings (`adam`, `Adam`, `Custom>Adam`) with
 * their learning rates, betas and epsilons, metrics by name or object. What tfjs cannot do leaves the
 * model uncompiled with a warning that says what and why; a metric tfjs lacks is dropped with one.
 */
import * as tf from "@tensorflow/tfjs";
import { warn } from "../io/warnings";
import { messages } from "../messages";

type Dict = Record<string, unknown>;
type LossFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;
type Metric = string | LossFn;

const isDict = (v: unknown): v is Dict => typeof v === "object" && v !== null && !Array.isArray(v);

/** A compile step tfjs cannot take: what, and why. */
class CannotCompile extends Error {}

/** `Custom>Adam`, `keras.optimizers.legacy.Adam`, `adam` -> `adam`; the same for losses and metrics. */
const bareName = (name: string) => name.replace(/^.*[>.]/, "").toLowerCase();
const snake = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();

/** Keras loss names (functions and classes, snake-cased) to tfjs's. */
const lossNames: Record<string, string> = {
  categorical_crossentropy: "categoricalCrossentropy",
  sparse_categorical_crossentropy: "sparseCategoricalCrossentropy",
  binary_crossentropy: "binaryCrossentropy",
  mean_squared_error: "meanSquaredError",
  mse: "meanSquaredError",
  mean_absolute_error: "meanAbsoluteError",
  mae: "meanAbsoluteError",
  mean_absolute_percentage_error: "meanAbsolutePercentageError",
  mape: "meanAbsolutePercentageError",
  mean_squared_logarithmic_error: "meanSquaredLogarithmicError",
  msle: "meanSquaredLogarithmicError",
  hinge: "hinge",
  squared_hinge: "squaredHinge",
  categorical_hinge: "categoricalHinge",
  log_cosh: "logcosh",
  logcosh: "logcosh",
  kl_divergence: "kullbackLeiblerDivergence",
  kullback_leibler_divergence: "kullbackLeiblerDivergence",
  kld: "kullbackLeiblerDivergence",
  kldivergence: "kullbackLeiblerDivergence",
  poisson: "poisson",
};

const lastAxisMean = (t: tf.Tensor) => (t.rank > 1 ? tf.mean(t, -1) : t);

/** A Keras loss object as a tfjs loss: per-sample losses, which tfjs averages over the batch. */
function lossObject(className: string, c: Dict): LossFn | string {
  const name = snake(className.replace(/^.*[>.]/, ""));
  const fromLogits = c["from_logits"] === true;
  const smoothing = Number(c["label_smoothing"] ?? 0);
  const reduction = c["reduction"] ?? "sum_over_batch_size";
  if (c["ignore_class"] !== undefined && c["ignore_class"] !== null)
    throw new CannotCompile(messages.kerasCompileLossOption(className, "ignore_class", c["ignore_class"]));
  if (c["axis"] !== undefined && c["axis"] !== -1)
    throw new CannotCompile(messages.kerasCompileLossOption(className, "axis", c["axis"]));
  let fn: LossFn | string;
  if (name === "categorical_crossentropy" || name === "sparse_categorical_crossentropy") {
    const sparse = name.startsWith("sparse");
    if (sparse && smoothing !== 0)
      throw new CannotCompile(messages.kerasCompileLossOption(className, "label_smoothing", smoothing));
    if (!fromLogits && smoothing === 0) fn = lossNames[name]!;
    else
      fn = (yTrue, yPred) => {
        const classes = yPred.shape[yPred.shape.length - 1]!;
        const labels = sparse ? tf.oneHot(tf.cast(tf.reshape(yTrue, [-1]), "int32"), classes) : yTrue;
        if (fromLogits) return tf.losses.softmaxCrossEntropy(labels, yPred, undefined, smoothing, tf.Reduction.NONE);
        const smoothed = tf.add(tf.mul(labels, 1 - smoothing), smoothing / classes);
        return tf.metrics.categoricalCrossentropy(smoothed, yPred);
      };
  } else if (name === "binary_crossentropy") {
    if (!fromLogits && smoothing === 0) fn = "binaryCrossentropy";
    else
      fn = (yTrue, yPred) =>
        fromLogits
          ? lastAxisMean(tf.losses.sigmoidCrossEntropy(yTrue, yPred, undefined, smoothing, tf.Reduction.NONE))
          : tf.metrics.binaryCrossentropy(tf.add(tf.mul(yTrue, 1 - smoothing), smoothing / 2), yPred);
  } else if (name === "huber") {
    const delta = Number(c["delta"] ?? 1);
    fn = (yTrue, yPred) => lastAxisMean(tf.losses.huberLoss(yTrue, yPred, undefined, delta, tf.Reduction.NONE));
  } else if (lossNames[name]) fn = lossNames[name];
  else throw new CannotCompile(messages.kerasCompileUnknown("loss", className));
  if (reduction === "sum") {
    // tfjs averages a loss over the batch; Keras's "sum" is that average times the batch size.
    const f = typeof fn === "string" ? (tf.metrics as unknown as Record<string, LossFn | undefined>)[fn] : fn;
    if (!f) throw new CannotCompile(messages.kerasCompileLossOption(className, "reduction", reduction));
    return (yTrue, yPred) => tf.mul(f(yTrue, yPred), yPred.shape[0]);
  }
  if (reduction !== "sum_over_batch_size" && reduction !== "auto" && reduction !== null)
    throw new CannotCompile(messages.kerasCompileLossOption(className, "reduction", reduction));
  return fn;
}

function loss(raw: unknown): LossFn | string {
  if (typeof raw === "string") {
    const hit = lossNames[bareName(raw)] ?? lossNames[snake(raw.replace(/^.*[>.]/, ""))];
    if (!hit) throw new CannotCompile(messages.kerasCompileUnknown("loss", raw));
    return hit;
  }
  if (isDict(raw) && typeof raw["class_name"] === "string")
    return lossObject(raw["class_name"], isDict(raw["config"]) ? raw["config"] : {});
  throw new CannotCompile(messages.kerasCompileUnknown("loss", JSON.stringify(raw)));
}

/** One loss, a list (one per output) or a dict by output name, as tfjs's compile takes them. */
function losses(raw: unknown, model: tf.LayersModel): LossFn | string | (LossFn | string)[] {
  if (Array.isArray(raw)) return raw.map(loss);
  if (isDict(raw) && !("class_name" in raw)) return model.outputNames.map((n) => loss(raw[n]));
  return loss(raw);
}

const num = (c: Dict, key: string, fallback: number) => {
  const v = c[key];
  return typeof v === "number" ? v : fallback;
};

function optimizer(raw: unknown): tf.Optimizer {
  const spec = isDict(raw) ? raw : typeof raw === "string" ? { class_name: raw, config: {} } : null;
  if (!spec || typeof spec["class_name"] !== "string")
    throw new CannotCompile(messages.kerasCompileUnknown("optimizer", JSON.stringify(raw)));
  const className = spec["class_name"];
  const c = isDict(spec["config"]) ? spec["config"] : {};
  const lrRaw = c["learning_rate"] ?? c["lr"];
  if (lrRaw !== undefined && typeof lrRaw !== "number")
    throw new CannotCompile(messages.kerasCompileOptimizerOption(className, "learning_rate", lrRaw));
  for (const [key, off] of [
    ["weight_decay", [null, 0]],
    ["clipnorm", [null]],
    ["clipvalue", [null]],
    ["global_clipnorm", [null]],
    ["use_ema", [false]],
    ["amsgrad", [false]],
    ["decay", [0]],
    ["nesterov", [false]],
    ["centered", [false]],
  ] as const)
    if (c[key] !== undefined && !(off as readonly unknown[]).includes(c[key]))
      throw new CannotCompile(messages.kerasCompileOptimizerOption(className, key, c[key]));
  const lr = (fallback: number) => (typeof lrRaw === "number" ? lrRaw : fallback);
  switch (bareName(className)) {
    case "adam":
      return tf.train.adam(lr(0.001), num(c, "beta_1", 0.9), num(c, "beta_2", 0.999), num(c, "epsilon", 1e-7));
    case "adamax":
      return tf.train.adamax(lr(0.001), num(c, "beta_1", 0.9), num(c, "beta_2", 0.999), num(c, "epsilon", 1e-7));
    case "sgd":
      return num(c, "momentum", 0) > 0 ? tf.train.momentum(lr(0.01), num(c, "momentum", 0)) : tf.train.sgd(lr(0.01));
    case "rmsprop":
      return tf.train.rmsprop(lr(0.001), num(c, "rho", 0.9), num(c, "momentum", 0), num(c, "epsilon", 1e-7));
    case "adagrad":
      return tf.train.adagrad(lr(0.001), num(c, "initial_accumulator_value", 0.1));
    case "adadelta":
      return tf.train.adadelta(lr(0.001), num(c, "rho", 0.95), num(c, "epsilon", 1e-7));
    default:
      throw new CannotCompile(messages.kerasCompileUnknown("optimizer", className));
  }
}

/** Keras metric names and classes (snake-cased) to tfjs's; accuracy follows the loss, as in Keras. */
const metricNames: Record<string, string> = {
  accuracy: "accuracy",
  acc: "accuracy",
  categorical_accuracy: "categoricalAccuracy",
  binary_accuracy: "binaryAccuracy",
  mae: "mae",
  mean_absolute_error: "mae",
  mse: "mse",
  mean_squared_error: "mse",
  mape: "mape",
  mean_absolute_percentage_error: "mape",
  precision: "precision",
  cosine_similarity: "cosine",
};

/** The kind of accuracy a loss calls for, from the loss as the file names it. */
function accuracyKind(lossRaw: unknown): "sparse_categorical" | "binary" | "categorical" {
  const text = JSON.stringify(lossRaw) ?? "";
  return /sparse/i.test(text) ? "sparse_categorical" : /binary/i.test(text) ? "binary" : "categorical";
}

function metrics(raw: unknown, lossRaw: unknown, lossFn: unknown): Metric[] {
  const flat = (Array.isArray(raw) ? raw : isDict(raw) ? Object.values(raw) : raw == null ? [] : [raw]).flat(3);
  const out: Metric[] = [];
  for (const m of flat) {
    if (m === null) continue;
    const name = typeof m === "string" ? m : isDict(m) && typeof m["class_name"] === "string" ? m["class_name"] : "";
    let key = snake(name.replace(/^.*[>.]/, ""));
    // tfjs picks accuracy's kind from its own named losses only; for a loss function it must be said.
    if (metricNames[key] === "accuracy" && typeof lossFn === "function") key = `${accuracyKind(lossRaw)}_accuracy`;
    const known = metricNames[key];
    if (key === "sparse_categorical_accuracy") out.push(tf.metrics.sparseCategoricalAccuracy);
    else if (known) out.push(known);
    else warn(messages.kerasCompileMetricDropped(name || JSON.stringify(m)));
  }
  return out;
}

/**
 * tfjs takes class indices as targets only for its own named sparse loss; a sparse loss of deepdeck's
 * (from_logits) needs the same target shape, [batch, 1], which tfjs keeps in feedOutputShapes.
 */
function sparseTargets(model: tf.LayersModel, lossRaw: unknown): void {
  // A Sequential compiles, fits and evaluates through the LayersModel it wraps.
  const inner = (model as unknown as { model?: unknown }).model;
  const internals = (inner instanceof tf.LayersModel ? inner : model) as unknown as {
    feedOutputShapes?: (number | null)[][];
    lossFunctions?: unknown[];
  };
  const raws = Array.isArray(lossRaw)
    ? lossRaw
    : isDict(lossRaw) && !("class_name" in lossRaw)
      ? model.outputNames.map((n) => lossRaw[n])
      : model.outputNames.map(() => lossRaw);
  raws.forEach((raw, i) => {
    const shape = internals.feedOutputShapes?.[i];
    if (shape && typeof internals.lossFunctions?.[i] === "function" && accuracyKind(raw) === "sparse_categorical")
      internals.feedOutputShapes![i] = [...shape.slice(0, -1), 1];
  });
}

/** The Keras loss each model compiled here was given, with the loss tfjs holds for it (a function, often). */
const kerasLosses = new WeakMap<tf.LayersModel, { compiled: unknown; keras: unknown }>();

/**
 * The Keras loss config `model` was compiled from (a serialized loss object such as
 * `{"class_name": "CategoricalCrossentropy", "config": {"from_logits": true}}`), so that saving it again
 * writes what the file had; undefined when the model was compiled otherwise since.
 */
export function kerasLossOf(model: tf.LayersModel): unknown {
  const entry = kerasLosses.get(model);
  return entry && entry.compiled === (model as unknown as { loss: unknown }).loss ? entry.keras : undefined;
}

/**
 * Make `model` own the optimizer it was compiled with from a file, so that model.dispose() frees the
 * optimizer's variables as tfjs does for optimizers given by name (tf.loadLayersModel leaves them behind).
 */
export function ownOptimizer(model: tf.LayersModel): void {
  if ((model as unknown as { optimizer_?: unknown }).optimizer_ === undefined) return;
  (model as unknown as { isOptimizerOwned: boolean }).isOptimizerOwned = true;
}

/**
 * Compile `model` from a Keras training config. Returns whether it did; when it cannot, the model is
 * left uncompiled and a warning names `source`, what could not be compiled and why.
 */
export function compileFromTrainingConfig(model: tf.LayersModel, config: Dict, source: string): boolean {
  let opt: tf.Optimizer | undefined;
  try {
    const lossRaw = config["loss"];
    // Keras writes a compile config for models compiled without a loss (for inference): nothing to do.
    if (lossRaw === undefined || lossRaw === null) return false;
    const lossFn = losses(lossRaw, model);
    opt = optimizer(config["optimizer_config"] ?? config["optimizer"]);
    model.compile({
      optimizer: opt,
      loss: lossFn as tf.ModelCompileArgs["loss"],
      metrics: metrics(config["metrics"], lossRaw, lossFn),
    });
    ownOptimizer(model);
    kerasLosses.set(model, { compiled: (model as unknown as { loss: unknown }).loss, keras: lossRaw });
    sparseTargets(model, lossRaw);
    return true;
  } catch (e) {
    opt?.dispose();
    if (!(e instanceof CannotCompile)) throw e;
    warn(messages.kerasCompileSkipped(source, e.message));
    return false;
  }
}
