#!/usr/bin/env node
/**
 * `npm run notebooks`: the course notebooks, generated from the deck: each slide a markdown cell
 * (remark.js-only syntax turned into plain Markdown, notes in a collapsible block) followed by its code
 * cells, which carry the knit outputs of the full run. One notebook per part of the course.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { writeFileAtomic } from "../io/atomic_write.js";
import type { CellOutput, Notebook, NotebookCell } from "../executor/execute.js";
import { packageRoot as root } from "../project/link.js";
import { notebookPictures } from "./figures/index.mjs";
import { readKnitCache, type KnitCache } from "./knit.mjs";
import { parseDeck, type ParsedDeck } from "./parse.mjs";
import type { Edit, Slide } from "./source.mjs";
import { splice } from "./splice.mjs";

/** The parts of the course, by the names of their first and last slides. */
export const parts = [
  { file: "01-tensors-and-data.ipynb", title: "Part 1: deep learning, tensors and data", from: "title", to: "keras" },
  {
    file: "02-mnist-dense-network.ipynb",
    title: "Part 2: a dense network on MNIST",
    from: "prepare-data",
    to: "save-model",
  },
  { file: "03-convnets.ipynb", title: "Part 3: convolutional networks", from: "convnets", to: "why-downsampling" },
  {
    file: "04-advanced-topics.ipynb",
    title: "Part 4: other topics in computer vision",
    from: "pretrained",
    to: "questions",
  },
] as const;

/** Plain Markdown of deck source [start, end): no properties, increments or content-class markup; math for MathJax. */
function markdown(deck: ParsedDeck, slide: Slide, start: number, end: number, cache: KnitCache): string {
  const edits: Edit[] = [];
  for (const m of deck.classMarks) if (m.start >= start && m.end <= end) edits.push({ ...m, text: "" });
  for (const e of deck.inline)
    if (e.start >= start && e.end <= end)
      edits.push({ start: e.start, end: e.end, text: cache.inline[e.id]?.text ?? `\`${e.expression}\`` });
  for (const c of deck.sourceChunks)
    for (const r of c.propertyRanges) if (r.start >= start && r.end <= end) edits.push({ ...r, text: "" });
  let text = splice(deck.source, edits, start, end);
  text = text
    .replace(/`\\\(([\s\S]*?)\\\)`/g, (_, tex: string) => `$${tex}$`)
    .replace(/^--[ \t]*$/gm, "")
    // In Markdown an HTML block runs to the next blank line; give <hr> one so the footnote after it renders.
    .replace(/^<hr>[ \t]*\n(?!\n)/gm, "<hr>\n\n")
    .replace(
      /^\?\?\?[ \t]*\n([\s\S]*)$/m,
      (_, notes: string) => `<details><summary>Speaker notes</summary>\n\n${notes.trim()}\n\n</details>\n`,
    )
    .replace(/^[ \t]+$/gm, "")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  return text;
}

function lines(text: string): string[] {
  const parts = text.split("\n");
  return parts.map((l, i) => (i < parts.length - 1 ? `${l}\n` : l)).filter((l) => l !== "");
}

/** One notebook of the course. */
export function notebookFor(deck: ParsedDeck, cache: KnitCache, part: (typeof parts)[number]): Notebook {
  const first = deck.slides.findIndex((s) => s.properties["name"] === part.from);
  const last = deck.slides.findIndex((s) => s.properties["name"] === part.to);
  if (first < 0 || last < first)
    throw new Error(
      `notebooks: part ${part.file} spans slides "${part.from}" to "${part.to}", which the deck does not have in that order.`,
    );
  const cells: NotebookCell[] = [];
  let count = 0;
  cells.push({
    cell_type: "markdown",
    id: "part-title",
    metadata: { deepdeck: { part: part.title } },
    source: lines(
      `# ${part.title}\n\n*Generated from the course deck (slides/deck.md) by \`npm run notebooks\`; outputs from a full run. Kernel: TypeScript (deepdeck).*`,
    ),
  });
  for (const slide of deck.slides.slice(first, last + 1)) {
    const meta = (extra: Record<string, unknown> = {}) => ({
      deepdeck: { slide: slide.index, name: slide.properties["name"] ?? null, ...extra },
    });
    let at = slide.start;
    let k = 0;
    const addMarkdown = (end: number) => {
      const { text, attachments } = notebookPictures(markdown(deck, slide, at, end, cache));
      if (text)
        cells.push({
          cell_type: "markdown",
          id: `${slide.properties["name"] ?? `slide${slide.index}`}-md${++k}`,
          metadata: meta(),
          source: lines(text),
          ...(Object.keys(attachments).length ? { attachments } : {}),
        });
    };
    for (const chunk of deck.chunks.filter((c) => c.slide === slide.index)) {
      addMarkdown(chunk.start);
      at = chunk.end;
      const outputs: CellOutput[] = chunk.options.eval ? (cache.chunks[chunk.id]?.outputs ?? []) : [];
      const onSlides = chunk.options.slides
        ? chunk.options.echo && chunk.options.include
          ? "shown"
          : "hidden"
        : "notebook-only";
      cells.push({
        cell_type: "code",
        id: chunk.id,
        metadata: meta({ chunk: chunk.id, slides: onSlides }),
        source: lines(chunk.code),
        execution_count: chunk.options.eval ? ++count : null,
        outputs,
      });
    }
    addMarkdown(slide.end);
  }
  return {
    cells,
    metadata: {
      kernelspec: { display_name: "TypeScript (deepdeck)", language: "typescript", name: "deepdeck" },
      language_info: { file_extension: ".ts", mimetype: "text/typescript", name: "typescript" },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

/** Every notebook as the text `npm run notebooks` writes. */
export function generateNotebooks(deck: ParsedDeck, cache: KnitCache): Map<string, string> {
  return new Map(parts.map((p) => [p.file, JSON.stringify(notebookFor(deck, cache, p), null, 1) + "\n"]));
}

export function readDeck(): { deck: ParsedDeck; cache: KnitCache } {
  const path = join(root, "slides", "deck.md");
  return {
    deck: parseDeck(readFileSync(path, "utf8"), path),
    cache: readKnitCache(join(root, "slides", "knit", "outputs.json")),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { deck, cache } = readDeck();
  const dir = join(root, "notebooks");
  for (const [file, text] of generateNotebooks(deck, cache)) {
    writeFileAtomic(join(dir, file), text);
    console.log(`Wrote notebooks/${file}`);
  }
}
