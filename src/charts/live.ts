/**
 * Watching `model.fit`: a Keras-style progress line (`375/375 ━━━━ 2s 5ms/step - loss: ...`) and the
 * history chart redrawn in place after every epoch, its epoch axis sized to the planned epochs as R
 * keras's live view is. In a terminal only the progress line is printed.
 */
import * as tf from "@tensorflow/tfjs";
import { hasDisplayFrontEnd, newDisplay, type DisplayHandle } from "../display/display";
import { messages } from "../messages";
import { bool, checkKnownKeys, integer } from "../options";
import { formatMetrics, historySpec, historySummary, type HistoryOptions } from "./history";
import { chart, showChart } from "./render";
import { splitChartOptions, type ChartOptions } from "./spec";

type Logs = Record<string, unknown>;

function scalar(v: unknown): number {
  if (typeof v === "number") return v;
  if (v instanceof tf.Tensor && !v.isDisposed) return (v.dataSync() as ArrayLike<number>)[0]!;
  return NaN;
}

function formatDuration(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${Math.round(s)}s`;
  const m = Math.floor(s / 60);
  return `${m}m ${String(Math.round(s - m * 60)).padStart(2, "0")}s`;
}

/**
 * One Keras progress line. `elapsedMs` is the time since the epoch began; while running it shows the
 * time left, when done the total and the time per step.
 *
 * @example progressLine({ step: 375, steps: 375, elapsedMs: 1875, logs: { loss: 0.06 }, done: true })
 * // "375/375 ━━━━━━━━━━━━━━━━━━━━ 2s 5ms/step - loss: 0.0600"
 */
export function progressLine(p: {
  step: number;
  steps: number;
  elapsedMs: number;
  logs: Record<string, number>;
  done: boolean;
  width?: number;
}): string {
  const fn = "progressLine";
  if (typeof p !== "object" || p === null)
    throw new TypeError(messages.badArgument(fn, "progress", p, "{ step, steps, elapsedMs, logs, done }"));
  integer(fn, "steps", p.steps, 0);
  // step may pass steps (a count tfjs could not know beforehand): the bar is then full.
  integer(fn, "step", p.step, 0);
  const width = integer(fn, "width", p.width ?? 20, 1, 1000);
  if (typeof p.elapsedMs !== "number" || !(p.elapsedMs >= 0))
    throw new RangeError(messages.badOption(fn, "elapsedMs", p.elapsedMs, "a number of milliseconds >= 0"));
  bool(fn, "done", p.done);
  if (typeof p.logs !== "object" || p.logs === null || !Object.values(p.logs).every((v) => typeof v === "number"))
    throw new TypeError(messages.badArgument(fn, "logs", p.logs, "an object of numbers like { loss: 0.3 }"));
  const filled = p.steps > 0 ? Math.round((width * Math.min(p.step, p.steps)) / p.steps) : width;
  const bar = "━".repeat(filled) + "─".repeat(width - filled);
  const perStep = p.step > 0 ? p.elapsedMs / p.step : 0;
  const time = p.done
    ? `${formatDuration(p.elapsedMs)} ${Math.round(perStep)}ms/step`
    : `${formatDuration(perStep * (p.steps - p.step))} left`;
  const counter = `${String(p.step).padStart(String(p.steps).length)}/${p.steps}`;
  return [`${counter} ${bar} ${time}`, ...formatMetrics(p.logs)].join(" - ");
}

/** Options of {@link liveTraining}. */
export interface LiveTrainingOptions extends Pick<HistoryOptions, "metrics" | "width" | "height"> {
  /** Redraw the history chart after each epoch. Default true in a notebook, false in a terminal. */
  chart?: boolean;
  /** Show the progress line. Default true. */
  progress?: boolean;
  /** The least time between two progress updates, in milliseconds. Default 250. */
  throttleMs?: number;
}

const liveOptionNames = ["metrics", "width", "height", "chart", "progress", "throttleMs"] as const;

/** The callback behind {@link liveTraining}; `history` holds the logs of every finished epoch. */
export class LiveTraining extends tf.Callback {
  readonly history: Record<string, number>[] = [];
  private readonly options: Required<Pick<LiveTrainingOptions, "chart" | "progress" | "throttleMs">> &
    LiveTrainingOptions;
  private readonly inKernel: boolean;
  private progressHandle: DisplayHandle | null = null;
  private chartHandle: DisplayHandle | null = null;
  private finishedLines: string[] = [];
  private epochStart = 0;
  private lastDraw = 0;
  private epochsPlanned = 0;
  private epoch = 0;
  private pendingChart: Promise<void> = Promise.resolve();

  constructor(options: LiveTrainingOptions = {}) {
    super();
    const fn = "liveTraining";
    checkKnownKeys(fn, options, liveOptionNames);
    this.inKernel = hasDisplayFrontEnd();
    this.options = {
      ...options,
      chart: options.chart ?? this.inKernel,
      progress: options.progress ?? true,
      throttleMs: integer(fn, "throttleMs", options.throttleMs ?? 250, 0),
    };
    if (options.chart !== undefined) bool(fn, "chart", options.chart);
    if (options.progress !== undefined) bool(fn, "progress", options.progress);
    if (
      options.metrics !== undefined &&
      !(Array.isArray(options.metrics) && options.metrics.every((m) => typeof m === "string"))
    )
      throw new TypeError(messages.badOption(fn, "metrics", options.metrics, "an array of metric names"));
    for (const k of ["width", "height"] as const) if (options[k] !== undefined) integer(fn, k, options[k], 1);
  }

  private get steps(): number {
    const p = this.params as { steps?: number | null; samples?: number | null; batchSize?: number };
    if (p.steps) return p.steps;
    return p.samples && p.batchSize ? Math.ceil(p.samples / p.batchSize) : 0;
  }

  private writeProgress(line: string, done: boolean): void {
    if (!this.options.progress) return;
    if (this.inKernel) {
      this.progressHandle ??= newDisplay();
      const text = [...this.finishedLines, line].join("\n");
      this.progressHandle.update({ "text/plain": text });
      if (done) this.finishedLines.push(line);
    } else if (process.stdout.isTTY) {
      process.stdout.write(`\r\x1b[K${line}${done ? "\n" : ""}`);
    } else if (done) {
      process.stdout.write(`${line}\n`);
    }
  }

  override async onTrainBegin(): Promise<void> {
    this.epochsPlanned = (this.params as { epochs?: number }).epochs ?? 0;
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    this.epoch = epoch;
    this.epochStart = Date.now();
    this.lastDraw = 0;
    const header = `Epoch ${epoch + 1}/${this.epochsPlanned}`;
    if (this.inKernel) this.finishedLines.push(header);
    else if (this.options.progress) process.stdout.write(`${header}\n`);
  }

  override async onBatchEnd(batch: number, logs?: Logs): Promise<void> {
    const now = Date.now();
    if (!this.options.progress || now - this.lastDraw < this.options.throttleMs) return;
    this.lastDraw = now;
    const values = Object.fromEntries(Object.entries(logs ?? {}).map(([k, v]) => [k, scalar(v)]));
    this.writeProgress(
      progressLine({ step: batch + 1, steps: this.steps, elapsedMs: now - this.epochStart, logs: values, done: false }),
      false,
    );
  }

  override async onEpochEnd(_epoch: number, logs?: Logs): Promise<void> {
    const values = Object.fromEntries(Object.entries(logs ?? {}).map(([k, v]) => [k, scalar(v)]));
    this.history.push(values);
    this.writeProgress(
      progressLine({
        step: this.steps,
        steps: this.steps,
        elapsedMs: Date.now() - this.epochStart,
        logs: values,
        done: true,
      }),
      true,
    );
    if (this.options.chart) {
      // Charts render while the next epoch trains; wait for the previous one so updates stay in order.
      await this.pendingChart;
      this.pendingChart = this.drawChart(false);
    }
  }

  override async onTrainEnd(): Promise<void> {
    if (this.options.chart) {
      await this.pendingChart;
      // The last drawing also carries a PNG, so the saved notebook shows the curves everywhere.
      await this.drawChart(true);
    }
  }

  private async drawChart(png: boolean): Promise<void> {
    const { metrics, width, height } = this.options;
    const spec = historySpec(this.history, {
      epochs: Math.max(this.epochsPlanned, this.history.length),
      ...(metrics ? { metrics } : {}),
      ...(width ? { width } : {}),
      ...(height ? { height } : {}),
    });
    const c = await chart(spec, historySummary(this.history, this.epochsPlanned), { png });
    this.chartHandle ??= newDisplay();
    this.chartHandle.update(c);
  }
}

/**
 * A `model.fit` callback that shows training as it happens: the progress line, throttled, and the
 * learning curves redrawn in place after each epoch.
 *
 * @example
 * await model.fit(x, y, { epochs: 30, batchSize: 128, validationSplit: 0.2, callbacks: [dd.liveTraining()] });
 */
export function liveTraining(options: LiveTrainingOptions = {}): LiveTraining {
  return new LiveTraining(options);
}

/**
 * Show the learning curves of a finished `model.fit`, like R keras's `plot(history)`.
 *
 * @example await dd.plotHistory(history)
 */
export function plotHistory(
  history: Parameters<typeof historySpec>[0],
  options: HistoryOptions & ChartOptions = {},
): Promise<void> {
  const [rest, display] = splitChartOptions(options);
  return showChart(historySpec(history, rest), historySummary(history), display);
}
