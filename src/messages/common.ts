import { describe } from "./describe";

/** Messages shared by every wing: tensor arguments and options. `fn` is the function the user called. */
export const common = {
  notATensor: (fn: string, arg: string, value: unknown) =>
    `${fn}: ${arg} must be a tf.Tensor, received ${describe(value)}.`,
  disposedTensor: (fn: string, arg: string) =>
    `${fn}: ${arg} is a tensor that was already disposed; keep it alive (tf.keep, or create it outside tf.tidy) until you are done with it.`,
  /** An argument or option `name` that is not `expected` (a noun phrase: "a finite number"). */
  badOption: (fn: string, name: string, value: unknown, expected: string) =>
    `${fn}: option ${name} must be ${expected}, received ${describe(value)}.`,
  /** An argument (not an option) `arg` that is not `expected` (a noun phrase). */
  badArgument: (fn: string, arg: string, value: unknown, expected: string) =>
    `${fn}: ${arg} must be ${expected}, received ${describe(value)}.`,
  unknownOption: (fn: string, name: string, allowed: readonly string[]) =>
    `${fn}: unknown option ${JSON.stringify(name)}; known options are ${allowed.join(", ")}.`,
  optionsNotObject: (fn: string, options: unknown) =>
    `${fn}: options must be an object, received ${describe(options)}.`,
  optionNotInteger: (fn: string, name: string, value: unknown, min: number, max: number) =>
    common.badOption(
      fn,
      name,
      value,
      `a whole number ${max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`}`,
    ),
  optionNotKeyword: (fn: string, name: string, value: unknown, allowed: readonly string[]) =>
    common.badOption(fn, name, value, `one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`),
  optionNotBoolean: (fn: string, name: string, value: unknown) => common.badOption(fn, name, value, "true or false"),
  optionNotNumber: (fn: string, name: string, value: unknown) => common.badOption(fn, name, value, "a number"),
  optionNotFinite: (fn: string, name: string, value: unknown) => common.badOption(fn, name, value, "a finite number"),
  optionNotNumberIn: (fn: string, name: string, value: unknown, min: number, max: number) =>
    common.badOption(fn, name, value, `a number in [${min}, ${max}]`),
  /** A tensor argument of a dtype that holds no numbers (string, complex64). */
  notNumericTensor: (fn: string, arg: string, dtype: string) =>
    common.badOption(fn, arg, dtype, "a numeric or bool tensor"),
} as const;
