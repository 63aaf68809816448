/** A confusion matrix: its counts, its Vega-Lite heatmap (pure builder) and its display. */
import * as tf from "@tensorflow/tfjs";
import type { TopLevelSpec } from "vega-lite";
import { messages } from "../messages";
import { checkKnownKeys, integer } from "../options";
import { assertLiveTensor } from "../format/tensor_read";
import { showChart } from "./render";
import { specBase, splitChartOptions, type ChartOptions } from "./spec";

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
      if (v.rank !== 1) throw new RangeError(messages.notClassNumbers(fn, name, v.shape));
      return Array.from(v.dataSync() as ArrayLike<number>);
    }
    const values = typeof v === "object" && v !== null ? Array.from(v) : null;
    if (!values?.every((x) => typeof x === "number"))
      throw new TypeError(messages.badArgument(fn, name, v, "a 1-D tensor or an array of class numbers"));
    return values;
  };
  const y = read("labels", labels);
  const p = read("predictions", predictions);
  if (y.length !== p.length) throw new RangeError(messages.lengthsDiffer(fn, y.length, p.length));
  if (numClasses !== undefined) integer(fn, "numClasses", numClasses, 1);
  // Entries are checked below against k; a non-integer maximum must not size the table.
  const k = numClasses ?? Math.max(0, ...[...y, ...p].filter(Number.isInteger)) + 1;
  const counts = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  y.forEach((t, i) => {
    const q = p[i]!;
    if (!Number.isInteger(t) || !Number.isInteger(q) || t < 0 || q < 0 || t >= k || q >= k)
      throw new RangeError(messages.badConfusionEntry(fn, i, t, q, k));
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
  if (names.length !== k) throw new RangeError(messages.classNamesCount(fn, names.length, k));
  const values = counts.flatMap((row, t) => row.map((count, q) => ({ true: names[t], predicted: names[q], count })));
  const total = values.reduce((s, v) => s + v.count, 0);
  const right = counts.reduce((s, row, i) => s + row[i]!, 0);
  const max = Math.max(...values.map((v) => v.count));
  return {
    ...specBase,
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
  const [rest, display] = splitChartOptions(options);
  const spec = confusionMatrixSpec(labels, predictions, rest);
  return showChart(spec, `<${(spec as { description: string }).description}>`, display);
}
