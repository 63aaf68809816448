/**
 * `imshow`: one image tensor in the notebook, the TypeScript of R's `plot(as.raster(digit, max = 255))`
 * and matplotlib's `imshow`. Named after matplotlib's call, the one most tutorials use.
 */
import * as tf from "@tensorflow/tfjs";
import { display } from "../display/display";
import { checkKnownKeys } from "../options";
import { colormapTable } from "./colormap";
import { Figure } from "./figure";
import { encodePng, svgToPng } from "./png";
import {
  defaultScale,
  rasterize,
  rasterOptionNames,
  resolveRasterOptions,
  upscale,
  type RasterOptions,
} from "./raster";
import { escapeXml, svgDocument, type SvgText } from "./svg";

/** Options of {@link imshow}. */
export interface ImshowOptions extends RasterOptions {
  /** A title above the image. */
  title?: string;
  /** Draw a colorbar with the value range beside a one-channel image. Default false. */
  colorbar?: boolean;
}

/** A short number for axis labels; values within a thousandth of `span` of zero are 0. */
export function tickLabel(v: number, span = 0): string {
  if (Math.abs(v) < span * 1e-3) return "0";
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : String(Number(v.toPrecision(3)));
}

/**
 * The figure of an image tensor: [h, w] or [h, w, 1] through a colormap, [h, w, 3 | 4] as RGB(A).
 *
 * @example dd.imageFigure(digit, { max: 255 }).save("digit.png")
 */
export function imageFigure(x: tf.Tensor, options: ImshowOptions = {}): Figure {
  const fn = "imshow";
  checkKnownKeys(fn, options, [...rasterOptionNames, "title", "colorbar"]);
  const o = resolveRasterOptions(fn, options, ["title", "colorbar"]);
  const raster = rasterize(fn, x, o);
  const scale = o.scale ?? defaultScale(raster.image.height, raster.image.width);
  const img = upscale(raster.image, scale);
  const png = encodePng(img);
  const range = raster.channels === 1 ? `, ${o.cmap} from ${tickLabel(raster.min)} to ${tickLabel(raster.max)}` : "";
  const description = `<image ${img.width}x${img.height} of ${x.dtype} [${x.shape.join(", ")}]${range}${options.title ? `: ${options.title}` : ""}>`;
  const colorbar = options.colorbar === true && raster.channels === 1;
  if (options.title === undefined && !colorbar) return new Figure(png, img.width, img.height, description);

  const top = options.title ? 24 : 6;
  const barWidth = 14;
  const right = colorbar ? barWidth + 56 : 6;
  const width = img.width + 6 + right;
  const height = img.height + top + 8;
  const images = [{ png, x: 6, y: top, width: img.width, height: img.height }];
  const texts: SvgText[] = [];
  if (options.title) texts.push({ x: 6 + img.width / 2, y: 16, text: options.title, size: 13, bold: true });
  if (colorbar) {
    const lut = colormapTable(o.cmap);
    const bar = new Uint8Array(256 * 4);
    for (let i = 0; i < 256; i++)
      bar.set([lut[(255 - i) * 3]!, lut[(255 - i) * 3 + 1]!, lut[(255 - i) * 3 + 2]!, 255], i * 4);
    const bx = img.width + 14;
    images.push({
      png: encodePng({ width: 1, height: 256, data: bar }),
      x: bx,
      y: top,
      width: barWidth,
      height: img.height,
    });
    for (const [frac, value] of [
      [0, raster.max],
      [0.5, (raster.min + raster.max) / 2],
      [1, raster.min],
    ] as const) {
      texts.push({
        x: bx + barWidth + 4,
        y: top + frac * img.height + 4 - (frac === 1 ? 4 : frac === 0 ? -4 : 0),
        text: tickLabel(value, raster.max - raster.min),
        size: 11,
        anchor: "start",
      });
    }
  }
  const svg = svgDocument(width, height, images, texts).replace(
    "<svg ",
    `<svg aria-label="${escapeXml(description)}" `,
  );
  return new Figure(svgToPng(svg), width, height, description, svg);
}

/**
 * Show an image tensor in the notebook (a crisp PNG, upscaled without smoothing).
 *
 * @example
 * dd.imshow(mnist.train.x.slice([4, 0, 0], [1, 28, 28]).reshape([28, 28]), { max: 255 })
 */
export function imshow(x: tf.Tensor, options: ImshowOptions = {}): void {
  display(imageFigure(x, options));
}
