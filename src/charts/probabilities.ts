/** The class probabilities of one prediction, as a Vega-Lite bar chart (pure builder) and its display. */
import * as tf from "@tensorflow/tfjs";
import type { TopLevelSpec } from "vega-lite";
import { messages } from "../messages";
import { checkKnownKeys, integer } from "../options";
import { assertLiveTensor } from "../format/tensor_read";
import { showChart } from "./render";
import { specBase, splitChartOptions, type ChartOptions } from "./spec";

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
      throw new RangeError(messages.probabilitiesShape(fn, p.shape));
    values = Array.from(p.dataSync() as ArrayLike<number>);
  } else {
    values = typeof p === "object" && p !== null ? Array.from(p) : [];
    if (values.length === 0 || !values.every((v) => typeof v === "number"))
      throw new TypeError(messages.badArgument(fn, "probabilities", p, "a tensor or a non-empty array of numbers"));
  }
  if (!values.every(Number.isFinite)) throw new RangeError(messages.probabilitiesNotFinite(fn));
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
  if (names.length !== p.length) throw new RangeError(messages.classNamesCount(fn, names.length, p.length));
  if (options.trueClass !== undefined) integer(fn, "trueClass", options.trueClass, 0, p.length - 1);
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
    ...specBase,
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
  const [rest, display] = splitChartOptions(options);
  const spec = probabilitiesSpec(probabilities, rest);
  return showChart(spec, `<${(spec as { description: string }).description}>`, display);
}
