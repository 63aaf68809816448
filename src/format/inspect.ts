/**
 * How a tensor looks when a notebook cell ends with it (tslab prints the last expression with
 * console.log), or when a script logs it: dtype, shape and numpy-style values.
 */
import * as tf from "@tensorflow/tfjs";
import { resolvePrintOptions, type PrintOptions } from "./print_options";
import { formatValues, summaryIndices } from "./tensor_format";
import { assertLiveTensor, readBlock } from "./tensor_read";
import { strLine } from "./str";

function header(x: tf.Tensor): string {
  const kind = x instanceof tf.Variable ? `Variable ${JSON.stringify(x.name)}` : "Tensor";
  return `${kind} ${x.dtype} [${x.shape.join(", ")}]`;
}

/**
 * The text of a tensor: a header line (kind, dtype, shape) and its values laid out like numpy,
 * summarised with `...` past `threshold` elements. Reads only the values it shows.
 *
 * @example dd.formatTensor(tf.range(0, 2000), { threshold: 10 })
 */
export function formatTensor(x: tf.Tensor, options?: Partial<PrintOptions>): string {
  assertLiveTensor("formatTensor", "x", x);
  const o = resolvePrintOptions("formatTensor", options);
  if (x.dtype === "complex64") {
    return `${header(x)}\n(complex values: print tf.real(x) and tf.imag(x))`;
  }
  const body = formatValues(readBlock(x, summaryIndices(x.shape, o)), x.dtype, o);
  return x.rank === 0 ? `${header(x)} ${body}` : `${header(x)}\n${body}`;
}

/** Print a tensor with per-call options, like numpy's `with printoptions(...)`. */
export function print(x: tf.Tensor, options?: Partial<PrintOptions>): void {
  console.log(formatTensor(x, options));
}

/**
 * How a tf.Tensor prints under `util.inspect` and `console.log` (src/install.ts puts it on
 * `tf.Tensor.prototype[util.inspect.custom]`): {@link formatTensor} at the top level, the one-line
 * {@link str} summary when nested in another object.
 */
export function inspectTensor(this: tf.Tensor, depth: number, options: { depth?: number | null }): string {
  if (this.isDisposed) return `${header(this)} (disposed)`;
  const top = options.depth === null || options.depth === undefined || depth >= options.depth;
  try {
    return top ? formatTensor(this) : strLine(this);
  } catch (e) {
    // Printing must never throw inside console.log; say what went wrong instead.
    return `${header(this)} (values could not be read: ${(e as Error).message})`;
  }
}
