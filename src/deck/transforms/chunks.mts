/**
 * The deck's code chunks: TypeScript fences (```ts, optionally with knitr-style options
 * `{name="x", echo=false}`) become chunks the knit runs; `ts expr` in the prose becomes an inline
 * expression (knitr's inline `r expr`). Other fences stay code; a knitr header (```` ```{r echo=FALSE} ````)
 * is shown as its language, as knitr shows the code. Mistakes are warnings: the chunk keeps its defaults.
 */
import type { InlineCode } from "mdast";
import { visit } from "unist-util-visit";
import type { Chunk, ChunkOptions, InlineExpression } from "../source.mjs";
import { warnAt } from "../source.mjs";
import { walk } from "../tree.mjs";
import type { DeckContext } from "./context.mjs";

const booleans = ["echo", "eval", "include", "slides"] as const;

/** Parse `{name="x", echo=false, results="hide"}`; an option it cannot read is reported and left at its default. */
export function parseChunkOptions(meta: string, warn: (reason: string) => void): ChunkOptions {
  const options: ChunkOptions = { echo: true, eval: true, include: true, results: "markup", slides: true };
  const body = meta.trim();
  if (body === "") return options;
  if (!body.startsWith("{") || !body.endsWith("}")) {
    warn(`Chunk options must be in braces, like {name="load", echo=false}; found ${body}, which is ignored.`);
    return options;
  }
  const inner = body.slice(1, -1).trim();
  if (inner === "") return options;
  for (const part of inner.split(/\s*,\s*/)) {
    const m = /^([a-zA-Z]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))$/.exec(part);
    if (!m) {
      warn(`Cannot read the chunk option "${part}"; write key=value, e.g. echo=false.`);
      continue;
    }
    const [, key, dq, sq, bare] = m;
    const value = dq ?? sq ?? bare!;
    if (key === "name") {
      if (!/^[a-z0-9][\w-]*$/i.test(value)) warn(`Chunk name "${value}" must be letters, digits, - and _.`);
      else options.name = value;
    } else if ((booleans as readonly string[]).includes(key!)) {
      if (!/^(true|false|TRUE|FALSE)$/.test(value)) warn(`Chunk option ${key} must be true or false, found ${value}.`);
      else options[key as (typeof booleans)[number]] = value.toLowerCase() === "true";
    } else if (key === "results") {
      if (value !== "markup" && value !== "hide")
        warn(`Chunk option results must be "markup" or "hide", found ${value}.`);
      else options.results = value;
    } else {
      warn(`Unknown chunk option ${key}; known options are name, echo, eval, include, results, slides.`);
    }
  }
  return options;
}

/** A fence's opening line: indent, fence, language (or a knitr `{r ...}` header), then `{options}`. */
const opening = /^( *)(`{3,}|~{3,}) *(\{[^\n]*\}|[^\s{]*) *(\{[^\n]*\})? *\n/;

/** The code of a fence, as CommonMark reads it: the fence's indentation off each line, no closing fence. */
function fenceCode(body: string, fence: string, indent: number): string {
  const close = body.lastIndexOf(fence);
  const inside = (close >= 0 ? body.slice(0, close) : body).replace(/\n?[ \t]*$/, "");
  const strip = new RegExp(`^ {0,${indent}}`);
  return inside
    .split("\n")
    .map((l) => l.replace(strip, ""))
    .join("\n");
}

/** Find the chunks and inline expressions. */
export function chunks(ctx: DeckContext): void {
  const { file } = ctx;
  const found: Chunk[] = [];
  const inline: InlineExpression[] = [];
  const ids = new Set<string>();
  const counts = new Map<number, number>();
  const events: { offset: number; run: () => void }[] = [];
  let lastChunk: string | null = null;
  const rCode: { start: number; slide: number }[] = [];
  for (const { slide, tree } of ctx.trees) {
    for (const node of walk([...tree.content, ...tree.notes])) {
      if (node.type === "prose") {
        visit(node.tree, "inlineCode", (n: InlineCode) => {
          const m = /^ts\s+([\s\S]+)$/.exec(n.value);
          if (!m) return;
          const start = node.start + n.position!.start.offset!;
          const end = node.start + n.position!.end.offset!;
          const expression = m[1]!.trim();
          events.push({
            offset: start,
            run: () =>
              inline.push({ id: `inline-${inline.length + 1}`, slide, expression, start, end, after: lastChunk }),
          });
        });
      }
      if (node.type !== "fence") continue;
      const head = opening.exec(node.text);
      if (!head) continue;
      const [line, indent, fence, first = "", second] = head;
      const knitr = /^\{\s*([a-zA-Z]+)\s*,?\s*([^}]*)\}$/.exec(first);
      const lang = (knitr ? knitr[1]! : first).toLowerCase();
      const meta = knitr ? (knitr[2]!.trim() ? `{${knitr[2]}}` : "") : (second ?? "");
      const start = node.start;
      if (lang !== "ts" && lang !== "typescript") {
        // remark.js highlights by a one-word info string: show a knitr chunk's code as its language.
        if (knitr || second !== undefined)
          ctx.data.codeEdits.push({ start, end: start + line.length, text: `${indent}${fence}${lang}\n` });
        if (lang === "r") rCode.push({ start, slide });
        continue;
      }
      const code = fenceCode(node.text.slice(line.length), fence!, indent!.length);
      const at = start + indent!.length;
      events.push({
        offset: at,
        run: () => {
          const options = parseChunkOptions(meta, (reason) => warnAt(file, at, reason, "chunk-option"));
          const n = (counts.get(slide) ?? 0) + 1;
          counts.set(slide, n);
          let id = options.name ?? `slide${slide}-${n}`;
          if (ids.has(id)) {
            const renamed = `${id}-${n}`;
            warnAt(file, at, `Two chunks are named "${id}"; this one is called "${renamed}".`, "chunk-name");
            id = renamed;
          }
          ids.add(id);
          found.push({ id, slide, code, options, start: at, end: node.end, indent: indent! });
          if (options.eval) lastChunk = id;
        },
      });
    }
  }
  for (const e of events.sort((a, b) => a.offset - b.offset)) e.run();
  // In a deck that runs TypeScript, R code is likely left from a translation; elsewhere it is just code.
  if (found.length > 0)
    for (const r of rCode)
      warnAt(
        file,
        r.start,
        `R code on slide ${r.slide} is shown but not run; deepdeck runs TypeScript (\`\`\`ts).`,
        "r-chunk",
      );
  ctx.data.chunks = found;
  ctx.data.inline = inline;
}
