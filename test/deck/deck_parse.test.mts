/**
 * The deck's parse, one fixture folder per case: test/deck/fixtures/<case>/input.md and the expected.json
 * of what the transforms record and the warnings about authoring mistakes, with line and column.
 * UPDATE=1 rewrites expected.json; read the diff before committing it.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { parseDeck } from "../../src/deck/parse.mjs";

const dir = join(import.meta.dirname, "fixtures");

function summarise(path: string): unknown {
  const source = readFileSync(path, "utf8");
  {
    const deck = parseDeck(source, "input.md");
    return {
      warnings: deck.messages.map(String),
      slides: deck.slides.map((s) => ({
        index: s.index,
        line: s.line,
        properties: s.properties,
        title: s.title,
        increments: s.increments,
        notes: s.notes,
      })),
      chunks: deck.chunks.map((c) => ({ id: c.id, slide: c.slide, code: c.code, options: c.options })),
      inline: deck.inline.map((e) => ({ id: e.id, slide: e.slide, expression: e.expression, after: e.after })),
      math: deck.mathEdits.map((e) => ({
        source: source.slice(e.start, e.end),
        katex: e.text.includes('class="katex') ? (e.text.includes("katex-display") ? "display" : "inline") : "none",
      })),
    };
  }
}

describe("deck parse (fixtures)", () => {
  for (const name of readdirSync(dir)
    .filter((n) => existsSync(join(dir, n, "input.md")))
    .sort()) {
    test(name, () => {
      const actual = summarise(join(dir, name, "input.md"));
      const expectedPath = join(dir, name, "expected.json");
      if (process.env["UPDATE"] === "1") writeFileSync(expectedPath, JSON.stringify(actual, null, 2) + "\n");
      assert.ok(existsSync(expectedPath), `No ${expectedPath}: run UPDATE=1 npm test, read it, and commit it.`);
      assert.deepEqual(actual, JSON.parse(readFileSync(expectedPath, "utf8")));
    });
  }
});
