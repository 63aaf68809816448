/**
 * From the parsed deck and its knit outputs to the markdown remark.js presents: chunks as highlighted
 * TypeScript with their outputs below (text, images and charts as files, HTML inline), chunk options
 * applied, inline expressions replaced by their values, math as KaTeX HTML. The author's markdown is
 * otherwise kept byte for byte (edits are spliced in by source offsets).
 */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CellOutput } from "../executor/execute.js";
import { makeDirs } from "../io/atomic_write.js";
import { pictureEdits } from "./figures/index.mjs";
import type { ParsedDeck } from "./parse.mjs";
import type { Chunk, Edit } from "./source.mjs";
import { splice } from "./splice.mjs";

export interface RenderOptions {
  /** Folder that receives figure files; their links are `figures/<file>`. */
  figuresDir: string;
  /** Drop `--` increments, so each slide is one page (for PDF). */
  print?: boolean;
  /** The deck's TypeScript was run (a knit cache or --execute): show outputs. Default true. */
  evaluated?: boolean;
}

function joinText(t: unknown): string {
  return Array.isArray(t) ? t.join("") : typeof t === "string" ? t : "";
}

function fence(text: string, indent: string, lang = ""): string {
  const ticks = "`".repeat(Math.max(3, ...(text.match(/`{3,}/g) ?? []).map((m) => m.length + 1)));
  const body = text
    .replace(/\n$/, "")
    .split("\n")
    .map((l) => (l ? indent + l : l))
    .join("\n");
  return `${ticks}${lang}\n${body}\n${indent}${ticks}`;
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}

/** The markdown of one chunk's outputs. */
export function renderOutputs(chunk: Chunk, outputs: CellOutput[], figuresDir: string): string {
  const parts: string[] = [];
  let text = "";
  const flush = () => {
    if (text.trim())
      parts.push(`${chunk.indent}.output[\n${chunk.indent}${fence(text, chunk.indent)}\n${chunk.indent}]`);
    text = "";
  };
  let figure = 0;
  for (const o of outputs) {
    if (o.output_type === "stream") {
      if (o.name === "stderr") continue;
      text += joinText(o.text);
      continue;
    }
    if (o.output_type === "error") {
      text += `${o.ename}: ${o.evalue}\n`;
      continue;
    }
    const data = o.data ?? {};
    const alt = escapeAttr(joinText(data["text/plain"]).slice(0, 200));
    if (data["image/svg+xml"] !== undefined || data["image/png"] !== undefined) {
      flush();
      figure++;
      const svg = data["image/svg+xml"] !== undefined;
      const file = `${chunk.id}-${figure}.${svg ? "svg" : "png"}`;
      const path = join(figuresDir, file);
      // The slide and print pages share one figures folder: a figure is written once.
      if (!existsSync(path)) {
        makeDirs(figuresDir);
        writeFileSync(path, svg ? joinText(data["image/svg+xml"]) : Buffer.from(joinText(data["image/png"]), "base64"));
      }
      parts.push(`${chunk.indent}<img class="knit-figure" src="figures/${file}" alt="${alt}">`);
    } else if (data["text/html"] !== undefined) {
      flush();
      parts.push(chunk.indent + `<div class="knit-html">${joinText(data["text/html"]).replace(/\n/g, " ")}</div>`);
    } else {
      text += joinText(data["text/plain"]) + "\n";
    }
  }
  flush();
  return parts.join("\n\n");
}

/** The remark.js markdown of the deck. */
export function renderDeck(
  deck: ParsedDeck,
  knit: { chunks: Map<string, CellOutput[]>; inline: Map<string, string> },
  options: RenderOptions,
): string {
  const edits: Edit[] = [...deck.mathEdits, ...deck.codeEdits];
  const evaluated = options.evaluated ?? true;
  // The slides' pictures: diagrams drawn by code, photos and videos from their original addresses.
  edits.push(
    ...pictureEdits(deck.source, deck.chunks, {
      ...(options.print ? { print: true } : {}),
      write: (file, svg) => {
        makeDirs(options.figuresDir);
        writeFileSync(join(options.figuresDir, file), svg);
      },
    }),
  );
  for (const chunk of deck.chunks) {
    const { echo, include, results, slides } = chunk.options;
    let text = "";
    if (!evaluated) text = fence(chunk.code, chunk.indent, "typescript");
    else if (slides && include) {
      const blocks: string[] = [];
      if (echo) blocks.push(fence(chunk.code, chunk.indent, "typescript"));
      const outputs = knit.chunks.get(chunk.id);
      if (chunk.options.eval && results === "markup" && outputs) {
        const rendered = renderOutputs(chunk, outputs, options.figuresDir);
        if (rendered) blocks.push(rendered.replace(new RegExp(`^${chunk.indent}`), ""));
      }
      text = blocks.join(`\n\n${chunk.indent}`);
    }
    edits.push({ start: chunk.start, end: chunk.end, text });
  }
  for (const expr of deck.inline) {
    const value = knit.inline.get(expr.id);
    if (value === undefined) {
      if (evaluated)
        throw new Error(`No value for the inline expression \`ts ${expr.expression}\` on slide ${expr.slide}.`);
      continue;
    }
    edits.push({ start: expr.start, end: expr.end, text: value });
  }
  if (options.print) {
    // One page per slide: each `--` goes, its line ends stay.
    deck.sourceChunks.forEach((c, i) => {
      const before = deck.sourceChunks[i - 1];
      if (c.continued && before)
        edits.push({ start: before.end, end: c.start, text: deck.source.slice(before.end, c.start).replace("--", "") });
    });
  }
  return splice(deck.source, edits);
}
