/**
 * The deck's first three diagrams, after Chollet's Deep Learning with R (figures 1.1, 1.2) and
 * Goodfellow et al. (figure 1.5): AI ⊃ ML ⊃ DL, classical programming vs machine learning, and
 * classical machine learning vs deep learning.
 */
import { arrow, box, label, palette, svgDiagram } from "./svg.mjs";

/** Three nested discs: deep learning inside machine learning inside artificial intelligence. */
export function aiMlDl(): string {
  const cx = 300;
  const rings = [
    { r: 170, name: "Artificial intelligence", fill: "#f3f4f6", stroke: palette.fixedEdge },
    { r: 118, name: "Machine learning", fill: palette.learned, stroke: palette.learnedEdge },
    { r: 74, name: "Deep learning", fill: palette.accentFill, stroke: palette.accent },
  ];
  const bottom = 350;
  const body = rings.flatMap(({ r, name, fill, stroke }, i) => {
    const cy = bottom - r;
    const text = i === rings.length - 1 ? cy : cy - r + 24;
    return [
      `<circle cx="${cx}" cy="${cy}" r="${r}" fill="${fill}" stroke="${stroke}" stroke-width="2"/>`,
      label(cx, text, name, { size: i === 0 ? 20 : 18, bold: true, color: i === 2 ? palette.accent : palette.ink }),
    ];
  });
  return svgDiagram(600, 360, body, "Artificial intelligence contains machine learning, which contains deep learning");
}

function flow(y: number, inputs: [string, string], engine: string, output: string, learned: boolean): string[] {
  const fill = learned ? palette.learned : palette.fixed;
  const stroke = learned ? palette.learnedEdge : palette.fixedEdge;
  return [
    label(70, y - 22, inputs[0], { size: 17 }),
    label(70, y + 22, inputs[1], { size: 17 }),
    arrow(112, y - 22, 170, y - 6),
    arrow(112, y + 22, 170, y + 6),
    box(176, y - 34, 210, 68, engine, { fill, stroke, text: { size: 18, bold: true } }),
    arrow(386, y, 450, y),
    label(510, y, output, { size: 17, bold: true, color: learned ? palette.accent : palette.ink }),
  ];
}

/** Classical programming (rules + data → answers) above machine learning (data + answers → rules). */
export function classicalVsMl(): string {
  return svgDiagram(
    600,
    250,
    [
      ...flow(62, ["Rules", "Data"], "Classical\nprogramming", "Answers", false),
      ...flow(188, ["Data", "Answers"], "Machine\nlearning", "Rules", true),
    ],
    "Classical programming turns rules and data into answers; machine learning turns data and answers into rules",
  );
}

/** One pipeline of boxes, left to right; learned boxes shaded blue, hand-designed ones grey. */
function pipeline(y: number, title: string, steps: { text: string; learned: boolean }[]): string[] {
  const left = 150;
  const gap = 26;
  const w = (880 - left - gap * (steps.length - 1)) / steps.length;
  const out = [label(10, y + 32, title, { size: 17, bold: true, anchor: "start" })];
  steps.forEach((s, i) => {
    const x = left + i * (w + gap);
    const style = s.learned
      ? { fill: palette.learned, stroke: palette.learnedEdge }
      : { fill: palette.fixed, stroke: palette.fixedEdge };
    out.push(box(x, y, w, 64, s.text, { ...style, text: { size: 14 } }));
    if (i > 0) out.push(arrow(x - gap + 2, y + 32, x - 2, y + 32));
  });
  return out;
}

/** Classical ML learns only the last mapping; deep learning learns every layer of features too. */
export function classicalMlVsDl(): string {
  return svgDiagram(
    900,
    250,
    [
      ...pipeline(20, "Classical\nmachine\nlearning", [
        { text: "Input", learned: false },
        { text: "Hand-designed\nfeatures", learned: false },
        { text: "Mapping from\nfeatures", learned: true },
        { text: "Output", learned: false },
      ]),
      ...pipeline(130, "Deep\nlearning", [
        { text: "Input", learned: false },
        { text: "Simple\nfeatures", learned: true },
        { text: "More abstract\nfeatures", learned: true },
        { text: "Mapping from\nfeatures", learned: true },
        { text: "Output", learned: false },
      ]),
      box(150, 220, 18, 14, "", { fill: palette.learned, stroke: palette.learnedEdge, radius: 2 }),
      label(176, 227, "learned from data", { size: 13, anchor: "start", color: palette.muted }),
      box(330, 220, 18, 14, "", { fill: palette.fixed, stroke: palette.fixedEdge, radius: 2 }),
      label(356, 227, "designed by hand, or given", { size: 13, anchor: "start", color: palette.muted }),
    ],
    "Classical machine learning learns a mapping from hand-designed features; deep learning also learns the features, layer by layer",
  );
}
