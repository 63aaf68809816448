/**
 * From tokens to slides, as remark.js 0.14 does it (src/remark/parser.js and models/slideshow.js, slide.js):
 * separators cut the deck into chunks (`--` marks the next one continued); `???` sends the rest of a chunk
 * to its notes (a second `???` starts them again); properties are read from the text before a chunk's
 * first content class: `key: value` lines at its top (blank lines between them allowed) and
 * `<!-- key: value -->` comments anywhere in it. Then chunks with `exclude: true` (any case) are dropped,
 * `layout: true` chunks become the layout of the chunks after them (until `layout: false`) without being
 * shown, `template: name` names another chunk to inherit from, and a continued chunk inherits from the
 * one before it: its class is the template's followed by its own, other properties it lacks are copied
 * (never name, layout or count), notes are the template's, a blank line, then its own. With
 * `countIncrementalSlides: false` a continued chunk has `count: false` unless it says otherwise.
 */
import type { Token } from "./lexer.mjs";

/** Text and content classes of a chunk, in order; text keeps its source range. */
export type Part =
  | {
      type: "text";
      start: number;
      end: number;
      text: string;
      /** Where each run of the text is in the source (runs are contiguous; an escaped class drops a backslash). */
      pieces: { src: number; length: number }[];
    }
  | { type: "class"; start: number; end: number; classes: string[]; block: boolean; children: Part[] }
  | { type: "macro"; start: number; end: number; name: string; args: string[]; obj: string | undefined };

/** One chunk between separators, as remark.js's parser returns it. */
export interface SourceChunk {
  /** Source range of the chunk, without the separators around it. */
  start: number;
  end: number;
  continued: boolean;
  content: Part[];
  /** Where the notes start (after `???`), or null. */
  notesStart: number | null;
  notes: Part[] | null;
  /** Properties as written (and `continued`), and the source ranges remark.js removes to read them. */
  properties: Record<string, string>;
  propertyRanges: { start: number; end: number }[];
  /** The chunk's tokens (without its separators), for the per-slide trees. */
  tokens: Token[];
}

/** One page remark.js shows: a chunk after exclusions, layouts and inheritance. */
export interface Page {
  /** 0-based, as remark.js's getSlides() numbers them. */
  index: number;
  chunk: SourceChunk;
  /** Properties after inheritance (remark.js's slide.properties). */
  properties: Record<string, string>;
  /** The notes text as remark.js holds it: own notes, after the inherited ones and a blank line. */
  notes: string;
  /** The chunk's notes as markdown source, with the inherited ones before them. */
  notesSource: string;
  /** The slide number remark.js prints, with the deck's slideNumberFormat. */
  number: string;
}

function plain(parts: Part[]): string {
  // How remark.js turns a content list into a string when it concatenates notes: Array's toString.
  return parts.map((p) => (p.type === "text" ? p.text : "[object Object]")).join(",");
}

const propertyPattern = /^\n*([-\w]+):([^$\n]*)|\n*<!--\s*([-\w]+):([^$\n]*?)\s*-->/i;

/** Read the properties of the first text of a chunk; returns the source ranges read. */
function readProperties(first: Part | undefined, properties: Record<string, string>): { start: number; end: number }[] {
  if (first?.type !== "text") return [];
  let text = first.text;
  // Source offset of each character (an escaped `\.class[` is text without its backslash).
  let map = offsetsOf(first);
  const ranges: { start: number; end: number }[] = [];
  for (let m = propertyPattern.exec(text); m !== null && m[0].length > 0; m = propertyPattern.exec(text)) {
    const key = (m[1] ?? m[3]!).trim();
    properties[key] = (m[1] !== undefined ? m[2]! : m[4]!).trim();
    for (const s of map.slice(m.index, m.index + m[0].length)) {
      const last = ranges[ranges.length - 1];
      if (last?.end === s) last.end = s + 1;
      else ranges.push({ start: s, end: s + 1 });
    }
    text = text.slice(0, m.index) + text.slice(m.index + m[0].length);
    map = [...map.slice(0, m.index), ...map.slice(m.index + m[0].length)];
  }
  return ranges.sort((a, b) => a.start - b.start);
}

function offsetsOf(part: Extract<Part, { type: "text" }>): number[] {
  const map: number[] = [];
  for (const piece of part.pieces) for (let i = 0; i < piece.length; i++) map.push(piece.src + i);
  return map;
}

/** Cut the tokens into chunks and read their properties (remark.js's Parser.parse, before exclusion). */
export function chunksOf(tokens: Token[], length: number): SourceChunk[] {
  const chunks: SourceChunk[] = [];
  const open = (start: number, continued: boolean): SourceChunk => ({
    start,
    end: length,
    continued,
    content: [],
    notesStart: null,
    notes: null,
    properties: { continued: String(continued) },
    propertyRanges: [],
    tokens: [],
  });
  let chunk = open(0, false);
  let stack: Part[][] = [chunk.content];
  const classStack: Extract<Part, { type: "class" }>[] = [];
  const append = (part: Part) => {
    const target = classStack.length > 0 ? stack[stack.length - 1]! : (chunk.notes ?? chunk.content);
    const last = target[target.length - 1];
    if (part.type === "text" && last?.type === "text") {
      last.text += part.text;
      last.end = part.end;
      last.pieces.push(...part.pieces);
    } else target.push(part);
  };
  for (const t of tokens) {
    if (t.type !== "separator") chunk.tokens.push(t);
    switch (t.type) {
      case "text":
      case "code":
      case "fences":
        append({
          type: "text",
          start: t.start,
          end: t.end,
          text: t.text,
          pieces: [{ src: t.end - t.text.length, length: t.text.length }],
        });
        break;
      case "def":
        break;
      case "macro":
        append({ type: "macro", start: t.start, end: t.end, name: t.name, args: t.args, obj: t.obj });
        break;
      case "classStart": {
        const part: Extract<Part, { type: "class" }> = {
          type: "class",
          start: t.start,
          end: t.end,
          classes: t.classes,
          block: t.block,
          children: [],
        };
        append(part);
        classStack.push(part);
        stack.push(part.children);
        break;
      }
      case "classEnd":
        classStack.pop()!.end = t.end;
        stack.pop();
        break;
      case "separator":
        chunk.end = t.start;
        chunks.push(chunk);
        chunk = open(t.end, t.dashes === "--");
        stack = [chunk.content];
        break;
      case "notes":
        chunk.notes = [];
        chunk.notesStart = t.end;
        break;
    }
  }
  chunks.push(chunk);
  for (const c of chunks) c.propertyRanges = readProperties(c.content[0], c.properties);
  return chunks;
}

export interface PageOptions {
  countIncrementalSlides: boolean;
  slideNumberFormat: string;
}

interface Model {
  properties: Record<string, string>;
  notes: string | Part[];
  notesSource: string;
}

function notesSourceOf(source: string, chunk: SourceChunk): string {
  return chunk.notesStart === null ? "" : source.slice(chunk.notesStart, chunk.end);
}

/** The pages remark.js shows, from the chunks (remark.js's createSlides). */
export function pagesOf(source: string, chunks: SourceChunk[], options: PageOptions): Page[] {
  const shown = chunks.filter((c) => (c.properties["exclude"] ?? "").toLowerCase() !== "true");
  const pages: (Model & { chunk: SourceChunk })[] = [];
  const byName = new Map<string, Model>();
  let layout: Model | undefined;
  shown.forEach((chunk, i) => {
    const own = chunk.properties;
    let template: Model | undefined;
    if (own["continued"] === "true" && i > 0) template = pages[pages.length - 1];
    else if (own["template"] !== undefined && byName.has(own["template"])) template = byName.get(own["template"]);
    else if (own["layout"] === "false") layout = undefined;
    else if (layout && own["layout"] !== "true") template = layout;
    const properties = { ...own };
    if (own["continued"] === "true" && !options.countIncrementalSlides && properties["count"] === undefined)
      properties["count"] = "false";
    const model: Model & { chunk: SourceChunk } = {
      chunk,
      properties,
      notes: chunk.notes ?? "",
      notesSource: notesSourceOf(source, chunk),
    };
    if (template) {
      for (const [key, value] of Object.entries(template.properties)) {
        if (key === "name" || key === "layout" || key === "count") continue;
        if (key === "class") properties[key] = properties[key] ? `${value}, ${properties[key]}` : value;
        else if (properties[key] === undefined) properties[key] = value;
      }
      // remark.js tests the template's notes for truth: an empty list is true, an empty string is not.
      if (typeof template.notes !== "string" || template.notes !== "") {
        const mine = typeof model.notes === "string" ? model.notes : plain(model.notes);
        const theirs = typeof template.notes === "string" ? template.notes : plain(template.notes);
        model.notes = `${theirs}\n\n${mine}`;
        model.notesSource = `${template.notesSource.trim()}\n\n${model.notesSource.trim()}`;
      }
    }
    if (own["layout"] === "true") layout = model;
    if (own["name"]) byName.set(own["name"], model);
    if (own["layout"] !== "true") pages.push(model);
  });
  const counted: number[] = [];
  let n = 0;
  for (const p of pages) counted.push(p.properties["count"] !== "false" ? ++n : n);
  const total = Math.max(1, counted[counted.length - 1] ?? 0);
  return pages.map((p, index) => ({
    index,
    chunk: p.chunk,
    properties: p.properties,
    notes: typeof p.notes === "string" ? p.notes : plain(p.notes),
    notesSource: p.notesSource.trim(),
    number: options.slideNumberFormat
      .replace("%current%", String(Math.max(1, counted[index]!)))
      .replace("%total%", String(total)),
  }));
}
