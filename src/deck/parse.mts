/**
 * Reading a deck: line ends to LF (as a browser does with the page's source), the front matter read and
 * blanked, then the lexer (remark.js's slide model), the chunks and pages remark.js shows, a tree per
 * chunk, and deepdeck's transforms on the trees (chunks, inline expressions, math, content classes).
 * Authoring mistakes are warnings (vfile messages with file:line:column); parsing never throws.
 */
import type { Heading, Paragraph, RootContent } from "mdast";
import { VFile } from "vfile";
import type { VFileMessage } from "vfile-message";
import { lex } from "./lexer.mjs";
import { defaultRemarkOptions, readFrontMatter, type RemarkOptions } from "./options.mjs";
import { chunksOf, pagesOf, type Page, type SourceChunk } from "./slides.mjs";
import { warnAt, type DeckData, type Slide } from "./source.mjs";
import { contentClasses } from "./transforms/content-classes.mjs";
import { chunks } from "./transforms/chunks.mjs";
import { math } from "./transforms/math.mjs";
import { slideTree, walk, type SlideTree } from "./tree.mjs";

export interface ParsedDeck extends DeckData {
  /** The source remark.js reads before deepdeck's edits: LF line ends, front matter blanked. */
  source: string;
  path: string;
  /** remark.js options: the front matter's over deepdeck's defaults, then the caller's. */
  options: RemarkOptions;
  /** The front matter's title, else the first slide's. */
  title: string;
  /** Scripts the front matter loads before remark.create (xaringan's beforeInit), relative to the deck. */
  scripts: string[];
  /** Names of the remark macros the deck uses (`![:name args](obj)`). */
  macros: string[];
  /** The pages remark.js shows, in order (a slide and each of its increments). */
  pages: Page[];
  /** Every chunk between separators, excluded and layout ones included. */
  sourceChunks: SourceChunk[];
  /** Warnings about authoring mistakes, each with file:line:column. */
  messages: VFileMessage[];
}

export interface ParseOptions {
  /** remark.js options that win over the front matter (the command line's). */
  remark?: Partial<RemarkOptions>;
}

/** The slide properties remark.js acts on; others are template variables (`{{key}}`). */
export const knownProperties = [
  "name",
  "class",
  "background-image",
  "background-position",
  "background-size",
  "background-color",
  "count",
  "template",
  "layout",
  "exclude",
  "continued",
  "seq",
];

function text(node: RootContent | Heading | Paragraph): string {
  if ("value" in node && typeof node.value === "string") return node.value;
  if ("children" in node) return (node.children as RootContent[]).map(text).join("");
  return "";
}

/** The first heading's text, else the first words of the first paragraph or of a code comment. */
function titleOf(source: string, trees: SlideTree[]): string {
  const nodes = [...walk(trees.flatMap((t) => t.content))];
  const clean = (t: string) => t.replace(/\s+/g, " ").trim();
  const comment = (code: string) => (/^\s*(?:\/\/|#)\s*(.+)$/m.exec(code)?.[1] ?? "").trim();
  for (const n of nodes)
    if (n.type === "prose") {
      const heading = n.tree.children.find((c): c is Heading => c.type === "heading");
      if (heading) return clean(text(heading));
    }
  for (const [i, n] of nodes.entries()) {
    let title = "";
    if (n.type === "prose") {
      for (const c of n.tree.children) {
        if (c.type === "paragraph") title = clean(text(c));
        else if (c.type === "code") title = comment(c.value);
        if (!title) continue;
        // A paragraph that goes on in an inline content class: its whole line, without the markup.
        const next = nodes[i + 1];
        if (c.type === "paragraph" && c === n.tree.children.at(-1) && next?.type === "class" && !next.block) {
          const start = n.start + c.position!.start.offset!;
          const end = source.indexOf("\n\n", start);
          title = clean(source.slice(start, end < 0 ? undefined : end).replace(/\.[a-zA-Z_-][\w-]*\[|[\]*`]/g, ""));
        }
        break;
      }
    } else if (n.type === "fence") title = comment(n.text.replace(/^[^\n]*\n/, ""));
    if (title) return title.slice(0, 80);
  }
  return "";
}

/** Parse a deck's markdown (any remark.js or xaringan deck). */
export function parseDeck(raw: string, path = "deck.md", options: ParseOptions = {}): ParsedDeck {
  let source = raw.replace(/\r\n?/g, "\n");
  const file = new VFile({ value: source, path });
  const front = readFrontMatter(source, (reason) => warnAt(file, 0, reason, "front-matter"));
  // Blank the front matter but keep its lines, so line numbers stay the file's.
  if (front.length > 0) source = source.slice(0, front.length).replace(/[^\n]/g, "") + source.slice(front.length);
  file.value = source;
  const remark = { ...defaultRemarkOptions, ...front.options, ...options.remark };
  const tokens = lex(source);
  const sourceChunks = chunksOf(tokens, source.length);
  const pages = pagesOf(source, sourceChunks, remark);
  const data: DeckData = { slides: [], chunks: [], inline: [], mathEdits: [], classMarks: [], codeEdits: [] };
  const slides: Slide[] = [];
  const trees: { slide: number; tree: SlideTree }[] = [];
  const slideTrees: SlideTree[][] = [];
  for (const page of pages) {
    const tree = slideTree(source, page.chunk);
    let slide = slides[slides.length - 1];
    if (page.chunk.continued && slide) {
      slide.increments++;
      slide.pages.push(page.index);
      slide.end = page.chunk.end;
      if (page.notesSource) slide.notes = page.notesSource;
      slideTrees[slideTrees.length - 1]!.push(tree);
    } else {
      const { continued: _, ...properties } = page.properties;
      slide = {
        index: slides.length + 1,
        start: page.chunk.start,
        end: page.chunk.end,
        line: source.slice(0, page.chunk.start).split("\n").length,
        properties,
        title: "",
        increments: 0,
        notes: page.notesSource || (page.chunk.notes ? "" : null),
        pages: [page.index],
      };
      slides.push(slide);
      slideTrees.push([tree]);
    }
    trees.push({ slide: slide.index, tree });
  }
  slides.forEach((s, i) => (s.title = titleOf(source, slideTrees[i]!)));
  data.slides = slides;
  const ctx = { source, file, slides, trees, data };
  chunks(ctx);
  math(ctx);
  contentClasses(ctx);
  checkProperties(source, file, sourceChunks, slides);
  return {
    ...data,
    source,
    path,
    options: remark,
    title: front.title ?? slides[0]?.title ?? "Slides",
    scripts: front.scripts,
    macros: [...new Set(tokens.flatMap((t) => (t.type === "macro" ? [t.name] : [])))],
    pages,
    sourceChunks,
    // In the order of the file, as a reader fixes them.
    messages: [...file.messages].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0)),
  };
}

function propertyOffset(source: string, chunk: SourceChunk, key: string): number {
  for (const r of chunk.propertyRanges) {
    const at = source.slice(r.start, r.end).indexOf(`${key}:`);
    if (at >= 0) return r.start + at;
  }
  return chunk.start;
}

function checkProperties(source: string, file: VFile, all: SourceChunk[], slides: Slide[]): void {
  const variables = new Set([...source.matchAll(/\{\{\s*([^}\n]+?)\s*\}\}/g)].map((m) => m[1]!));
  for (const c of all)
    for (const key of Object.keys(c.properties))
      if (!knownProperties.includes(key) && !variables.has(key))
        warnAt(
          file,
          propertyOffset(source, c, key),
          `Slide property "${key}" is not one remark.js uses (${knownProperties.join(", ")}) nor a {{${key}}} in the deck; remark.js reads "${key}:" at the top of a slide as a property.`,
          "property",
        );
  const names = new Map<string, number>();
  for (const s of slides) {
    const name = s.properties["name"];
    if (!name) continue;
    const seen = names.get(name);
    if (seen)
      warnAt(
        file,
        s.start,
        `Slide ${s.index} is named "${name}" like slide ${seen}; remark.js goes to the last one by that name.`,
        "slide-name",
      );
    else names.set(name, s.index);
  }
}
