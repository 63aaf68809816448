/**
 * `str()`: R's one-line structure summary, in TypeScript's terms. `str(x_train)` in the R deck prints
 * `int [1:60000, 1:28, 1:28] 0 0 0 ...`; here it is `int32 [60000, 28, 28] 0 0 0 ...`.
 */
import * as tf from "@tensorflow/tfjs";
import { checkKnownKeys, integer } from "../options";
import { assertLiveTensor } from "./tensor_read";

/** Options of {@link str}. */
export interface StrOptions {
  /** How many leading values to show for each tensor or array. Default 10 (as R shows for MNIST). */
  values?: number;
  /** How deep to descend into nested objects. Default 4. */
  maxDepth?: number;
}

function shortNumber(v: number, integral: boolean): string {
  if (integral || !Number.isFinite(v)) return String(v);
  // R's str shows 3 significant digits.
  return String(Number(v.toPrecision(3)));
}

function valuesText(values: ArrayLike<number | string | boolean>, total: number, dtype: string): string {
  const integral = dtype !== "float32";
  const shown = Array.from(values, (v) =>
    typeof v === "number" ? shortNumber(v, integral) : typeof v === "string" ? JSON.stringify(v) : String(v),
  );
  return shown.join(" ") + (total > values.length ? " ..." : "");
}

/** One line for a tensor: dtype, shape, first values. */
export function strLine(x: tf.Tensor, count = 10): string {
  if (x.isDisposed) return `${x.dtype} [${x.shape.join(", ")}] (disposed)`;
  const head = `${x.dtype} [${x.shape.join(", ")}]`;
  if (x.size === 0) return head;
  if (x.dtype === "complex64") return `${head} (complex)`;
  const n = Math.min(count, x.size);
  const first =
    x.dtype === "string"
      ? (x.dataSync() as unknown as string[]).slice(0, n)
      : tf.tidy(() => Array.from(tf.slice(tf.reshape(x, [-1]), 0, n).dataSync() as ArrayLike<number>));
  const values = x.dtype === "bool" ? first.map((v) => v !== 0) : first;
  return `${head} ${valuesText(values, x.size, x.dtype)}`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object") return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function leaf(value: unknown, count: number): string {
  if (value instanceof tf.Tensor) return strLine(value as tf.Tensor, count);
  if (typeof value === "number") return `number ${value}`;
  if (typeof value === "string") return `string ${JSON.stringify(value)}`;
  if (typeof value === "boolean") return `boolean ${value}`;
  if (value === null || value === undefined) return String(value);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const arr = value as unknown as ArrayLike<number>;
    const name = value.constructor.name;
    return `${name}[${arr.length}] ${valuesText(Array.prototype.slice.call(arr, 0, count) as number[], arr.length, name.startsWith("Float") ? "float32" : "int32")}`.trimEnd();
  }
  if (
    Array.isArray(value) &&
    value.every((v) => typeof v === "number" || typeof v === "string" || typeof v === "boolean")
  ) {
    const allInt = value.every((v) => typeof v !== "number" || Number.isInteger(v));
    const type = value.length > 0 ? typeof value[0] : "unknown";
    return `${type}[${value.length}] ${valuesText(value.slice(0, count), value.length, allInt ? "int32" : "float32")}`.trimEnd();
  }
  if (typeof value === "function") return "function";
  return value.constructor?.name ?? "object";
}

/**
 * The structure of a value in one line per part, like R's `str()`: tensors show dtype, shape and
 * first values; objects and arrays of tensors list their members, indented as R does.
 *
 * @example
 * dd.str(mnist)
 * // Object of 2
 * //  $ train:Object of 2
 * //   ..$ x: int32 [60000, 28, 28] 0 0 0 0 0 0 0 0 0 0 ...
 */
export function str(x: unknown, options: StrOptions = {}): string {
  checkKnownKeys("str", options, ["values", "maxDepth"]);
  const count = integer("str", "values", options.values ?? 10, 0);
  const maxDepth = integer("str", "maxDepth", options.maxDepth ?? 4, 0);
  if (x instanceof tf.Tensor) assertLiveTensor("str", "x", x);
  const lines: string[] = [];
  const walk = (value: unknown, depth: number, prefix: string): void => {
    const members = isPlainObject(value)
      ? Object.entries(value)
      : Array.isArray(value) && !value.every((v) => typeof v !== "object" || v === null)
        ? value.map((v, i) => [`[${i}]`, v] as [string, unknown])
        : null;
    if (members === null) {
      lines.push(prefix + leaf(value, count));
      return;
    }
    lines.push(prefix + `${Array.isArray(value) ? "Array" : "Object"} of ${members.length}`);
    if (depth >= maxDepth) return;
    const width = members.reduce((w, [k]) => Math.max(w, k.length), 0);
    // R's indentation: " $ " at the top, "  ..$ " one level down, "  .. ..$ " two levels down.
    const marker = " " + " ..".repeat(depth) + "$ ";
    for (const [key, member] of members) walk(member, depth + 1, marker + key.padEnd(width) + ":");
  };
  walk(x, 0, "");
  // A nested member's first line sits after its "$ name:" prefix, as in R; a leaf gets one space.
  return lines.map((l) => l.replace(/^((?: \.\.| )*\$ [^:]*:)(?!Object|Array)/, "$1 ")).join("\n");
}
