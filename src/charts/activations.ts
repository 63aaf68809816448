/** The activation functions the course draws, as a Vega-Lite line chart (pure builder) and its display. */
import type { TopLevelSpec } from "vega-lite";
import { messages } from "../messages";
import { checkKnownKeys, integer, keyword } from "../options";
import { showChart } from "./render";
import { specBase, splitChartOptions, type ChartOptions } from "./spec";

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
    throw new RangeError(messages.badDomain(fn, options.domain));
  const samples = integer(fn, "samples", options.samples ?? 201, 2, 100000);
  const entries: [string, (x: number) => number][] = Array.isArray(functions)
    ? functions.map((name) => [keyword(fn, "functions", name, activationNames), activations[name]])
    : Object.entries(functions);
  if (entries.length === 0) throw new RangeError(messages.noFunctions(fn));
  const values: { x: number; y: number; f: string }[] = [];
  for (const [name, f] of entries) {
    if (typeof f !== "function") throw new TypeError(messages.notAFunctionOfNumber(fn, name, f));
    for (let i = 0; i < samples; i++) {
      const x = lo + ((hi - lo) * i) / (samples - 1);
      let y: unknown;
      try {
        y = f(x);
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        throw new Error(messages.userFunctionFailed(fn, `${JSON.stringify(name)} at x = ${x}`, why), { cause: e });
      }
      if (typeof y !== "number") throw new TypeError(messages.activationNotNumber(fn, name, x, y));
      values.push({ x, y, f: name });
    }
  }
  return {
    ...specBase,
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
  const [rest, display] = splitChartOptions(options);
  const names = Array.isArray(functions) ? functions : Object.keys(functions);
  return showChart(activationSpec(functions, rest), `<chart of ${names.join(", ")}>`, display);
}
