import { messages } from "./messages";

/** Check that `options` only names known keys; a typo in an option name should fail loudly. */
export function checkKnownKeys(fn: string, options: object | undefined, allowed: readonly string[]): void {
  if (options === undefined) return;
  if (options === null || typeof options !== "object") {
    throw new TypeError(messages.optionsNotObject(fn, options));
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw new TypeError(messages.unknownOption(fn, key, allowed));
  }
}

/** A whole number in [min, max], or an error naming the option. */
export function integer(fn: string, name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(messages.optionNotInteger(fn, name, value, min, max));
  }
  return value;
}

/** One of a fixed set of strings, or an error naming the option and the allowed values. */
export function keyword<T extends string>(fn: string, name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    throw new RangeError(messages.optionNotKeyword(fn, name, value, allowed));
  }
  return value as T;
}

/** A boolean, or an error naming the option. */
export function bool(fn: string, name: string, value: unknown): boolean {
  if (typeof value !== "boolean") throw new TypeError(messages.optionNotBoolean(fn, name, value));
  return value;
}
