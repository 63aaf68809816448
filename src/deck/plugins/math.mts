/**
 * remark plugin: math rendered with KaTeX at build time, so the deck needs no script or network for it.
 * `$$...$$` (display) comes from remark-math; xaringan's inline `` `\(...\)` `` from inline code.
 */
import katex from "katex";
import type { Root } from "mdast";
import { visit } from "unist-util-visit";
import type { VFile } from "vfile";
import { deckData, failAt, type Edit } from "../source.mjs";

function render(file: VFile, tex: string, display: boolean, offset: number): string {
  try {
    return katex.renderToString(tex, { displayMode: display, throwOnError: true, output: "html" });
  } catch (e) {
    failAt(file, offset, `KaTeX cannot render ${JSON.stringify(tex)}: ${(e as Error).message}`);
  }
}

export default function remarkKatex() {
  return (tree: Root, file: VFile) => {
    const source = String(file.value);
    const edits: Edit[] = [];
    visit(tree, (node) => {
      const pos = node.position;
      if (!pos) return;
      const start = pos.start.offset!;
      const end = pos.end.offset!;
      if (node.type === "math" || node.type === "inlineMath") {
        const display = node.type === "math" || source.startsWith("$$", start);
        edits.push({ start, end, text: render(file, node.value, display, start) });
      } else if (node.type === "inlineCode" && /^\\\(([\s\S]*)\\\)$/.test(node.value)) {
        edits.push({ start, end, text: render(file, node.value.slice(2, -2), false, start) });
      }
    });
    deckData(file).mathEdits = edits;
  };
}
