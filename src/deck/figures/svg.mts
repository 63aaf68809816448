/**
 * The drawing kit of the deck's diagrams: boxes, labels and arrows as SVG text. Coordinates are rounded
 * to two decimals so a diagram's SVG is the same on every machine (the snapshot tests compare it).
 */
import { escapeXml } from "../../image/svg.js";

/** The deck's palette: one colour per role, the same on every diagram. */
export const palette = {
  ink: "#222222",
  muted: "#667085",
  line: "#4a5563",
  learned: "#dbe8f7",
  learnedEdge: "#1f5fa8",
  fixed: "#eeeeee",
  fixedEdge: "#8a8f98",
  accent: "#d7191c",
  accentFill: "#fbe3e3",
  green: "#1a9641",
  greenFill: "#e0f2e6",
} as const;

const font = "DejaVu Sans, Helvetica, Arial, sans-serif";

/** A number as SVG writes it: at most two decimals, no trailing zeros. */
export function n(v: number): string {
  return String(Math.round(v * 100) / 100);
}

export interface TextOptions {
  size?: number;
  color?: string;
  anchor?: "start" | "middle" | "end";
  bold?: boolean;
  italic?: boolean;
}

/** A label; `\n` starts a new line (1.2 em apart, centred on y). */
export function label(x: number, y: number, text: string, o: TextOptions = {}): string {
  const size = o.size ?? 16;
  const lines = text.split("\n");
  const top = y - ((lines.length - 1) * size * 1.2) / 2;
  const attrs = [
    `font-family="${font}"`,
    `font-size="${n(size)}"`,
    `fill="${o.color ?? palette.ink}"`,
    `text-anchor="${o.anchor ?? "middle"}"`,
    `dominant-baseline="central"`,
    o.bold ? `font-weight="bold"` : "",
    o.italic ? `font-style="italic"` : "",
  ].filter(Boolean);
  const spans = lines
    .map((l, i) => `<tspan x="${n(x)}" y="${n(top + i * size * 1.2)}">${escapeXml(l)}</tspan>`)
    .join("");
  return `<text ${attrs.join(" ")}>${spans}</text>`;
}

export interface BoxOptions {
  fill?: string;
  stroke?: string;
  radius?: number;
  dashed?: boolean;
  text?: TextOptions;
}

/** A rounded box with a centred label. */
export function box(x: number, y: number, w: number, h: number, text: string, o: BoxOptions = {}): string {
  const rect = `<rect x="${n(x)}" y="${n(y)}" width="${n(w)}" height="${n(h)}" rx="${n(o.radius ?? 6)}" fill="${o.fill ?? palette.fixed}" stroke="${o.stroke ?? palette.fixedEdge}" stroke-width="1.5"${o.dashed ? ' stroke-dasharray="5 4"' : ""}/>`;
  return text ? rect + label(x + w / 2, y + h / 2, text, o.text) : rect;
}

/** A straight arrow from (x1, y1) to (x2, y2), its head drawn by the document's marker. */
export function arrow(x1: number, y1: number, x2: number, y2: number, color: string = palette.line): string {
  return `<line x1="${n(x1)}" y1="${n(y1)}" x2="${n(x2)}" y2="${n(y2)}" stroke="${color}" stroke-width="2" marker-end="url(#head-${color.slice(1)})"/>`;
}

/** An arrow along a path (`d` in SVG path syntax). */
export function pathArrow(d: string, color: string = palette.line): string {
  return `<path d="${d}" fill="none" stroke="${color}" stroke-width="2" marker-end="url(#head-${color.slice(1)})"/>`;
}

/** The SVG document: a white page, the arrowhead markers the body uses, then the body. */
export function svgDiagram(width: number, height: number, body: string[], title: string): string {
  const text = body.join("\n");
  const colors = [...new Set([...text.matchAll(/url\(#head-([0-9a-f]{6})\)/g)].map((m) => m[1]!))].sort();
  const markers = colors.map(
    (c) =>
      `<marker id="head-${c}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#${c}"/></marker>`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${n(width)}" height="${n(height)}" viewBox="0 0 ${n(width)} ${n(height)}" role="img">`,
    `<title>${escapeXml(title)}</title>`,
    markers.length ? `<defs>${markers.join("")}</defs>` : "",
    `<rect width="${n(width)}" height="${n(height)}" fill="#ffffff"/>`,
    text,
    "</svg>",
  ]
    .filter(Boolean)
    .join("\n");
}
