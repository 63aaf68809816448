/**
 * Max pooling from real numbers: the input grid with each pooling window in its own colour, and the
 * output grid where each cell holds its window's largest value (the computation `tf.maxPool` does with
 * a 2 × 2 window and stride 2).
 */
import { arrow, label, n, palette, svgDiagram } from "./svg.mjs";

const windowColors = ["#fde0c5", "#dbe8f7", "#e0f2e6", "#efe0f7", "#fbe3e3", "#fff3bf"];

/** Each `size` × `size` window's maximum (stride `size`, "valid" padding). */
export function maxPoolGrid(grid: number[][], size = 2): number[][] {
  const rows = Math.floor(grid.length / size);
  const cols = Math.floor((grid[0]?.length ?? 0) / size);
  return Array.from({ length: rows }, (_, r) =>
    Array.from({ length: cols }, (_, c) => {
      let best = -Infinity;
      for (let i = 0; i < size; i++)
        for (let j = 0; j < size; j++) best = Math.max(best, grid[r * size + i]![c * size + j]!);
      return best;
    }),
  );
}

function cells(
  x0: number,
  y0: number,
  grid: number[][],
  cell: number,
  color: (r: number, c: number) => string,
  bold: (r: number, c: number, v: number) => boolean,
): string[] {
  return grid.flatMap((row, r) =>
    row.flatMap((v, c) => [
      `<rect x="${n(x0 + c * cell)}" y="${n(y0 + r * cell)}" width="${cell}" height="${cell}" fill="${color(r, c)}" stroke="#ffffff" stroke-width="2"/>`,
      label(x0 + (c + 0.5) * cell, y0 + (r + 0.5) * cell, String(v), { size: cell * 0.42, bold: bold(r, c, v) }),
    ]),
  );
}

/** The input grid and its max-pooled output, side by side; each window's maximum in bold on both. */
export function maxPool(grid: number[][], size = 2): string {
  const out = maxPoolGrid(grid, size);
  const cell = 52;
  const cols = out[0]?.length ?? 0;
  const color = (r: number, c: number) => windowColors[(r * cols + c) % windowColors.length]!;
  const inW = (grid[0]?.length ?? 0) * cell;
  const inH = grid.length * cell;
  const x1 = 40 + inW + 110;
  const y1 = 40 + (inH - out.length * cell) / 2;
  const body = [
    label(40 + inW / 2, 20, `input ${grid.length} × ${grid[0]?.length ?? 0}`, { size: 15, bold: true }),
    ...cells(
      40,
      40,
      grid,
      cell,
      (r, c) => color(Math.floor(r / size), Math.floor(c / size)),
      (r, c, v) => v === out[Math.floor(r / size)]?.[Math.floor(c / size)],
    ),
    arrow(40 + inW + 15, 40 + inH / 2, x1 - 15, 40 + inH / 2),
    label(40 + inW + 55, 40 + inH / 2 - 18, `max ${size}×${size}`, { size: 14, color: palette.muted }),
    label(x1 + (cols * cell) / 2, y1 - 20, `output ${out.length} × ${cols}`, { size: 15, bold: true }),
    ...cells(x1, y1, out, cell, color, () => true),
  ];
  return svgDiagram(
    x1 + cols * cell + 40,
    40 + inH + 20,
    body,
    `Max pooling: each ${size} × ${size} window of the input keeps its largest value`,
  );
}
