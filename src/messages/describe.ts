/** Describe a received value briefly, for error messages. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === "function") return "a function";
  const name = value.constructor?.name;
  return name && name !== "Object" ? `a ${name}` : "an object";
}

/** A shape as it is printed in messages: `[2, 3]`. */
export function shapeText(shape: readonly (number | null)[]): string {
  return `[${shape.join(", ")}]`;
}
