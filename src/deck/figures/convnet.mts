/**
 * The convnet, drawn from its layers: each layer's output as a slab whose size follows its shape
 * (height × width as the face, channels as the depth), so the drawing is the course model's own shapes.
 */
import { arrow, label, n, palette, svgDiagram } from "./svg.mjs";

/** One layer of the drawing: what it does and the shape of its output (without the batch axis). */
export interface ConvnetLayer {
  name: string;
  shape: number[];
}

/** The course's small convnet (slides "small-convnet" and "classifier"), layer by layer. */
export const courseConvnet: ConvnetLayer[] = [
  { name: "input", shape: [28, 28, 1] },
  { name: "conv 3×3\n+ ReLU", shape: [26, 26, 32] },
  { name: "max pool\n2×2", shape: [13, 13, 32] },
  { name: "conv 3×3\n+ ReLU", shape: [11, 11, 64] },
  { name: "max pool\n2×2", shape: [5, 5, 64] },
  { name: "conv 3×3\n+ ReLU", shape: [3, 3, 64] },
  { name: "flatten", shape: [576] },
  { name: "dense\n+ ReLU", shape: [64] },
  { name: "dense\n+ softmax", shape: [10] },
];

function slab(x: number, cy: number, side: number, depth: number, fill: string): string {
  const dx = depth * 0.6;
  const dy = depth * 0.45;
  const y = cy - side / 2 + dy / 2;
  const pts = (p: [number, number][]) => p.map(([a, b]) => `${n(a)},${n(b)}`).join(" ");
  const stroke = `stroke="${palette.learnedEdge}" stroke-width="1"`;
  return [
    `<polygon points="${pts([
      [x, y],
      [x + dx, y - dy],
      [x + dx + side * 0.35, y - dy],
      [x + side * 0.35, y],
    ])}" fill="#c4d8ef" ${stroke}/>`,
    `<polygon points="${pts([
      [x + side * 0.35, y],
      [x + dx + side * 0.35, y - dy],
      [x + dx + side * 0.35, y + side - dy],
      [x + side * 0.35, y + side],
    ])}" fill="#a9c5e6" ${stroke}/>`,
    `<polygon points="${pts([
      [x, y],
      [x + side * 0.35, y],
      [x + side * 0.35, y + side],
      [x, y + side],
    ])}" fill="${fill}" ${stroke}/>`,
  ].join("");
}

/** The convnet's layers left to right, each labelled with what it does and its output shape. */
export function convnet(layers: ConvnetLayer[] = courseConvnet): string {
  const cy = 120;
  const body: string[] = [];
  let x = 20;
  layers.forEach((layer, i) => {
    const [h, , c = 1] = layer.shape;
    let width: number;
    if (layer.shape.length === 3) {
      const side = 30 + (h! / 28) * 110;
      const depth = 6 + Math.sqrt(c) * 4;
      body.push(slab(x, cy, side, depth, i === 0 ? "#ffffff" : palette.learned));
      width = side * 0.35 + depth * 0.6;
    } else {
      // A vector: a thin bar whose length follows its size.
      const len = 30 + Math.log2(h!) * 16;
      const fill = i === layers.length - 1 ? palette.accentFill : palette.learned;
      const stroke = i === layers.length - 1 ? palette.accent : palette.learnedEdge;
      body.push(
        `<rect x="${n(x)}" y="${n(cy - len / 2)}" width="14" height="${n(len)}" fill="${fill}" stroke="${stroke}"/>`,
      );
      width = 14;
    }
    // Every layer gets room for its two-line label, however thin its drawing.
    const slot = Math.max(width, 58);
    const mid = x + width / 2;
    body.push(label(mid, 236, layer.shape.join("×"), { size: 12, color: palette.muted }));
    body.push(label(mid, 22, layer.name, { size: 12, bold: i === 0 || i === layers.length - 1 }));
    if (i < layers.length - 1) body.push(arrow(x + width + 4, cy, x + slot + 26, cy));
    x += slot + 30;
  });
  body.push(
    label(x - 30 - 58 + 22, cy, "10 class\nprobabilities", { size: 12, anchor: "start", color: palette.accent }),
  );
  return svgDiagram(x + 90, 256, body, "A convnet: convolution and pooling layers, then a dense classifier");
}
