/**
 * remark plugin: the deck's TypeScript chunks (```ts {name="x", echo=false}), their knitr-style
 * options, and inline expressions (`ts expr`). R chunks are errors: the deck is TypeScript.
 */
import type { Code, InlineCode, Root } from "mdast";
import { visit } from "unist-util-visit";
import type { VFile } from "vfile";
import { deckData, failAt, type Chunk, type ChunkOptions, type InlineExpression } from "../source.mjs";

const booleans = ["echo", "eval", "include", "slides"] as const;

/** Parse `{name="x", echo=false, results="hide"}`. */
export function parseChunkOptions(meta: string, fail: (reason: string) => never): ChunkOptions {
  const options: ChunkOptions = { echo: true, eval: true, include: true, results: "markup", slides: true };
  const body = meta.trim();
  if (body === "") return options;
  if (!body.startsWith("{") || !body.endsWith("}"))
    fail(`Chunk options must be in braces, like {name="load", echo=false}; found ${body}.`);
  const inner = body.slice(1, -1).trim();
  if (inner === "") return options;
  for (const part of inner.split(/\s*,\s*/)) {
    const m = /^([a-zA-Z]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))$/.exec(part);
    if (!m) fail(`Cannot read the chunk option "${part}"; write key=value, e.g. echo=false.`);
    const [, key, dq, sq, bare] = m;
    const value = dq ?? sq ?? bare!;
    if (key === "name") {
      if (!/^[a-z0-9][\w-]*$/i.test(value)) fail(`Chunk name "${value}" must be letters, digits, - and _.`);
      options.name = value;
    } else if ((booleans as readonly string[]).includes(key!)) {
      if (!/^(true|false|TRUE|FALSE)$/.test(value)) fail(`Chunk option ${key} must be true or false, found ${value}.`);
      options[key as (typeof booleans)[number]] = value.toLowerCase() === "true";
    } else if (key === "results") {
      if (value !== "markup" && value !== "hide")
        fail(`Chunk option results must be "markup" or "hide", found ${value}.`);
      options.results = value;
    } else {
      fail(`Unknown chunk option ${key}; known options are name, echo, eval, include, results, slides.`);
    }
  }
  return options;
}

export default function remarkChunks() {
  return (tree: Root, file: VFile) => {
    const source = String(file.value);
    const data = deckData(file);
    const slideOf = (offset: number) => data.slides.find((s) => offset >= s.start && offset <= s.end)?.index ?? 0;
    const chunks: Chunk[] = [];
    const inline: InlineExpression[] = [];
    const ids = new Set<string>();
    const counts = new Map<number, number>();
    const events: { offset: number; kind: "chunk" | "inline"; node: Code | InlineCode }[] = [];
    visit(tree, (node) => {
      if (node.type === "code" || node.type === "inlineCode")
        events.push({ offset: node.position!.start.offset!, kind: node.type === "code" ? "chunk" : "inline", node });
    });
    events.sort((a, b) => a.offset - b.offset);
    let lastChunk: string | null = null;
    for (const { node, kind } of events) {
      const start = node.position!.start.offset!;
      const end = node.position!.end.offset!;
      const slide = slideOf(start);
      if (kind === "chunk") {
        const code = node as Code;
        if (code.lang === "r" || code.lang === "R")
          failAt(file, start, `R code is left on slide ${slide}; rewrite it in TypeScript (\`\`\`ts).`);
        if (code.lang !== "ts" && code.lang !== "typescript") continue;
        const options = parseChunkOptions(code.meta ?? "", (reason) => failAt(file, start, reason));
        const n = (counts.get(slide) ?? 0) + 1;
        counts.set(slide, n);
        const id = options.name ?? `slide${slide}-${n}`;
        if (ids.has(id)) failAt(file, start, `Two chunks are named "${id}"; chunk names must be unique.`);
        ids.add(id);
        const lineStart = source.lastIndexOf("\n", start - 1) + 1;
        chunks.push({ id, slide, code: code.value, options, start, end, indent: source.slice(lineStart, start) });
        if (options.eval) lastChunk = id;
      } else {
        const value = (node as InlineCode).value;
        const m = /^ts\s+([\s\S]+)$/.exec(value);
        if (!m) continue;
        const id = `inline-${inline.length + 1}`;
        inline.push({ id, slide, expression: m[1]!.trim(), start, end, after: lastChunk });
      }
    }
    data.chunks = chunks;
    data.inline = inline;
  };
}
