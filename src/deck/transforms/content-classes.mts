/**
 * remark.js content classes, `.name[ ... ]`, as the lexer found them (by bracket depth): the markup's
 * source ranges (for the notebooks, which drop it), and a warning for an opener remark.js shows as text
 * because its `]` never comes.
 */
import { warnAt } from "../source.mjs";
import { walk } from "../tree.mjs";
import type { DeckContext } from "./context.mjs";

export function contentClasses(ctx: DeckContext): void {
  const marks: { start: number; end: number }[] = [];
  for (const { slide, tree } of ctx.trees)
    for (const node of walk([...tree.content, ...tree.notes])) {
      if (node.type === "class")
        marks.push({ start: node.start, end: node.openEnd }, { start: node.end - 1, end: node.end });
      if (node.type === "unclosedClass")
        warnAt(
          ctx.file,
          node.start,
          `Content class ".${node.name}[" on slide ${slide} is never closed, so remark.js shows it as text; add "]" where it should end.`,
          "content-class",
        );
    }
  ctx.data.classMarks = marks.sort((a, b) => a.start - b.start);
}
