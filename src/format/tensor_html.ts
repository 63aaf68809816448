/**
 * An HTML table of a 1-D or 2-D tensor (or a 2-D slice of a higher rank one), optionally with each
 * cell shaded by its value: the course's "pixel values of one MNIST digit" figure.
 */
import * as tf from "@tensorflow/tfjs";
import { inspect } from "node:util";
import { addJupyterDisplay, type Displayable, type MimeBundle } from "../display/bundle";
import { display } from "../display/display";
import { messages } from "../messages";
import { bool, checkKnownKeys, integer } from "../options";
import { resolvePrintOptions } from "./print_options";
import { formatElements, formatValues, summaryIndices, type ValueBlock } from "./tensor_format";
import { assertLiveTensor, readBlock } from "./tensor_read";

/** Options of {@link tensorHtml}. */
export interface TensorHtmlOptions {
  /** Shade each cell grey by value, darker for larger values (as ink on paper). Default false. */
  shade?: boolean;
  /** For rank > 2: the indices of the leading axes that pick one 2-D slice, e.g. `[4]` for the fifth digit. */
  slice?: number[];
  /** The value shaded white. Default: the smaller of 0 and the slice's minimum. */
  min?: number;
  /** The value shaded black. Default: the slice's maximum. */
  max?: number;
  /** Digits after the decimal point for floats. Default: the print options' precision. */
  precision?: number;
  /** Summarise with `…` past this many cells. Default 2500. */
  threshold?: number;
}

const optionNames = ["shade", "slice", "min", "max", "precision", "threshold"] as const;

/** HTML with a text fallback, displayable in any front-end. */
export class Html implements Displayable {
  constructor(
    readonly html: string,
    readonly text: string,
  ) {}
  toMimeBundle(): MimeBundle {
    return { "text/html": this.html, "text/plain": this.text };
  }
  toString(): string {
    return this.html;
  }
  [inspect.custom](): string {
    return this.text;
  }
}
addJupyterDisplay(Html.prototype);

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function sliceToMatrix(fn: string, x: tf.Tensor, slice: number[] | undefined): { matrix: tf.Tensor; label: string } {
  if (x.rank === 1 || x.rank === 2) {
    if (slice !== undefined && slice.length > 0) throw new RangeError(messages.badSlice(fn, x.rank, slice));
    return { matrix: x.rank === 1 ? tf.reshape(x, [1, x.shape[0]]) : x, label: "" };
  }
  if (x.rank < 1) throw new RangeError(messages.htmlRank(fn, x.rank));
  if (!Array.isArray(slice) || slice.length !== x.rank - 2) {
    if (slice === undefined) throw new RangeError(messages.htmlRank(fn, x.rank));
    throw new RangeError(messages.badSlice(fn, x.rank, slice));
  }
  slice.forEach((index, axis) => {
    if (!Number.isInteger(index) || index < 0 || index >= x.shape[axis]!)
      throw new RangeError(messages.sliceOutOfRange(fn, axis, index, x.shape[axis]!));
  });
  const begin = [...slice, 0, 0];
  const size = [...slice.map(() => 1), x.shape[x.rank - 2]!, x.shape[x.rank - 1]!];
  const matrix = tf.tidy(() => tf.reshape(tf.slice(x, begin, size), size.slice(-2)));
  return { matrix, label: `[${slice.join(", ")}, :, :]` };
}

/**
 * An HTML table of a tensor's values (numbers on grey cells with `shade: true`), with a plain-text
 * fallback. Reads only the values it shows.
 *
 * @example dd.tensorHtml(mnist.train.x, { slice: [4], shade: true })   // the fifth digit
 */
export function tensorHtml(x: tf.Tensor, options: TensorHtmlOptions = {}): Html {
  const fn = "tensorHtml";
  assertLiveTensor(fn, "x", x);
  checkKnownKeys(fn, options, optionNames);
  const shade = options.shade === undefined ? false : bool(fn, "shade", options.shade);
  const print = resolvePrintOptions(fn, options.precision === undefined ? undefined : { precision: options.precision });
  const threshold = integer(fn, "threshold", options.threshold ?? 2500, 1);
  for (const name of ["min", "max"] as const) {
    const v = options[name];
    if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v)))
      throw new TypeError(messages.optionNotFinite(fn, name, v));
  }
  if (x.dtype === "string" || x.dtype === "complex64") throw new TypeError(messages.notNumericTensor(fn, "x", x.dtype));

  const { matrix, label } = sliceToMatrix(fn, x, options.slice);
  let block: ValueBlock;
  try {
    block = readBlock(matrix, summaryIndices(matrix.shape, { threshold, edgeitems: print.edgeitems }));
  } finally {
    if (matrix !== x) matrix.dispose();
  }
  const [rows, cols] = block.shape as [number, number];
  const numeric = Array.from(block.data, Number);
  const texts = formatElements(block.data, x.dtype, print.precision);
  const finite = numeric.filter(Number.isFinite);
  const lo = options.min ?? Math.min(0, ...finite);
  const hi = options.max ?? Math.max(lo, ...finite);

  const cellStyle = "padding:1px 3px;text-align:right;font:10px/1.2 monospace;border:1px solid #eee;";
  const ellipsis = `<td style="${cellStyle}color:#888">…</td>`;
  const out: string[] = [`<table style="border-collapse:collapse;margin:0">`];
  if (label)
    out.push(
      `<caption style="font:11px monospace;text-align:left">${escapeHtml(`${x.dtype} [${x.shape.join(", ")}] ${label}`)}</caption>`,
    );
  for (let r = 0; r < rows; r++) {
    if (block.cut[0] && r === print.edgeitems) out.push(`<tr>${ellipsis.repeat(cols + (block.cut[1] ? 1 : 0))}</tr>`);
    const cells: string[] = [];
    for (let c = 0; c < cols; c++) {
      if (block.cut[1] && c === print.edgeitems) cells.push(ellipsis);
      const i = r * cols + c;
      let style = cellStyle;
      if (shade && Number.isFinite(numeric[i])) {
        const t = hi > lo ? Math.min(1, Math.max(0, (numeric[i]! - lo) / (hi - lo))) : 0;
        const grey = Math.round(255 * (1 - t));
        style += `background:rgb(${grey},${grey},${grey});color:${grey < 128 ? "#fff" : "#000"};`;
      }
      cells.push(`<td style="${style}">${escapeHtml(texts[i]!)}</td>`);
    }
    out.push(`<tr>${cells.join("")}</tr>`);
  }
  out.push("</table>");
  const text = formatValues(block, x.dtype, print);
  return new Html(out.join(""), label ? `${label}\n${text}` : text);
}

/** Display {@link tensorHtml} in the notebook. */
export function showTensor(x: tf.Tensor, options: TensorHtmlOptions = {}): void {
  display(tensorHtml(x, options));
}

/**
 * The course's "pixel values of one digit" figure: a 2-D image tensor (or `slice` of a batch) as a
 * table of numbers on grey cells, darker for more ink.
 *
 * @example dd.pixelTable(mnist.train.x, { slice: [4] })
 */
export function pixelTable(x: tf.Tensor, options: Omit<TensorHtmlOptions, "shade"> = {}): void {
  display(tensorHtml(x, { ...options, shade: true }));
}
