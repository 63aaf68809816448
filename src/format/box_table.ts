/**
 * A box-drawn table laid out the way the Python library rich lays out Keras 3's `model.summary()`:
 * `rich.table.Table(width=lineLength, show_lines=True)` with its default HEAVY_HEAD box, fixed-width
 * columns shrunk to fit by rich's `ratio_reduce`, and cells word-wrapped by rich's `divide_line`.
 * Plain text only (Keras prints without colour when its output is captured). Widths count UTF-16 code
 * units, which equals rich's cell width for the ASCII that model summaries hold.
 */

/** One column: its header, its width before fitting (Keras's share of the line) and its alignment. */
export interface BoxColumn {
  header: string;
  width: number;
  justify: "left" | "right" | "center";
}

/** Python's round(): halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** rich's ratio_reduce: take `total` away from `values` in proportion to `ratios`, never more than `maximums`. */
function ratioReduce(total: number, ratios: number[], maximums: number[], values: number[]): number[] {
  const rs = ratios.map((r, i) => (maximums[i] ? r : 0));
  let totalRatio = rs.reduce((a, b) => a + b, 0);
  if (!totalRatio) return [...values];
  let remaining = total;
  return values.map((value, i) => {
    const ratio = rs[i]!;
    if (!ratio || totalRatio <= 0) return value;
    const distributed = Math.min(maximums[i]!, roundHalfEven((ratio * remaining) / totalRatio));
    remaining -= distributed;
    totalRatio -= ratio;
    return value - distributed;
  });
}

/** rich's ratio_distribute: share `total` out in proportion to `ratios`. */
function ratioDistribute(total: number, ratios: number[]): number[] {
  let totalRatio = ratios.reduce((a, b) => a + b, 0);
  let remaining = total;
  return ratios.map((ratio) => {
    const share = totalRatio > 0 ? Math.max(0, Math.ceil((ratio * remaining) / totalRatio)) : remaining;
    totalRatio -= ratio;
    remaining -= share;
    return share;
  });
}

/** Column widths including their one-space padding on each side, as rich's `_calculate_column_widths` makes them. */
export function fitColumnWidths(requested: readonly number[], lineLength: number): number[] {
  const maxWidth = lineLength - (requested.length + 1);
  let widths = requested.map((w) => Math.min(w + 2, maxWidth));
  const sum = (ws: number[]): number => ws.reduce((a, b) => a + b, 0);
  if (sum(widths) > maxWidth)
    widths = ratioReduce(
      sum(widths) - maxWidth,
      widths.map(() => 1),
      widths,
      widths,
    );
  // rich's table expands to its width when it was given one.
  if (sum(widths) < maxWidth) {
    const pad = ratioDistribute(maxWidth - sum(widths), widths);
    widths = widths.map((w, i) => w + pad[i]!);
  }
  return widths;
}

/** rich's divide_line without folding: break before each word that does not fit; a word wider than the line stays whole. */
function wrapWords(text: string, width: number): string[] {
  const breaks: number[] = [];
  let offset = 0;
  for (const match of text.matchAll(/\s*\S+\s*/g)) {
    const start = match.index;
    const word = match[0];
    const length = word.trimEnd().length;
    if (width - offset >= length) offset += word.length;
    else if (length > width) {
      if (start) breaks.push(start);
      offset = word.length;
    } else if (offset && start) {
      breaks.push(start);
      offset = word.length;
    }
  }
  const cuts = [0, ...breaks, text.length];
  return cuts.slice(0, -1).map((from, i) => text.slice(from, cuts[i + 1]));
}

/** One cell's lines, each exactly `width` wide: wrapped, cut with an ellipsis when a word is too long, aligned. */
export function cellLines(text: string, width: number, justify: BoxColumn["justify"]): string[] {
  return text.split("\n").flatMap((paragraph) =>
    wrapWords(paragraph, width).map((raw) => {
      let line = raw;
      if (line.length > width) {
        const spaces = line.length - line.trimEnd().length;
        line = line.slice(0, line.length - Math.min(spaces, line.length - width));
      }
      if (justify !== "left") line = line.trimEnd();
      if (line.length > width) line = line.slice(0, width - 1) + "…";
      const room = width - line.length;
      if (justify === "right") return " ".repeat(room) + line;
      if (justify === "center") return " ".repeat(room >> 1) + line + " ".repeat(room - (room >> 1));
      return line + " ".repeat(room);
    }),
  );
}

/** The HEAVY_HEAD box: heavy lines around the header, light ones around the body. */
const box = {
  top: ["┏", "━", "┳", "┓"],
  head: ["┃", "┃", "┃"],
  headRule: ["┡", "━", "╇", "┩"],
  body: ["│", "│", "│"],
  rowRule: ["├", "─", "┼", "┤"],
  bottom: ["└", "─", "┴", "┘"],
} as const;

function rule(widths: number[], [left, fill, cross, right]: readonly [string, string, string, string]): string {
  return left + widths.map((w) => fill.repeat(w)).join(cross) + right;
}

function row(
  cells: string[],
  columns: readonly BoxColumn[],
  widths: number[],
  edges: readonly [string, string, string],
): string[] {
  const lines = cells.map((cell, i) => cellLines(cell, widths[i]! - 2, columns[i]!.justify));
  const height = Math.max(...lines.map((l) => l.length));
  return Array.from({ length: height }, (_, k) => {
    const parts = lines.map((l, i) => ` ${l[k] ?? " ".repeat(widths[i]! - 2)} `);
    return edges[0] + parts.join(edges[1]) + edges[2];
  });
}

/**
 * The table's lines: a heavy header, then the rows with a light rule between each two.
 *
 * @example boxTable([{ header: "Layer", width: 20, justify: "left" }], [["dense (Dense)"]], 24)
 */
export function boxTable(columns: readonly BoxColumn[], rows: readonly string[][], lineLength: number): string[] {
  const widths = fitColumnWidths(
    columns.map((c) => c.width),
    lineLength,
  );
  const out = [
    rule(widths, box.top),
    ...row(
      columns.map((c) => c.header),
      columns,
      widths,
      box.head,
    ),
  ];
  out.push(rule(widths, box.headRule));
  rows.forEach((cells, i) => {
    if (i > 0) out.push(rule(widths, box.rowRule));
    out.push(...row(cells, columns, widths, box.body));
  });
  out.push(rule(widths, box.bottom));
  return out;
}
