/** A 4-D tensor drawn as what it holds: a stack of 3-D image tensors (height × width × channels) along the samples axis. */
import { label, n, palette, svgDiagram } from "./svg.mjs";

/** One box in oblique projection: front face w × h, depth d drawn up and to the right. */
function cuboid(x: number, y: number, w: number, h: number, d: number, fill: string): string {
  const dx = d * 0.7;
  const dy = -d * 0.5;
  const p = (pts: [number, number][]) => pts.map(([a, b]) => `${n(a)},${n(b)}`).join(" ");
  const stroke = `stroke="${palette.learnedEdge}" stroke-width="1.2"`;
  return [
    `<polygon points="${p([
      [x, y],
      [x + w, y],
      [x + w, y + h],
      [x, y + h],
    ])}" fill="${fill}" ${stroke}/>`,
    `<polygon points="${p([
      [x, y],
      [x + dx, y + dy],
      [x + w + dx, y + dy],
      [x + w, y],
    ])}" fill="#c4d8ef" ${stroke}/>`,
    `<polygon points="${p([
      [x + w, y],
      [x + w + dx, y + dy],
      [x + w + dx, y + h + dy],
      [x + w, y + h],
    ])}" fill="#a9c5e6" ${stroke}/>`,
  ].join("");
}

/** `samples` image tensors, each height × width × channels, side by side along the samples axis. */
export function tensor4d(samples = 3): string {
  const w = 70;
  const h = 90;
  const d = 30;
  const gap = 22;
  const left = 90;
  const body: string[] = [];
  for (let i = 0; i < samples; i++) {
    const x = left + i * (w + d * 0.7 + gap);
    body.push(cuboid(x, 60, w, h, d, i === 0 ? palette.accentFill : palette.learned));
  }
  const first = left;
  body.push(
    label(first - 10, 105, "height", { size: 20, anchor: "end" }),
    label(first + w / 2, 168, "width", { size: 20 }),
    label(first + w + d * 0.7 + 4, 36, "channels", { size: 20, anchor: "start" }),
    label(first + w / 2 + 60, 16, "one image: a 3-D tensor", { size: 20, color: palette.accent }),
  );
  const end = left + samples * (w + d * 0.7 + gap) - gap;
  body.push(
    `<line x1="${left}" y1="190" x2="${n(end)}" y2="190" stroke="${palette.line}" stroke-width="2" marker-end="url(#head-4a5563)"/>`,
    label((left + end) / 2, 210, "samples axis (the batch)", { size: 20, bold: true }),
  );
  return svgDiagram(
    Math.max(end + 40, 260),
    226,
    body,
    "A 4-D tensor: a stack of 3-D image tensors along the samples axis",
  );
}
