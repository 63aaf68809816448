/**
 * Math rendered with KaTeX at build time, so the deck needs no script or network for it: `$$...$$`
 * (remark-math, in the prose of a slide) and xaringan's inline `` `\(...\)` ``. TeX is read as remark.js
 * leaves it to MathJax, after marked's escapes (`\_` is `_`); TeX KaTeX cannot render stays as its source,
 * with a warning. A `$$` that never closes in its paragraph is left as text.
 */
import katex from "katex";
import { visit } from "unist-util-visit";
import type { Edit } from "../source.mjs";
import { warnAt } from "../source.mjs";
import { walk } from "../tree.mjs";
import type { DeckContext } from "./context.mjs";

function tryRender(tex: string, display: boolean): string | Error {
  try {
    return katex.renderToString(tex, { displayMode: display, throwOnError: true, output: "html" });
  } catch (e) {
    return e as Error;
  }
}

export function math(ctx: DeckContext): void {
  const { source, file } = ctx;
  const edits: Edit[] = [];
  const render = (tex: string, display: boolean, start: number, end: number, inCode = false) => {
    // remark.js leaves math to MathJax after marked has read the markdown, so `\_` is `_` and `\\` is `\`;
    // TeX that reads only as written (a deck written for KaTeX) is taken as written.
    // (In a code span, `\(...\)`, marked reads no escapes.)
    const unescaped = inCode ? tex : tex.replace(/\\([\\`*{}[\]()#+\-.!_>~|])/g, "$1");
    let html = tryRender(unescaped, display);
    if (html instanceof Error && unescaped !== tex) {
      const raw = tryRender(tex, display);
      if (!(raw instanceof Error)) html = raw;
    }
    if (html instanceof Error)
      warnAt(
        file,
        start,
        `KaTeX cannot render ${JSON.stringify(tex)} (${html.message}); it is shown as written.`,
        "math",
      );
    else edits.push({ start, end, text: html });
  };
  for (const { tree } of ctx.trees)
    for (const node of walk([...tree.content, ...tree.notes])) {
      if (node.type !== "prose") continue;
      visit(node.tree, (n) => {
        const pos = n.position;
        if (!pos) return;
        const start = node.start + pos.start.offset!;
        const end = node.start + pos.end.offset!;
        if (n.type === "math" || n.type === "inlineMath") {
          const raw = source.slice(start, end);
          if (!/\$\$\s*$/.test(raw)) return;
          render(n.value, n.type === "math" || raw.startsWith("$$"), start, end);
        } else if (n.type === "inlineCode" && /^\\\(([\s\S]*)\\\)$/.test(n.value)) {
          render(n.value.slice(2, -2), false, start, end, true);
        }
      });
    }
  ctx.data.mathEdits = edits;
}
