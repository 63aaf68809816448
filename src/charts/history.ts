/**
 * The learning curves of `model.fit` as a Vega-Lite spec, in the look of R keras's `plot(history)`:
 * one panel per metric, training and validation in two colours, points plus a smoothed line from
 * 10 epochs on, accuracy on [0, 1], whole-number epochs. A pure function of the history.
 */
import type { TopLevelSpec } from "vega-lite";
import { messages } from "../messages";
import { checkKnownKeys, integer } from "../options";
import { specBase } from "./spec";

/** What `model.fit` resolves to (tf.History), or one logs object per epoch. */
export type HistoryLike =
  | { history: Record<string, (number | { dataSync(): ArrayLike<number> })[]>; epoch?: number[] }
  | Record<string, number>[];

/** Options of {@link historySpec}. */
export interface HistoryOptions {
  /** The metrics to draw (without `val_`), in order. Default: loss first, then every other metric. */
  metrics?: string[];
  /** Size the epoch axis for this many epochs (a live chart during training). Default: the epochs run. */
  epochs?: number;
  /** Draw a smoothed (loess) line through the points: "auto" (default) from 10 epochs on, or true/false. */
  smooth?: boolean | "auto";
  /** Width of each panel in pixels. Default 480. */
  width?: number;
  /** Height of each panel in pixels. Default 150. */
  height?: number;
}

export const historyOptionNames = ["metrics", "epochs", "smooth", "width", "height"] as const;

/** R keras's (ggplot2's) two colours. */
export const trainingColors = { training: "#F8766D", validation: "#00BFC4" } as const;

/** Per-metric values by epoch, from any {@link HistoryLike}. */
export interface HistoryTable {
  epochs: number[];
  series: Map<string, number[]>;
}

/** A logged value as a number (NaN stays NaN, a gap in the curve); anything else is refused, naming `where`. */
function scalar(fn: string, where: string, v: unknown): number {
  if (typeof v === "number") return v;
  if (v && typeof (v as { dataSync?: unknown }).dataSync === "function")
    return Number((v as { dataSync(): ArrayLike<number> }).dataSync()[0]);
  throw new TypeError(messages.badHistoryValue(fn, where, v));
}

export function historyTable(fn: string, history: HistoryLike): HistoryTable {
  const series = new Map<string, number[]>();
  if (Array.isArray(history)) {
    history.forEach((logs, i) => {
      if (logs === null || typeof logs !== "object") throw new TypeError(messages.badHistoryEntry(fn, i, logs));
      for (const [k, v] of Object.entries(logs)) {
        if (!series.has(k)) series.set(k, new Array<number>(history.length).fill(NaN));
        series.get(k)![i] = scalar(fn, `history entry ${i}'s ${k}`, v);
      }
    });
    return { epochs: history.map((_, i) => i + 1), series };
  }
  if (!history || typeof history !== "object" || typeof history.history !== "object" || history.history === null) {
    throw new TypeError(messages.notAHistory(fn, history));
  }
  let n = 0;
  let first = "";
  for (const [k, values] of Object.entries(history.history)) {
    if (!Array.isArray(values)) throw new TypeError(messages.badHistorySeries(fn, k));
    if (first && values.length !== n)
      throw new RangeError(messages.historyLengthsDiffer(fn, k, values.length, first, n));
    series.set(
      k,
      values.map((v, i) => scalar(fn, `history.history.${k}[${i}]`, v)),
    );
    if (!first) [first, n] = [k, values.length];
  }
  const epochs =
    history.epoch && history.epoch.length === n
      ? history.epoch.map((e) => e + 1)
      : Array.from({ length: n }, (_, i) => i + 1);
  return { epochs, series };
}

/** The metric names to plot: loss first, then the rest; `val_x` joins `x`. */
export function historyMetrics(table: HistoryTable): string[] {
  const base = new Set<string>();
  for (const k of table.series.keys()) base.add(k.startsWith("val_") ? k.slice(4) : k);
  return [...base].sort((a, b) => (a === "loss" ? -1 : b === "loss" ? 1 : a.localeCompare(b)));
}

const isAccuracy = (m: string) => /^(acc|accuracy|.*_accuracy|binary_accuracy|categorical_accuracy)$/.test(m);
const displayName = (m: string) => (m === "acc" ? "accuracy" : m);

/**
 * The Vega-Lite spec of a training history.
 *
 * @example dd.historySpec(await model.fit(x, y, { epochs: 30, validationSplit: 0.2 }))
 */
export function historySpec(history: HistoryLike, options: HistoryOptions = {}): TopLevelSpec {
  const fn = "historySpec";
  checkKnownKeys(fn, options, historyOptionNames);
  const table = historyTable(fn, history);
  const known = historyMetrics(table);
  const metrics = options.metrics ?? known;
  for (const m of metrics) if (!known.includes(m)) throw new RangeError(messages.unknownMetric(fn, m, known));
  const ran = table.epochs.length;
  const planned = options.epochs === undefined ? ran : integer(fn, "epochs", options.epochs, 1);
  const smooth = options.smooth ?? "auto";
  if (smooth !== "auto" && typeof smooth !== "boolean") throw new TypeError(messages.badSmooth(fn, smooth));
  const drawSmooth = smooth === "auto" ? ran >= 10 : smooth;
  const width = integer(fn, "width", options.width ?? 480, 50);
  const height = integer(fn, "height", options.height ?? 150, 50);
  const maxEpoch = Math.max(planned, ...table.epochs, 1);

  const panels = metrics.map((metric) => {
    const values: { epoch: number; data: string; value: number }[] = [];
    for (const [key, data] of [
      [metric, "training"],
      [`val_${metric}`, "validation"],
    ] as const) {
      const s = table.series.get(key);
      if (!s) continue;
      s.forEach((value, i) => {
        if (Number.isFinite(value)) values.push({ epoch: table.epochs[i]!, data, value });
      });
    }
    const name = displayName(metric);
    const y = {
      field: "value",
      type: "quantitative" as const,
      title: name,
      ...(isAccuracy(metric) ? { scale: { domain: [0, 1] } } : { scale: { zero: false } }),
    };
    const x = {
      field: "epoch",
      type: "quantitative" as const,
      title: "epoch",
      scale: { domain: [1, maxEpoch], nice: false },
      // Vega's tickMinStep lowers the tick count but d3 still picks half steps over a span of 1 or 2
      // (3 epochs read "1 2 2 3 3"): up to 10 epochs each one is named.
      axis:
        maxEpoch <= 10
          ? { values: Array.from({ length: maxEpoch }, (_, i) => i + 1), format: "d" }
          : { tickMinStep: 1, format: "d" },
    };
    const color = {
      field: "data",
      type: "nominal" as const,
      title: null,
      scale: { domain: ["training", "validation"], range: [trainingColors.training, trainingColors.validation] },
    };
    const layer: object[] = [
      {
        mark: { type: "point", filled: true, size: 30 },
        encoding: { x, y, color, tooltip: [{ field: "epoch" }, { field: "data" }, { field: "value", format: ".4f" }] },
      },
    ];
    if (drawSmooth)
      layer.push({
        transform: [{ loess: "value", on: "epoch", groupby: ["data"], bandwidth: 0.5 }],
        mark: { type: "line", strokeWidth: 1.5, opacity: 0.7 },
        encoding: { x, y, color },
      });
    return { width, height, data: { values }, layer };
  });

  return {
    ...specBase,
    description: `Training history: ${metrics.map(displayName).join(", ")} over ${ran} epoch${ran === 1 ? "" : "s"}`,
    vconcat: panels,
    config: { view: { stroke: "#ddd" }, axis: { grid: true, gridColor: "#eee" }, legend: { orient: "right" } },
  } as TopLevelSpec;
}

/** Metrics as Keras 3 prints them: `acc` named `accuracy`, sorted by name (so `val_` ones come last), 4 decimals. */
export function formatMetrics(logs: Record<string, number>): string[] {
  return Object.entries(logs)
    .filter(([k]) => k !== "batch" && k !== "size")
    .map(([k, v]) => [k === "acc" ? "accuracy" : k === "val_acc" ? "val_accuracy" : k, v] as const)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}: ${Number.isFinite(v) ? v.toFixed(4) : "nan"}`);
}

/** The last epoch in one line, Keras style: `epoch 30/30 - accuracy: 0.9810 - loss: 0.0612 - val_accuracy: ...`. */
export function historySummary(history: HistoryLike, planned?: number): string {
  const table = historyTable("historySummary", history);
  if (planned !== undefined) integer("historySummary", "planned", planned, 0);
  const n = table.epochs.length;
  if (n === 0) return "no epochs yet";
  const last = Object.fromEntries([...table.series.entries()].map(([k, v]) => [k, v[n - 1]!]));
  return [`epoch ${table.epochs[n - 1]}/${planned ?? table.epochs[n - 1]}`, ...formatMetrics(last)].join(" - ");
}
