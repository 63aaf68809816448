/**
 * Reading a deck: the unified remark parser with the remark.js plugins. Returns the slides, chunks,
 * inline expressions and math of the deck, or throws an authoring error with file:line:column.
 */
import remarkMath from "remark-math";
import remarkParse from "remark-parse";
import { unified } from "unified";
import { VFile } from "vfile";
import remarkChunks from "./plugins/chunks.mjs";
import remarkContentClasses from "./plugins/content-classes.mjs";
import remarkKatex from "./plugins/math.mjs";
import remarkSlides from "./plugins/slides.mjs";
import { deckData, type DeckData } from "./source.mjs";

export interface ParsedDeck extends DeckData {
  source: string;
  path: string;
}

export function deckProcessor() {
  return unified()
    .use(remarkParse)
    .use(remarkMath, { singleDollarTextMath: false })
    .use(remarkSlides)
    .use(remarkContentClasses)
    .use(remarkChunks)
    .use(remarkKatex);
}

/** Parse a deck's markdown. Authoring errors throw a VFileMessage whose message starts with path:line:column. */
export function parseDeck(source: string, path = "deck.md"): ParsedDeck {
  const file = new VFile({ value: source, path });
  const processor = deckProcessor();
  try {
    processor.runSync(processor.parse(file), file);
  } catch (e) {
    const m = e as Error & { line?: number; column?: number };
    if (m.line !== undefined) m.message = `${path}:${m.line}:${m.column}: ${m.message.replace(/^.*?:\d+:\d+: /, "")}`;
    throw m;
  }
  return { ...deckData(file), source, path };
}
