/**
 * `deepdeck/deck`: the deck tool as a library (an ES module; `import { parseDeck, buildDeck } from "deepdeck/deck"`).
 * It is a subpath of its own because the deck wing sits above the library (it may not be imported by
 * src/index.ts) and is ESM, while the package's main entry is the CommonJS library notebooks load.
 *
 * ```ts
 * import { readFileSync } from "node:fs";
 * import { buildDeck, parseDeck } from "deepdeck/deck";
 * const deck = parseDeck(readFileSync("talk.md", "utf8"), "talk.md");
 * for (const m of deck.messages) console.warn(String(m)); // talk.md:12:1: ...
 * console.log(deck.pages.length, deck.pages.map((p) => p.number)); // what remark.js shows
 * buildDeck({ deck: "talk.md", out: "talk-dist", remark: { ratio: "4:3" } });
 * ```
 */
/** Parse any remark.js/xaringan deck as remark.js 0.14 reads it; mistakes are warnings in `messages`. */
export { parseDeck } from "./parse.mjs";
export type { ParsedDeck, ParseOptions } from "./parse.mjs";
/** Build a deck into a self-contained folder (index.html, print.html, assets); returns the parsed deck. */
export { buildDeck } from "./build.mjs";
export type { BuildOptions, BuiltDeck } from "./build.mjs";
/** Print the built deck to PDF with Chromium, one page per slide. */
export { printDeck } from "./pdf.mjs";
/** remark.js options (`remark.create`) deepdeck reads from front matter and flags, with their defaults. */
export { defaultRemarkOptions } from "./options.mjs";
export type { RemarkOptions } from "./options.mjs";
export type { Page, SourceChunk } from "./slides.mjs";
export type { Chunk, ChunkOptions, InlineExpression, Slide } from "./source.mjs";
