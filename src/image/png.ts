/** PNG encoding and decoding (pngjs), and SVG to PNG (resvg) for figures with text. */
import { PNG } from "pngjs";
import type { Rgba } from "./raster";

export function encodePng(img: Rgba): Uint8Array {
  const png = new PNG({ width: img.width, height: img.height });
  png.data = Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength);
  return new Uint8Array(PNG.sync.write(png, { colorType: 6 }));
}

export function decodePng(bytes: Uint8Array): Rgba {
  const png = PNG.sync.read(Buffer.from(bytes));
  return { width: png.width, height: png.height, data: new Uint8Array(png.data) };
}

let resvg: typeof import("@resvg/resvg-js") | null = null;

/** Render an SVG document to PNG bytes with the system's fonts (DejaVu Sans preferred). */
export function svgToPng(svg: string, zoom = 1): Uint8Array {
  resvg ??= require("@resvg/resvg-js") as typeof import("@resvg/resvg-js");
  const r = new resvg.Resvg(svg, {
    fitTo: { mode: "zoom", value: zoom },
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans", sansSerifFamily: "DejaVu Sans" },
  });
  return new Uint8Array(r.render().asPng());
}
