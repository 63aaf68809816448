/**
 * The spatial hierarchy of patterns a convnet learns, after Chollet's figure 5.2: local edges, then
 * parts made of edges (ear, eye, whiskers), then the object made of parts ("cat").
 */
import { arrow, label, n, palette, svgDiagram } from "./svg.mjs";

const stroke = `stroke="${palette.ink}" stroke-width="3" stroke-linecap="round" fill="none"`;

function tile(x: number, y: number, inner: string): string {
  return `<rect x="${n(x)}" y="${n(y)}" width="54" height="54" rx="4" fill="#f7f9fb" stroke="${palette.fixedEdge}"/>${inner}`;
}

function edge(x: number, y: number, angle: number): string {
  const r = 18;
  const dx = Math.cos(angle) * r;
  const dy = Math.sin(angle) * r;
  return tile(
    x,
    y,
    `<line x1="${n(x + 27 - dx)}" y1="${n(y + 27 - dy)}" x2="${n(x + 27 + dx)}" y2="${n(y + 27 + dy)}" ${stroke}/>`,
  );
}

export function spatialHierarchy(): string {
  const body: string[] = [label(70, 16, "edges", { size: 15, bold: true })];
  [0, Math.PI / 4, Math.PI / 2, (3 * Math.PI) / 4, Math.PI / 6, -Math.PI / 6].forEach((a, i) =>
    body.push(edge(10 + (i % 2) * 64, 34 + Math.floor(i / 2) * 64, a)),
  );
  body.push(arrow(140, 130, 180, 130), label(270, 16, "parts", { size: 15, bold: true }));
  const ear = (x: number, y: number) =>
    `<polyline points="${n(x + 10)},${n(y + 46)} ${n(x + 27)},${n(y + 8)} ${n(x + 44)},${n(y + 46)}" ${stroke}/>`;
  const eye = (x: number, y: number) =>
    `<ellipse cx="${n(x + 27)}" cy="${n(y + 27)}" rx="16" ry="10" ${stroke}/><circle cx="${n(x + 27)}" cy="${n(y + 27)}" r="4" fill="${palette.ink}"/>`;
  const whiskers = (x: number, y: number) =>
    [-8, 0, 8]
      .map(
        (d) =>
          `<line x1="${n(x + 8)}" y1="${n(y + 27 + d * 1.4)}" x2="${n(x + 46)}" y2="${n(y + 27 + d * 0.6)}" ${stroke}/>`,
      )
      .join("");
  body.push(tile(190, 50, ear(190, 50)), tile(260, 50, eye(260, 50)), tile(225, 130, whiskers(225, 130)));
  body.push(
    label(217, 116, "ear", { size: 12, color: palette.muted }),
    label(287, 116, "eye", { size: 12, color: palette.muted }),
  );
  body.push(label(252, 196, "whiskers", { size: 12, color: palette.muted }));
  body.push(arrow(335, 130, 375, 130), label(470, 16, "“cat”", { size: 15, bold: true, color: palette.accent }));
  const cx = 470;
  const cy = 135;
  body.push(
    `<polyline points="${cx - 62},${cy - 20} ${cx - 50},${cy - 82} ${cx - 18},${cy - 52}" ${stroke}/>`,
    `<polyline points="${cx + 62},${cy - 20} ${cx + 50},${cy - 82} ${cx + 18},${cy - 52}" ${stroke}/>`,
    `<ellipse cx="${cx}" cy="${cy}" rx="66" ry="56" ${stroke}/>`,
    `<ellipse cx="${cx - 24}" cy="${cy - 12}" rx="12" ry="8" ${stroke}/><circle cx="${cx - 24}" cy="${cy - 12}" r="3" fill="${palette.ink}"/>`,
    `<ellipse cx="${cx + 24}" cy="${cy - 12}" rx="12" ry="8" ${stroke}/><circle cx="${cx + 24}" cy="${cy - 12}" r="3" fill="${palette.ink}"/>`,
    ...[-6, 0, 6].flatMap((d) => [
      `<line x1="${cx - 20}" y1="${cy + 16 + d}" x2="${cx - 60}" y2="${cy + 10 + d * 1.6}" ${stroke}/>`,
      `<line x1="${cx + 20}" y1="${cy + 16 + d}" x2="${cx + 60}" y2="${cy + 10 + d * 1.6}" ${stroke}/>`,
    ]),
  );
  return svgDiagram(560, 230, body, "A spatial hierarchy: edges make parts, parts make a cat");
}
