/** Positions in the deck source: offsets to line:column, and the shared shape of what plugins record. */
import type { VFile } from "vfile";

export interface Point {
  line: number;
  column: number;
  offset: number;
}

/** Line and column (1-based) of an offset. */
export function pointAt(source: string, offset: number): Point {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, column: offset - last, offset };
}

/**
 * Report an authoring mistake at `offset` as a warning (a vfile message, printed as file:line:column).
 * Mistakes never stop a deck remark.js would show; deepdeck says what it did instead.
 */
export function warnAt(file: VFile, offset: number, reason: string, rule: string): void {
  const place = pointAt(String(file.value), offset);
  file.message(reason, { place: { line: place.line, column: place.column, offset }, ruleId: rule, source: "deepdeck" });
}

/** One slide of the deck. */
export interface Slide {
  /** 1-based position in the deck. */
  index: number;
  /** Source offsets of the slide's text (without its `---` separator). */
  start: number;
  end: number;
  line: number;
  /** `name:`, `class:` ... as remark.js has them on the slide's first page (after layouts and templates). */
  properties: Record<string, string>;
  /** The first heading's text, or the start of the first paragraph. */
  title: string;
  /** How many `--` increments it has. */
  increments: number;
  /** Presenter notes after `???` (with the ones it inherits), or null. */
  notes: string | null;
  /** Its pages in remark.js's list (0-based): the slide, then one per `--` increment. */
  pages: number[];
}

/** Chunk options, after knitr's (`echo`, `eval`, `include`, `results`) plus `slides` for notebook-only cells. */
export interface ChunkOptions {
  name?: string;
  echo: boolean;
  eval: boolean;
  include: boolean;
  results: "markup" | "hide";
  slides: boolean;
}

/** A TypeScript code chunk of the deck. */
export interface Chunk {
  id: string;
  slide: number;
  code: string;
  options: ChunkOptions;
  /** Source offsets of the whole fenced block, and its indentation. */
  start: number;
  end: number;
  indent: string;
}

/** An inline expression: `ts expr` in the prose, replaced by its value (knitr's inline `r expr`). */
export interface InlineExpression {
  id: string;
  slide: number;
  expression: string;
  start: number;
  end: number;
  /** The chunk it runs after (null: before every chunk). */
  after: string | null;
}

/** A replacement of source[start, end) by `text`. */
export interface Edit {
  start: number;
  end: number;
  text: string;
}

/** What the plugins record on `file.data.deck`. */
export interface DeckData {
  slides: Slide[];
  chunks: Chunk[];
  inline: InlineExpression[];
  mathEdits: Edit[];
  /** Source ranges of content-class markup: each `.name[` opener and its closing `]`. */
  classMarks: { start: number; end: number }[];
  /** Edits that make the source what remark.js should read: knitr chunk headers, R chunks as code. */
  codeEdits: Edit[];
}
