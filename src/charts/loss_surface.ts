/**
 * Optimizers on a 2-D loss surface: the surface drawn as contour lines (computed by d3-contour on a grid
 * the loss function evaluates in one tensor call), and each optimizer's path over it. The course's
 * "learning process dynamics" slide shows an animation from cs231n; this draws the same race from code.
 */
import * as tf from "@tensorflow/tfjs";
import type { TopLevelSpec } from "vega-lite";
import type * as D3Contour from "d3-contour" with { "resolution-mode": "import" };
import { messages } from "../messages";
import { checkKnownKeys, integer } from "../options";
import { showChart } from "./render";
import { specBase, splitChartOptions, type ChartOptions } from "./spec";

/** A loss of two parameters, written with tensor ops so it works elementwise on whole grids and on scalars. */
export type SurfaceFunction = (x: tf.Tensor, y: tf.Tensor) => tf.Tensor;

/** One optimizer's path: the points it visited, in order. */
export interface SurfacePath {
  name: string;
  points: ReadonlyArray<readonly [number, number]>;
}

/** Options of {@link lossSurfaceSpec}. */
export interface LossSurfaceOptions {
  /** The x range drawn. Default: the paths' range, widened by 10%. */
  x?: [number, number];
  /** The y range drawn. Default: the paths' range, widened by 10%. */
  y?: [number, number];
  /** Grid points per axis the contours are computed on. Default 80. */
  resolution?: number;
  /** How many contour levels (spaced evenly on a log scale when the loss is positive), or the levels themselves. Default 14. */
  levels?: number | number[];
  /** Chart title. */
  title?: string;
  /** Plot size in pixels. Default 480 × 300. */
  width?: number;
  height?: number;
}

const optionNames = ["x", "y", "resolution", "levels", "title", "width", "height"] as const;

let d3: Promise<typeof D3Contour> | null = null;
/** d3-contour is an ES module: loaded with a real dynamic import on first use. */
function loadContour(): Promise<typeof D3Contour> {
  d3 ??= import("d3-contour");
  return d3;
}

function range(fn: string, name: string, v: unknown): [number, number] {
  const [lo, hi] = Array.isArray(v) && v.length === 2 ? (v as unknown[]) : [];
  if (typeof lo !== "number" || typeof hi !== "number" || !Number.isFinite(lo) || !Number.isFinite(hi) || lo >= hi)
    throw new RangeError(messages.badRange(fn, name, v));
  return [lo, hi];
}

function isPath(p: unknown): p is SurfacePath {
  if (p === null || typeof p !== "object") return false;
  const { name, points } = p as { name?: unknown; points?: unknown };
  return (
    typeof name === "string" &&
    Array.isArray(points) &&
    points.length > 0 &&
    (points as unknown[]).every(
      (q) => Array.isArray(q) && q.length === 2 && (q as unknown[]).every((n) => typeof n === "number"),
    )
  );
}

function checkPaths(fn: string, paths: unknown): SurfacePath[] {
  if (!Array.isArray(paths)) throw new TypeError(messages.pathsNotArray(fn, paths));
  (paths as unknown[]).forEach((p, i) => {
    if (!isPath(p)) throw new TypeError(messages.badPath(fn, i, p));
  });
  return paths as SurfacePath[];
}

function pathRange(paths: SurfacePath[], axis: 0 | 1): [number, number] {
  const v = paths.flatMap((p) => p.points.map((q) => q[axis])).filter(Number.isFinite);
  if (v.length === 0) return [-1, 1];
  const lo = Math.min(...v);
  const hi = Math.max(...v);
  const pad = Math.max(1e-3, (hi - lo) * 0.1);
  return [lo - pad, hi + pad];
}

/** Rounding to a power of ten under a ten-thousandth of the range: finer than a pixel, and short in JSON. */
function rounder([lo, hi]: [number, number]): (v: number) => number {
  const exponent = Math.floor(Math.log10((hi - lo) / 1e4));
  const step = 10 ** exponent;
  const digits = Math.max(0, -exponent);
  return (v) => Number((Math.round(v / step) * step).toFixed(digits));
}

/** Call the user's loss function: what it throws becomes deepdeck's sentence, with the error as the cause. */
function userCall<T>(fn: string, call: () => T): T {
  try {
    return call();
  } catch (e) {
    if (e instanceof Error && e.message.startsWith(`${fn}: `)) throw e;
    throw new Error(
      messages.userFunctionFailed(fn, "the loss function f", e instanceof Error ? e.message : String(e)),
      {
        cause: e,
      },
    );
  }
}

/** The loss on a resolution × resolution grid, row-major from (x0, y0); one tensor call. */
function evaluateGrid(
  fn: string,
  f: SurfaceFunction,
  [x0, x1]: [number, number],
  [y0, y1]: [number, number],
  n: number,
): Float32Array {
  return tf.tidy(() => {
    const xs = tf.linspace(x0, x1, n);
    const ys = tf.linspace(y0, y1, n);
    const X = tf.tile(tf.reshape(xs, [1, n]), [n, 1]);
    const Y = tf.tile(tf.reshape(ys, [n, 1]), [1, n]);
    const z = userCall(fn, () => f(X, Y));
    if (!(z instanceof tf.Tensor) || z.size !== n * n) {
      throw new TypeError(messages.lossNotPerPoint(fn, n, z));
    }
    return tf.cast(z, "float32").dataSync() as Float32Array;
  });
}

function chooseLevels(values: Float32Array, levels: number | number[]): number[] {
  if (Array.isArray(levels)) return [...levels].sort((a, b) => a - b);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (!(hi > lo)) return [lo];
  // Loss surfaces are steep far from the minimum: levels spaced on a log scale show the valley floor.
  const floor = lo > 0 ? lo : 0;
  const span = hi - floor;
  const first = span * 1e-3;
  return Array.from({ length: levels }, (_, i) => floor + first * Math.pow(span / first, (i + 0.5) / levels));
}

/**
 * A contour chart of the loss `f` with the paths of optimizers over it (start: open circle, end: filled).
 * Async because the contour library is loaded on first use.
 *
 * @example
 * const f = (x, y) => x.square().div(20).add(y.square());
 * await dd.lossSurfaceSpec(f, [{ name: "SGD", points: dd.optimizerPath(f, tf.train.sgd(0.9), [-4, 1.5], 30) }])
 */
export async function lossSurfaceSpec(
  f: SurfaceFunction,
  paths: SurfacePath[],
  options: LossSurfaceOptions = {},
): Promise<TopLevelSpec> {
  const fn = "lossSurfaceSpec";
  if (typeof f !== "function") throw new TypeError(messages.lossNotFunction(fn, f));
  checkKnownKeys(fn, options, optionNames);
  checkPaths(fn, paths);
  const xr = options.x === undefined ? pathRange(paths, 0) : range(fn, "x", options.x);
  const yr = options.y === undefined ? pathRange(paths, 1) : range(fn, "y", options.y);
  const n = integer(fn, "resolution", options.resolution ?? 80, 8, 1000);
  const levels = options.levels ?? 14;
  if (
    !(Array.isArray(levels)
      ? levels.every(Number.isFinite) && levels.length > 0
      : Number.isInteger(levels) && levels >= 1)
  ) {
    throw new RangeError(messages.badLevels(fn, levels));
  }
  const values = evaluateGrid(fn, f, xr, yr, n);
  const thresholds = chooseLevels(values, levels);
  const { contours } = await loadContour();
  const geometries = contours().size([n, n]).thresholds(thresholds)(
    Array.from(values, (v) => (Number.isFinite(v) ? v : Number.MAX_VALUE)),
  );
  // d3-contour puts grid value k at coordinate k + 0.5.
  const sx = (xr[1] - xr[0]) / (n - 1);
  const sy = (yr[1] - yr[0]) / (n - 1);
  const lines: { level: number; ring: string; order: number; x: number; y: number }[] = [];
  // Rounded: the points stay finer than a pixel and the notebook a fraction the size.
  const roundX = rounder(xr);
  const roundY = rounder(yr);
  // The polygons d3 returns are closed along the grid's border; those stretches are not contour lines,
  // so each ring is cut where it leaves the grid and only the pieces inside are drawn.
  const inside = (v: number, [lo, hi]: [number, number], step: number) =>
    v >= lo - step * 1e-6 && v <= hi + step * 1e-6;
  for (const g of geometries) {
    g.coordinates.forEach((polygon, p) =>
      polygon.forEach((ring, r) => {
        let piece = 0;
        let wasInside = false;
        ring.forEach(([gx, gy], order) => {
          const x = roundX(xr[0] + (gx! - 0.5) * sx);
          const y = roundY(yr[0] + (gy! - 0.5) * sy);
          const isInside = inside(x, xr, sx) && inside(y, yr, sy);
          if (isInside && !wasInside) piece++;
          if (isInside) lines.push({ level: g.value, ring: `${g.value}:${p}:${r}:${piece}`, order, x, y });
          wasInside = isInside;
        });
      }),
    );
  }
  const steps = paths.flatMap((p) => p.points.map(([x, y], step) => ({ optimizer: p.name, step, x, y })));
  const ends = paths.flatMap((p) => [
    { optimizer: p.name, where: "start", x: p.points[0]![0], y: p.points[0]![1] },
    { optimizer: p.name, where: "end", x: p.points[p.points.length - 1]![0], y: p.points[p.points.length - 1]![1] },
  ]);
  const names = paths.map((p) => p.name);
  const x = { field: "x", type: "quantitative", scale: { domain: xr, nice: false, zero: false }, title: "x" } as const;
  const y = { field: "y", type: "quantitative", scale: { domain: yr, nice: false, zero: false }, title: "y" } as const;
  return {
    ...specBase,
    ...(options.title ? { title: options.title } : {}),
    description: `Loss surface on x ∈ [${xr.join(", ")}], y ∈ [${yr.join(", ")}] with ${thresholds.length} contour levels and ${paths.length} optimizer path(s)`,
    width: options.width ?? 480,
    height: options.height ?? 300,
    layer: [
      {
        data: { values: lines },
        mark: { type: "line", clip: true, strokeWidth: 1, interpolate: "linear" },
        encoding: {
          x,
          y,
          detail: { field: "ring", type: "nominal" },
          order: { field: "order", type: "quantitative" },
          color: {
            field: "level",
            type: "quantitative",
            scale: { type: "log", scheme: "greys", reverse: true },
            legend: null,
          },
        },
      },
      {
        data: { values: steps },
        mark: { type: "line", clip: true, strokeWidth: 2, point: { size: 12, filled: true } },
        encoding: {
          x,
          y,
          order: { field: "step", type: "quantitative" },
          color: {
            field: "optimizer",
            type: "nominal",
            sort: names,
            scale: { scheme: "category10" },
            title: "optimizer",
          },
          tooltip: [
            { field: "optimizer" },
            { field: "step" },
            { field: "x", format: ".3f" },
            { field: "y", format: ".3f" },
          ],
        },
      },
      {
        data: { values: ends },
        mark: { type: "point", clip: true, size: 90, strokeWidth: 2 },
        encoding: {
          x,
          y,
          color: { field: "optimizer", type: "nominal", sort: names, scale: { scheme: "category10" }, legend: null },
          fill: {
            condition: {
              test: "datum.where === 'end'",
              field: "optimizer",
              type: "nominal",
              sort: names,
              scale: { scheme: "category10" },
              legend: null,
            },
            value: "white",
          },
          shape: { value: "circle" },
        },
      },
    ],
  };
}

/** Where each path ends and the loss there, one line per optimizer. */
export function lossSurfaceSummary(f: SurfaceFunction, paths: SurfacePath[]): string {
  const fn = "lossSurfaceSummary";
  if (typeof f !== "function") throw new TypeError(messages.lossNotFunction(fn, f));
  checkPaths(fn, paths);
  return paths
    .map((p) => {
      const [x, y] = p.points[p.points.length - 1]!;
      const loss = tf.tidy(() => f(tf.scalar(x), tf.scalar(y)).dataSync()[0]!);
      return `${p.name}: ${p.points.length - 1} steps, ends at (${x.toFixed(3)}, ${y.toFixed(3)}), loss ${loss.toPrecision(3)}`;
    })
    .join("\n");
}

/** Show {@link lossSurfaceSpec}; the text form lists where each optimizer ended. */
export async function plotLossSurface(
  f: SurfaceFunction,
  paths: SurfacePath[],
  options: LossSurfaceOptions & ChartOptions = {},
): Promise<void> {
  const [rest, display] = splitChartOptions(options);
  const spec = await lossSurfaceSpec(f, paths, rest);
  return showChart(
    spec,
    `<${(spec as { description: string }).description}>\n${lossSurfaceSummary(f, paths)}`,
    display,
  );
}

/**
 * The points an optimizer visits minimising `f` from `start`: `steps` calls of `optimizer.minimize`
 * on a variable [x, y]. The optimizer's state (momentum, Adam's moments) belongs to this path, so the
 * optimizer is disposed at the end with the variable: give each path a new one.
 */
export function optimizerPath(
  f: SurfaceFunction,
  optimizer: tf.Optimizer,
  start: readonly [number, number],
  steps: number,
): [number, number][] {
  const fn = "optimizerPath";
  if (!(optimizer instanceof tf.Optimizer)) throw new TypeError(messages.notAnOptimizer(fn, optimizer));
  try {
    if (typeof f !== "function") throw new TypeError(messages.lossNotFunction(fn, f));
    if (!Array.isArray(start) || start.length !== 2 || !start.every(Number.isFinite))
      throw new TypeError(messages.badStart(fn, start));
    integer(fn, "steps", steps, 0, 100000);
  } catch (e) {
    // The optimizer is the path's (it is disposed at the end), so a refused call disposes it too.
    optimizer.dispose();
    throw e;
  }
  // f is tried once outside a gradient tape first: a loss that throws under minimize leaves behind the
  // tensors the tape saved for the backward pass (tfjs frees them only when the backward pass runs).
  try {
    tf.tidy(() => {
      userCall(fn, () => f(tf.tensor1d([start[0]]), tf.tensor1d([start[1]])));
    });
  } catch (e) {
    optimizer.dispose();
    throw e;
  }
  const initial = tf.tensor1d([start[0], start[1]]);
  const p = tf.variable(initial);
  initial.dispose();
  try {
    const points: [number, number][] = [[start[0], start[1]]];
    for (let i = 0; i < steps; i++) {
      // The inner tidy frees what f made before it threw (minimize's own scope keeps them otherwise).
      userCall(fn, () =>
        optimizer.minimize(() => tf.tidy(() => tf.sum<tf.Scalar>(f(p.slice(0, 1), p.slice(1, 1)))), false, [p]),
      );
      const [x, y] = p.dataSync();
      points.push([x!, y!]);
    }
    return points;
  } finally {
    p.dispose();
    optimizer.dispose();
  }
}
