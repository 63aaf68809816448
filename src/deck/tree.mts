/**
 * Per-slide trees: a chunk's tokens as nodes (fenced blocks, content classes, macros) with its prose parsed
 * by unified's remark parser (and remark-math), so deepdeck's transforms see markdown where remark.js
 * will render markdown, and nothing across a separator, a notes line or a content class's brackets.
 * Offsets of every node are offsets in the deck's source.
 */
import type { Root } from "mdast";
import remarkMath from "remark-math";
import remarkParse from "remark-parse";
import { unified } from "unified";
import type { Token } from "./lexer.mjs";
import type { SourceChunk } from "./slides.mjs";

export type DeckNode =
  /** Markdown between structural tokens; `tree` offsets are relative to `start`. */
  | { type: "prose"; start: number; end: number; tree: Root }
  | { type: "fence"; start: number; end: number; text: string }
  | {
      type: "class";
      start: number;
      end: number;
      openEnd: number;
      classes: string[];
      block: boolean;
      children: DeckNode[];
    }
  | { type: "macro"; start: number; end: number; name: string }
  | { type: "unclosedClass"; start: number; end: number; name: string };

export interface SlideTree {
  content: DeckNode[];
  notes: DeckNode[];
}

const parser = unified().use(remarkParse).use(remarkMath, { singleDollarTextMath: false });

function prose(source: string, start: number, end: number, blank: { start: number; end: number }[]): DeckNode {
  let text = source.slice(start, end);
  // Properties are not markdown: blank them, keeping offsets (and line ends) where they are.
  for (const r of blank)
    if (r.end > start && r.start < end) {
      const a = Math.max(r.start, start) - start;
      const b = Math.min(r.end, end) - start;
      text = text.slice(0, a) + text.slice(a, b).replace(/[^\n]/g, " ") + text.slice(b);
    }
  return { type: "prose", start, end, tree: parser.runSync(parser.parse(text)) as Root };
}

/** The tree of one chunk. */
export function slideTree(source: string, chunk: SourceChunk): SlideTree {
  const tree: SlideTree = { content: [], notes: [] };
  let target = tree.content;
  const stack: DeckNode[][] = [];
  let run: { start: number; end: number } | null = null;
  const flush = () => {
    if (run && source.slice(run.start, run.end).trim() !== "")
      target.push(prose(source, run.start, run.end, chunk.propertyRanges));
    run = null;
  };
  const add = (t: Token) => {
    if (run && run.end === t.start) run.end = t.end;
    else {
      flush();
      run = { start: t.start, end: t.end };
    }
  };
  for (const t of chunk.tokens) {
    switch (t.type) {
      case "text":
        if (t.unclosedClass !== undefined && !t.text.startsWith("\\")) {
          flush();
          target.push({ type: "unclosedClass", start: t.start, end: t.end, name: t.unclosedClass });
          run = { start: t.start, end: t.end };
        } else add(t);
        break;
      case "code":
      case "def":
        add(t);
        break;
      case "fences": {
        flush();
        // The token holds the line end before the fence and the blank lines after it.
        const lead = t.text.startsWith("\n") ? 1 : 0;
        const body = t.text.slice(lead).replace(/\n+$/, "");
        target.push({ type: "fence", start: t.start + lead, end: t.start + lead + body.length, text: body });
        break;
      }
      case "macro":
        flush();
        target.push({ type: "macro", start: t.start, end: t.end, name: t.name });
        break;
      case "classStart": {
        flush();
        const node: DeckNode = {
          type: "class",
          start: t.start,
          end: t.end,
          openEnd: t.end,
          classes: t.classes,
          block: t.block,
          children: [],
        };
        target.push(node);
        stack.push(target);
        target = node.children;
        break;
      }
      case "classEnd": {
        flush();
        target = stack.pop()!;
        const node = target[target.length - 1]!;
        node.end = t.end;
        break;
      }
      case "notes":
        flush();
        tree.notes = [];
        target = tree.notes;
        break;
      case "separator":
        break;
    }
  }
  flush();
  return tree;
}

/** Every node of a tree list, depth first, in source order. */
export function* walk(nodes: DeckNode[]): Generator<DeckNode> {
  for (const n of nodes) {
    yield n;
    if (n.type === "class") yield* walk(n.children);
  }
}
