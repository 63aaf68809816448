/**
 * The course's other figures as Vega-Lite specs (pure builders) and their displays: activation
 * functions, the class probabilities of one prediction, and a confusion matrix.
 */
import * as tf from "@tensorflow/tfjs";
import type { TopLevelSpec } from "vega-lite";
import { describe } from "../messages";
import { checkKnownKeys, integer, keyword } from "../options";
import { assertLiveTensor } from "../format/tensor_read";
import { showChart, type ChartOptions } from "./render";

const schema = "https://vega.github.io/schema/vega-lite/v5.json";

/** Activation functions the course draws. */
export const activationNames = ["relu", "sigmoid", "tanh", "softplus", "elu", "leakyRelu", "linear"] as const;
export type ActivationName = (typeof activationNames)[number];

const activations: Record<ActivationName, (x: number) => number> = {
  relu: (x) => Math.max(0, x),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  tanh: Math.tanh,
  softplus: (x) => Math.log1p(Math.exp(x)),
  elu: (x) => (x >= 0 ? x : Math.expm1(x)),
  leakyRelu: (x) => (x >= 0 ? x : 0.2 * x),
  linear: (x) => x,
};

/** Options of {@link activationSpec}. */
export interface ActivationOptions {
  /** The x range. Default [-5, 5]. */
  domain?: [number, number];
  /** Points per curve. Default 201. */
  samples?: number;
}

/**
 * Line plots of activation functions (by name), or of your own functions (by label).
 *
 * @example dd.activationSpec(["relu", "sigmoid"])
 * @example dd.activationSpec({ "x²": (x) => x * x })
 */
export function activationSpec(
  functions: ActivationName[] | Record<string, (x: number) => number>,
  options: ActivationOptions = {},
): TopLevelSpec {
  const fn = "activationSpec";
  checkKnownKeys(fn, options, ["domain", "samples"]);
  const [lo, hi] = options.domain ?? [-5, 5];
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi > lo))
    throw new RangeError(
      `${fn}: option domain must be [low, high] with low < high, received ${describe(options.domain)}.`,
    );
  const samples = integer(fn, "samples", options.samples ?? 201, 2, 100000);
  const entries: [string, (x: number) => number][] = Array.isArray(functions)
    ? functions.map((name) => [keyword(fn, "functions", name, activationNames), activations[name]])
    : Object.entries(functions);
  if (entries.length === 0) throw new RangeError(`${fn}: give at least one function.`);
  const values: { x: number; y: number; f: string }[] = [];
  for (const [name, f] of entries) {
    if (typeof f !== "function")
      throw new TypeError(`${fn}: ${JSON.stringify(name)} must be a function of a number, received ${describe(f)}.`);
    for (let i = 0; i < samples; i++) {
      const x = lo + ((hi - lo) * i) / (samples - 1);
      values.push({ x, y: f(x), f: name });
    }
  }
  return {
    $schema: schema,
    background: "white",
    description: `Activation functions: ${entries.map(([n]) => n).join(", ")}`,
    width: 360,
    height: 220,
    data: { values },
    mark: { type: "line", strokeWidth: 2 },
    encoding: {
      x: { field: "x", type: "quantitative", title: "x" },
      y: { field: "y", type: "quantitative", title: "f(x)" },
      color: { field: "f", type: "nominal", title: "function" },
    },
  };
}

/** Show {@link activationSpec}. */
export function plotActivations(
  functions: ActivationName[] | Record<string, (x: number) => number>,
  options: ActivationOptions & ChartOptions = {},
): Promise<void> {
  const { png, ...rest } = options;
  const names = Array.isArray(functions) ? functions : Object.keys(functions);
  return showChart(activationSpec(functions, rest), `<chart of ${names.join(", ")}>`, png === undefined ? {} : { png });
}

/** Options of {@link probabilitiesSpec}. */
export interface ProbabilitiesOptions {
  /** Names of the classes. Default: 0, 1, 2, ... */
  classNames?: string[];
  /** Apply softmax first (the input is logits). Default false. */
  softmax?: boolean;
  /** The true class, drawn in its own colour. */
  trueClass?: number;
}

function readProbabilities(fn: string, p: tf.Tensor | ArrayLike<number>, softmax: boolean): number[] {
  let values: number[];
  if (p instanceof tf.Tensor) {
    assertLiveTensor(fn, "probabilities", p);
    if (p.rank !== 1 && !(p.rank === 2 && p.shape[0] === 1))
      throw new RangeError(
        `${fn}: probabilities must be one prediction, shape [classes] or [1, classes], received [${p.shape.join(", ")}].`,
      );
    values = Array.from(p.dataSync() as ArrayLike<number>);
  } else {
    values = Array.from(p);
  }
  if (softmax) {
    const m = Math.max(...values);
    const e = values.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    values = e.map((v) => v / s);
  }
  return values;
}

/**
 * A bar chart of the class probabilities of one prediction (the softmax output), the predicted class
 * highlighted, and the true class when known.
 */
export function probabilitiesSpec(
  probabilities: tf.Tensor | ArrayLike<number>,
  options: ProbabilitiesOptions = {},
): TopLevelSpec {
  const fn = "probabilitiesSpec";
  checkKnownKeys(fn, options, ["classNames", "softmax", "trueClass"]);
  const p = readProbabilities(fn, probabilities, options.softmax === true);
  const names = options.classNames ?? p.map((_, i) => String(i));
  if (names.length !== p.length)
    throw new RangeError(`${fn}: option classNames has ${names.length} names for ${p.length} classes.`);
  const predicted = p.indexOf(Math.max(...p));
  const values = p.map((prob, i) => ({
    class: names[i],
    probability: Number(prob.toPrecision(6)),
    role:
      i === options.trueClass
        ? i === predicted
          ? "predicted, true"
          : "true"
        : i === predicted
          ? "predicted"
          : "other",
  }));
  return {
    $schema: schema,
    background: "white",
    description: `Class probabilities; predicted ${names[predicted]} (${(p[predicted]! * 100).toFixed(1)}%)`,
    width: Math.max(200, 28 * p.length),
    height: 180,
    data: { values },
    mark: "bar",
    encoding: {
      x: { field: "class", type: "nominal", sort: null, title: "class", axis: { labelAngle: 0 } },
      y: { field: "probability", type: "quantitative", scale: { domain: [0, 1] }, title: "probability" },
      color: {
        field: "role",
        type: "nominal",
        title: null,
        scale: {
          domain: ["predicted", "true", "predicted, true", "other"],
          range: ["#cf222e", "#1a7f37", "#1a7f37", "#9aa4ad"],
        },
      },
      tooltip: [{ field: "class" }, { field: "probability", format: ".4f" }],
    },
  };
}

/** Show {@link probabilitiesSpec}. */
export function plotProbabilities(
  probabilities: tf.Tensor | ArrayLike<number>,
  options: ProbabilitiesOptions & ChartOptions = {},
): Promise<void> {
  const { png, ...rest } = options;
  const spec = probabilitiesSpec(probabilities, rest);
  return showChart(spec, `<${(spec as { description: string }).description}>`, png === undefined ? {} : { png });
}

/** Options of {@link confusionMatrixSpec}. */
export interface ConfusionOptions {
  /** Names of the classes. Default: 0 .. numClasses - 1. */
  classNames?: string[];
  /** How many classes. Default: the largest label or prediction + 1. */
  numClasses?: number;
}

/** The counts of a confusion matrix, rows true class, columns predicted class. */
export function confusionCounts(
  fn: string,
  labels: tf.Tensor | ArrayLike<number>,
  predictions: tf.Tensor | ArrayLike<number>,
  numClasses?: number,
): number[][] {
  const read = (name: string, v: tf.Tensor | ArrayLike<number>) => {
    if (v instanceof tf.Tensor) {
      assertLiveTensor(fn, name, v);
      if (v.rank !== 1)
        throw new RangeError(
          `${fn}: ${name} must be a 1-D tensor of class numbers, received shape [${v.shape.join(", ")}]; use tf.argMax(x, -1) on probabilities or one-hot labels.`,
        );
      return Array.from(v.dataSync() as ArrayLike<number>);
    }
    return Array.from(v);
  };
  const y = read("labels", labels);
  const p = read("predictions", predictions);
  if (y.length !== p.length)
    throw new RangeError(`${fn}: labels (${y.length}) and predictions (${p.length}) must have the same length.`);
  const k = numClasses ?? Math.max(...y, ...p) + 1;
  const counts = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  y.forEach((t, i) => {
    const q = p[i]!;
    if (!Number.isInteger(t) || !Number.isInteger(q) || t < 0 || q < 0 || t >= k || q >= k)
      throw new RangeError(
        `${fn}: entry ${i} has label ${t} and prediction ${q}; classes are whole numbers in [0, ${k - 1}].`,
      );
    counts[t]![q]! += 1;
  });
  return counts;
}

/** A confusion-matrix heatmap with the count in each cell. */
export function confusionMatrixSpec(
  labels: tf.Tensor | ArrayLike<number>,
  predictions: tf.Tensor | ArrayLike<number>,
  options: ConfusionOptions = {},
): TopLevelSpec {
  const fn = "confusionMatrixSpec";
  checkKnownKeys(fn, options, ["classNames", "numClasses"]);
  const counts = confusionCounts(fn, labels, predictions, options.numClasses);
  const k = counts.length;
  const names = options.classNames ?? Array.from({ length: k }, (_, i) => String(i));
  if (names.length !== k) throw new RangeError(`${fn}: option classNames has ${names.length} names for ${k} classes.`);
  const values = counts.flatMap((row, t) => row.map((count, q) => ({ true: names[t], predicted: names[q], count })));
  const total = values.reduce((s, v) => s + v.count, 0);
  const right = counts.reduce((s, row, i) => s + row[i]!, 0);
  const max = Math.max(...values.map((v) => v.count));
  return {
    $schema: schema,
    background: "white",
    description: `Confusion matrix: ${right} of ${total} right (accuracy ${(right / Math.max(1, total)).toFixed(4)})`,
    width: Math.max(200, 32 * k),
    height: Math.max(200, 32 * k),
    data: { values },
    encoding: {
      x: { field: "predicted", type: "ordinal", sort: names, title: "predicted class", axis: { labelAngle: 0 } },
      y: { field: "true", type: "ordinal", sort: names, title: "true class" },
    },
    layer: [
      {
        mark: "rect",
        encoding: { color: { field: "count", type: "quantitative", scale: { scheme: "blues" }, title: "count" } },
      },
      {
        mark: { type: "text", fontSize: 10 },
        encoding: {
          text: { field: "count", type: "quantitative" },
          color: { condition: { test: `datum.count > ${max / 2}`, value: "white" }, value: "black" },
        },
      },
    ],
  };
}

/** Show {@link confusionMatrixSpec}. */
export function plotConfusionMatrix(
  labels: tf.Tensor | ArrayLike<number>,
  predictions: tf.Tensor | ArrayLike<number>,
  options: ConfusionOptions & ChartOptions = {},
): Promise<void> {
  const { png, ...rest } = options;
  const spec = confusionMatrixSpec(labels, predictions, rest);
  return showChart(spec, `<${(spec as { description: string }).description}>`, png === undefined ? {} : { png });
}
