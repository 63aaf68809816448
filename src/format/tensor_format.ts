/**
 * Tensor formatting as a pure function of values, shape, dtype and options: numpy's layout
 * (nested brackets, aligned columns, `...` for summarised axes, wrapped rows).
 */
import type { PrintOptions } from "./print_options";

export type Element = number | boolean | string;

/** The values to print: all of them, or only the edges of each summarised axis. */
export interface ValueBlock {
  /** Values in row-major order, of shape `shape`. */
  data: ArrayLike<Element>;
  /** The shape of `data` (a cut axis has length `2 * edgeitems`). */
  shape: readonly number[];
  /** For each axis, whether it was cut to its first and last `edgeitems` values. */
  cut: readonly boolean[];
}

/** The indices to read along each axis: every index, or the first and last `edgeitems` of a long axis. */
export function summaryIndices(
  shape: readonly number[],
  options: Pick<PrintOptions, "threshold" | "edgeitems">,
): number[][] {
  const size = shape.reduce((a, b) => a * b, 1);
  const summarise = size > options.threshold;
  const e = options.edgeitems;
  return shape.map((n) => {
    if (!summarise || n <= 2 * e) return Array.from({ length: n }, (_, i) => i);
    return [...Array.from({ length: e }, (_, i) => i), ...Array.from({ length: e }, (_, i) => n - e + i)];
  });
}

/** Format a float like numpy: fixed point, or scientific when magnitudes are very large, very small or far apart. */
export function floatFormatter(values: ArrayLike<Element>, precision: number): (v: number) => string {
  let maxAbs = 0;
  let minAbs = Infinity;
  let allIntegral = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) continue;
    const a = Math.abs(v);
    if (a > maxAbs) maxAbs = a;
    if (a > 0 && a < minAbs) minAbs = a;
    if (!Number.isInteger(v)) allIntegral = false;
  }
  const special = (v: number) => (Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
  const scientific =
    maxAbs >= 1e8 || (minAbs < 1e-4 && !allIntegral) || (minAbs !== Infinity && maxAbs / minAbs > 1e3 && !allIntegral);
  if (allIntegral && maxAbs < 1e16) {
    return (v) => (Number.isFinite(v) ? `${Object.is(v, -0) ? "-0" : v.toFixed(0)}.` : special(v));
  }
  if (scientific) {
    let digits = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      if (!Number.isFinite(v)) continue;
      const mantissa = v.toExponential(precision).split("e")[0]!;
      digits = Math.max(digits, fractionDigits(mantissa));
    }
    return (v) => {
      if (!Number.isFinite(v)) return special(v);
      const [m, e] = v.toExponential(digits).split("e") as [string, string];
      const exp = Number(e);
      return `${m}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
    };
  }
  let digits = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Number.isFinite(v)) digits = Math.max(digits, fractionDigits(v.toFixed(precision)));
  }
  return (v) => (Number.isFinite(v) ? (digits === 0 ? `${v.toFixed(0)}.` : v.toFixed(digits)) : special(v));
}

function fractionDigits(fixed: string): number {
  const dot = fixed.indexOf(".");
  if (dot < 0) return 0;
  let end = fixed.length;
  while (end > dot + 1 && fixed[end - 1] === "0") end--;
  return end - dot - 1;
}

/** One string per element, chosen by dtype; floats share one format so columns line up. */
export function formatElements(data: ArrayLike<Element>, dtype: string, precision: number): string[] {
  const out = new Array<string>(data.length);
  if (dtype === "float32" || dtype === "complex64") {
    const f = floatFormatter(data, precision);
    for (let i = 0; i < data.length; i++) out[i] = f(data[i] as number);
  } else if (dtype === "string") {
    for (let i = 0; i < data.length; i++) out[i] = JSON.stringify(String(data[i]));
  } else if (dtype === "bool") {
    for (let i = 0; i < data.length; i++) out[i] = data[i] ? "true" : "false";
  } else {
    for (let i = 0; i < data.length; i++) out[i] = String(data[i]);
  }
  return out;
}

/**
 * The numpy-style body of a tensor: `[[1, 2],\n [3, 4]]`, with `...` where an axis was cut.
 *
 * @example formatValues({ data: [1, 2, 3, 4], shape: [2, 2], cut: [false, false] }, "int32", options)
 */
export function formatValues(
  block: ValueBlock,
  dtype: string,
  options: Pick<PrintOptions, "precision" | "linewidth" | "edgeitems">,
): string {
  const rank = block.shape.length;
  const strings = formatElements(block.data, dtype, options.precision);
  if (rank === 0) return strings[0] ?? "";
  const width = strings.reduce((w, s) => Math.max(w, s.length), 0);
  const padded = strings.map((s) => (dtype === "string" ? s.padEnd(width) : s.padStart(width)));
  const strides = new Array<number>(rank).fill(1);
  for (let a = rank - 2; a >= 0; a--) strides[a] = strides[a + 1]! * block.shape[a + 1]!;
  const e = options.edgeitems;

  const render = (axis: number, offset: number): string => {
    const n = block.shape[axis]!;
    const indent = " ".repeat(axis + 1);
    if (axis === rank - 1) {
      const items: string[] = [];
      for (let i = 0; i < n; i++) {
        if (block.cut[axis] && i === e) items.push("...");
        items.push(padded[offset + i]!);
      }
      return "[" + wrapRow(items, indent, options.linewidth - 1) + "]";
    }
    const parts: string[] = [];
    for (let i = 0; i < n; i++) {
      if (block.cut[axis] && i === e) parts.push("...");
      parts.push(render(axis + 1, offset + i * strides[axis]!));
    }
    const separator = "," + "\n".repeat(rank - axis - 1) + indent;
    return "[" + parts.join(separator) + "]";
  };
  return render(0, 0);
}

/** Join row items with ", ", starting a new indented line before the line would pass `linewidth`. */
function wrapRow(items: readonly string[], indent: string, linewidth: number): string {
  const lines: string[] = [];
  let line = "";
  for (const item of items) {
    const candidate = line === "" ? item : `${line}, ${item}`;
    if (line !== "" && indent.length + candidate.length + 1 > linewidth) {
      lines.push(line + ",");
      line = item;
    } else {
      line = candidate;
    }
  }
  lines.push(line);
  return lines.join("\n" + indent);
}
