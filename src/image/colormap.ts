/**
 * Colormaps for one-channel images: 256-entry RGB lookup tables. The perceptual maps come from vega's
 * scheme interpolators (the same colours matplotlib and d3 use), so charts and images agree.
 */
import { messages } from "../messages";
import { keyword } from "../options";

/** Colormaps for one-channel images. `rdbu` is diverging: blue below the middle, white at it, red above. */
export const colormapNames = ["gray", "gray_r", "viridis", "magma", "rdbu"] as const;
export type ColormapName = (typeof colormapNames)[number];

/** An RGB colour as three bytes. */
export type Rgb = [number, number, number];

const tables = new Map<ColormapName, Uint8Array>();

function parseColor(css: string): Rgb {
  const m = /^rgb\((\d+),\s*(\d+),\s*(\d+)\)$/.exec(css);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  const hex = /^#([0-9a-f]{6})$/i.exec(css);
  if (hex) {
    const v = parseInt(hex[1]!, 16);
    return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
  }
  throw new Error(`colormap: cannot read colour ${JSON.stringify(css)}`);
}

function build(name: ColormapName): Uint8Array {
  const lut = new Uint8Array(256 * 3);
  if (name === "gray" || name === "gray_r") {
    for (let i = 0; i < 256; i++) lut.fill(name === "gray" ? i : 255 - i, i * 3, i * 3 + 3);
    return lut;
  }
  // Loaded on first use: vega is large and only colour maps need it here.

  const vega = require("vega") as { scheme(name: string): (t: number) => string };
  const interpolate = vega.scheme(name === "rdbu" ? "redblue" : name);
  for (let i = 0; i < 256; i++) {
    // vega's redblue runs red to blue; signed data reads best with negative blue, positive red.
    const t = name === "rdbu" ? 1 - i / 255 : i / 255;
    lut.set(parseColor(interpolate(t)), i * 3);
  }
  return lut;
}

/** The 256x3 lookup table of a colormap (index 0 is the low end). */
export function colormapTable(name: ColormapName, fn = "colormap"): Uint8Array {
  keyword(fn, "cmap", name, colormapNames);
  let lut = tables.get(name);
  if (!lut) {
    lut = build(name);
    tables.set(name, lut);
  }
  return lut;
}

/** Parse a CSS hex colour (`#rrggbb`) option. */
export function hexColor(fn: string, option: string, value: unknown): Rgb {
  if (typeof value === "string" && /^#[0-9a-f]{6}$/i.test(value)) return parseColor(value);
  throw new TypeError(messages.badColour(fn, option, value));
}
