/**
 * Properties of the deck lexer and parse on random input (fast-check, seeded): decks built from remark.js's
 * pieces (separators, increments, notes, fences, content classes, properties, brackets, backticks, math),
 * their truncations and random strings never throw and never hang; the tokens tile the source exactly;
 * and a deck with CRLF line ends parses as the same deck with LF ones.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { lex } from "../../src/deck/lexer.mjs";
import { parseDeck } from "../../src/deck/parse.mjs";

const piece = fc.constantFrom(
  "---",
  "--",
  "???",
  "```",
  "```ts",
  '```ts {name="x", echo=false}',
  "~~~",
  "    indented code",
  ".red[",
  ".pull-left[",
  "\\.red[",
  "]",
  "[",
  "```]",
  "name: a",
  "class: center",
  "layout: true",
  "layout: false",
  "exclude: True",
  "template: a",
  "count: false",
  "<!-- class: x -->",
  "# Heading",
  "text `code` text",
  "`",
  "$$",
  "$$a\\_1$$",
  "`\\(x\\)`",
  "`ts 1 + 1`",
  "![:scale 50%](a.png)",
  "[id]: http://x.org",
  "{{content}}",
  "",
  " ",
);
const deck = fc.array(fc.oneof(piece, fc.string({ maxLength: 12 })), { maxLength: 40 }).map((ls) => ls.join("\n"));
const seed = 20261201;

function tiles(source: string): void {
  const tokens = lex(source);
  assert.equal(tokens[0]?.start, 0);
  for (let i = 1; i < tokens.length; i++) assert.equal(tokens[i]!.start, tokens[i - 1]!.end, `token ${i} abuts`);
  assert.equal(tokens[tokens.length - 1]?.end, source.length);
}

function summary(source: string) {
  const d = parseDeck(source, "deck.md");
  return {
    pages: d.pages.map((p) => ({ properties: p.properties, notes: p.notes, number: p.number })),
    slides: d.slides.map((s) => ({ line: s.line, title: s.title, increments: s.increments, notes: s.notes })),
    chunks: d.chunks.map((c) => ({ id: c.id, code: c.code, options: c.options })),
    inline: d.inline.map((e) => e.expression),
    math: d.mathEdits.map((e) => e.text),
    warnings: d.messages.map((m) => `${m.line}:${m.column} ${m.reason}`),
  };
}

test(
  "random decks and their truncations parse without throwing, and the tokens tile the source",
  { timeout: 120_000 },
  () => {
    fc.assert(
      fc.property(deck, fc.nat(), (text, cut) => {
        for (const source of [text, text.slice(0, cut % (text.length + 1))]) {
          tiles(source);
          const d = parseDeck(source, "deck.md");
          const shown = d.slides.reduce((n, s) => n + 1 + s.increments, 0);
          assert.equal(shown, d.pages.length);
        }
      }),
      { seed, numRuns: 300 },
    );
  },
);

test("random strings never throw or hang the lexer or the parse", { timeout: 120_000 }, () => {
  fc.assert(
    fc.property(fc.string({ unit: "binary", maxLength: 300 }), (source) => {
      tiles(source);
      parseDeck(source, "deck.md");
    }),
    { seed, numRuns: 300 },
  );
});

test("a deck with CRLF line ends is the same deck as with LF", { timeout: 120_000 }, () => {
  fc.assert(
    fc.property(deck, (text) => {
      assert.deepEqual(summary(text.replace(/\n/g, "\r\n")), summary(text));
    }),
    { seed, numRuns: 200 },
  );
});
