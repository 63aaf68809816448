/**
 * HDF5 through h5wasm (the HDF5 C library compiled to WebAssembly), loaded on first use with a real
 * dynamic import: it is an ES module and large.
 */
import type H5Default from "h5wasm/node" with { "resolution-mode": "import" };
export type H5Module = typeof H5Default;
export type H5File = InstanceType<H5Module["File"]>;
export type H5Group = InstanceType<H5Module["Group"]>;
export type H5Dataset = InstanceType<H5Module["Dataset"]>;

let loading: Promise<H5Module> | null = null;

export function h5(): Promise<H5Module> {
  loading ??= import("h5wasm/node").then(async (m) => {
    const mod = ((m as unknown as { default?: H5Module }).default ?? m) as H5Module;
    await mod.ready;
    return mod;
  });
  return loading;
}

/** An attribute as strings: fixed-length bytes, variable-length strings, one or many. */
export function stringsAttr(node: { attrs: Record<string, { value: unknown }> }, name: string): string[] | null {
  const attr = node.attrs[name];
  if (!attr) return null;
  const v = attr.value;
  const one = (x: unknown): string =>
    x instanceof Uint8Array ? new TextDecoder().decode(x).replace(/\0+$/, "") : String(x);
  // An empty string array comes back from h5wasm as [""]; Keras writes one for layers without weights.
  if (Array.isArray(v)) return v.map(one).filter((x) => x !== "");
  if (v === null || v === undefined) return [];
  if (ArrayBuffer.isView(v) && !(v instanceof Uint8Array && v.length > 0))
    return Array.from(v as unknown as ArrayLike<number>, String);
  return [one(v)];
}

/** A string attribute (the first string of it). */
export function stringAttr(node: { attrs: Record<string, { value: unknown }> }, name: string): string | null {
  return stringsAttr(node, name)?.[0] ?? null;
}
