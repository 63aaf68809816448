/**
 * MIME bundles: one value in several representations at once, so each front-end picks the richest
 * it can render (JupyterLab a Vega-Lite chart, the classic Notebook an SVG, a terminal the text).
 */
import { messages } from "../messages";

/** A representation of one value per MIME type. Binary types (PNG, JPEG) are bytes; JSON types are objects. */
export type MimeBundle = { [mimeType: string]: string | Uint8Array | object };

/** The bundle as Jupyter's messages carry it: binary types base64-encoded, JSON types as objects. */
export type WireBundle = { [mimeType: string]: string | object };

/** Anything deepdeck can display: it knows its own MIME bundle. */
export interface Displayable {
  toMimeBundle(): MimeBundle;
}

/** The key Deno's Jupyter kernel (and others) call to render an object. */
export const jupyterDisplaySymbol: unique symbol = Symbol.for("Jupyter.display") as never;

export function isDisplayable(value: unknown): value is Displayable {
  return typeof value === "object" && value !== null && typeof (value as Displayable).toMimeBundle === "function";
}

/** Check a bundle and encode it for the wire; every bundle gets a text/plain fallback. */
export function toWire(bundle: MimeBundle, fn = "display"): WireBundle {
  if (bundle === null || typeof bundle !== "object" || Array.isArray(bundle)) {
    throw new TypeError(messages.notABundle(fn, bundle));
  }
  const wire: WireBundle = {};
  for (const [type, value] of Object.entries(bundle)) {
    if (!/^[a-z]+\/[\w.+-]+$/i.test(type)) {
      throw new TypeError(messages.notAMimeType(fn, type));
    }
    if (value instanceof Uint8Array)
      wire[type] = Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64");
    else if (typeof value === "string" || (typeof value === "object" && value !== null)) wire[type] = value;
    else throw new TypeError(messages.badBundlePart(fn, type, value));
  }
  if (typeof wire["text/plain"] !== "string") wire["text/plain"] = `<${Object.keys(wire).join(", ")}>`;
  return wire;
}

/**
 * Give a displayable class Deno's `Symbol.for("Jupyter.display")` method, built from its bundle.
 * Classes call this once on their prototype.
 */
export function addJupyterDisplay(proto: Displayable): void {
  Object.defineProperty(proto, jupyterDisplaySymbol, {
    configurable: true,
    value(this: Displayable) {
      return toWire(this.toMimeBundle());
    },
  });
}
