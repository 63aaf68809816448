/**
 * "Layers of representations" (after Chollet's figure 1.6), drawn from a real network: one MNIST test
 * digit, the feature maps of a small trained convnet's two convolution layers, and its final class
 * probabilities. `npm run figures` trains the network and records those numbers in
 * slides/knit/representations.json (committed, like the knit cache, so the deck builds without training);
 * the build draws them.
 */
import { encodePng } from "../../image/png.js";
import { arrow, label, n, palette, svgDiagram } from "./svg.mjs";

/** One layer's output for the digit: its name, shape [height, width, channels], and some channels' maps. */
export interface LayerMaps {
  name: string;
  shape: [number, number, number];
  /** Row-major maps, one per shown channel, each scaled to [0, 1]. */
  maps: number[][];
}

/** What the figure draws; every number comes from running the trained network on the digit. */
export interface RepresentationsData {
  /** Label of the digit (from the dataset). */
  label: number;
  /** Where it is in the MNIST test set. */
  index: number;
  /** The digit's 28 × 28 values in [0, 1]. */
  digit: number[];
  layers: LayerMaps[];
  /** The network's 10 class probabilities. */
  probabilities: number[];
  /** How the network was trained, said on the slide. */
  training: string;
}

function grayPng(values: number[], width: number, height: number, invert: boolean): string {
  const data = new Uint8Array(width * height * 4);
  values.forEach((v, i) => {
    const g = Math.round(255 * (invert ? 1 - v : v));
    data.set([g, g, g, 255], i * 4);
  });
  return Buffer.from(encodePng({ width, height, data })).toString("base64");
}

function image(x: number, y: number, size: number, values: number[], side: [number, number]): string {
  const href = `data:image/png;base64,${grayPng(values, side[1], side[0], true)}`;
  return `<image x="${n(x)}" y="${n(y)}" width="${n(size)}" height="${n(size)}" preserveAspectRatio="none" style="image-rendering:pixelated" href="${href}"/><rect x="${n(x)}" y="${n(y)}" width="${n(size)}" height="${n(size)}" fill="none" stroke="${palette.fixedEdge}"/>`;
}

/** The digit, each layer's maps (a column of small images), and the probabilities as bars. */
export function representationsFigure(data: RepresentationsData): string {
  const body: string[] = [];
  const top = 40;
  const height = 300;
  body.push(label(60, 18, "Original input", { size: 14, bold: true }));
  body.push(image(10, top + height / 2 - 50, 100, data.digit, [28, 28]));
  let x = 150;
  data.layers.forEach((layer, li) => {
    const cols = 2;
    const rows = Math.ceil(layer.maps.length / cols);
    const size = Math.min(56, (height - (rows - 1) * 6) / rows);
    const w = cols * size + (cols - 1) * 6;
    body.push(arrow(x - 34, top + height / 2, x - 8, top + height / 2));
    body.push(label(x + w / 2, 18, `Layer ${li + 1}`, { size: 14, bold: true }));
    layer.maps.forEach((m, i) => {
      const r = Math.floor(i / cols);
      const c = i % cols;
      const y = top + (height - (rows * size + (rows - 1) * 6)) / 2 + r * (size + 6);
      body.push(image(x + c * (size + 6), y, size, m, [layer.shape[0], layer.shape[1]]));
    });
    body.push(
      label(
        x + w / 2,
        top + height + 14,
        `${layer.shape.join("×")}\n(${layer.maps.length} of ${layer.shape[2]} shown)`,
        {
          size: 11,
          color: palette.muted,
        },
      ),
    );
    x += w + 50;
  });
  body.push(arrow(x - 34, top + height / 2, x - 8, top + height / 2));
  body.push(label(x + 70, 18, "Final output", { size: 14, bold: true }));
  const best = data.probabilities.indexOf(Math.max(...data.probabilities));
  data.probabilities.forEach((p, k) => {
    const y = top + 10 + k * 28;
    body.push(label(x + 8, y + 10, String(k), { size: 13, bold: k === best }));
    body.push(
      `<rect x="${n(x + 20)}" y="${n(y + 2)}" width="${n(Math.max(1, p * 110))}" height="16" fill="${k === best ? palette.accent : palette.learnedEdge}"/>`,
    );
    body.push(label(x + 136, y + 10, p.toFixed(2), { size: 11, anchor: "start", color: palette.muted }));
  });
  body.push(label(x + 70, top + height + 14, `→ ${best}`, { size: 16, bold: true, color: palette.accent }));
  return svgDiagram(
    x + 180,
    top + height + 40,
    body,
    `MNIST test digit ${data.index} (a ${data.label}) through a trained convnet: ${data.layers.length} layers of feature maps, then class probabilities`,
  );
}
