/**
 * remark plugin: checks remark.js content classes, `.name[ ... ]`, which may span paragraphs and code.
 * An opener without its closing bracket on the same slide is reported where it opens.
 */
import type { Root } from "mdast";
import { visit } from "unist-util-visit";
import type { VFile } from "vfile";
import { deckData, failAt } from "../source.mjs";

export default function remarkContentClasses() {
  return (tree: Root, file: VFile) => {
    const source = String(file.value);
    // Blank out code, whose brackets are not markup; keep offsets. HTML stays: remark.js reads classes in it too.
    const chars = source.split("");
    visit(tree, (node) => {
      if ((node.type === "code" || node.type === "inlineCode") && node.position) {
        for (let i = node.position.start.offset!; i < node.position.end.offset!; i++)
          if (chars[i] !== "\n") chars[i] = " ";
      }
    });
    const masked = chars.join("");
    const marks: { start: number; end: number }[] = [];
    for (const slide of deckData(file).slides) {
      const stack: { offset: number; name: string | null }[] = [];
      for (let i = slide.start; i < slide.end; i++) {
        const c = masked[i];
        if (c === "\\") {
          i++;
          continue;
        }
        if (c === "[") {
          const m = /\.([a-zA-Z][\w-]*)$/.exec(masked.slice(Math.max(slide.start, i - 60), i));
          stack.push({ offset: m ? i - m[0].length : i, name: m ? m[1]! : null });
        } else if (c === "]") {
          const open = stack.pop();
          if (open?.name)
            marks.push({ start: open.offset, end: open.offset + open.name.length + 2 }, { start: i, end: i + 1 });
        }
      }
      const open = stack.find((s) => s.name !== null);
      if (open)
        failAt(
          file,
          open.offset,
          `Content class ".${open.name}[" on slide ${slide.index} is never closed; add "]" before the slide ends.`,
        );
    }
    deckData(file).classMarks = marks.sort((a, b) => a.start - b.start);
  };
}
