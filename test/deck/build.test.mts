/**
 * buildDeck on a deck full of authoring mistakes (CRLF line ends, an unclosed class, TeX KaTeX cannot
 * render, a bad chunk option, R code beside TypeScript, two slides with one name): it builds, each mistake
 * is one warning with file:line:column, and the page holds the deck with LF line ends.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { buildDeck } from "../../src/deck/build.mjs";

const scratch = mkdtempSync(join(tmpdir(), "deepdeck-build-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

test("a deck with mistakes builds, with a warning for each at file:line:column", () => {
  const deck = join(scratch, "talk.md");
  const lines = [
    "name: a",
    "# One",
    "",
    ".red[never closed",
    "",
    "$$\\frac{$$",
    "",
    "---",
    "name: a",
    "# Two",
    "",
    "```ts {echo=maybe}",
    "const x = 1;",
    "```",
    "",
    "```r",
    "x <- 1",
    "```",
  ];
  writeFileSync(deck, lines.join("\r\n"));
  const warnings: string[] = [];
  const built = buildDeck({ deck, out: join(scratch, "dist"), warn: (w) => warnings.push(w) });
  assert.equal(built.pages.length, 2);
  assert.equal(built.evaluated, false);
  const at = (line: number, column: number) => `${deck}:${line}:${column}: warning: `;
  assert.deepEqual(
    warnings.map((w) => /^(.*?: warning: |.*?: )/.exec(w)![1]),
    [at(4, 1), at(6, 1), at(9, 1), at(12, 1), at(16, 1), `${deck}: `],
  );
  assert.match(warnings[0]!, /Content class "\.red\[" on slide 1 is never closed/);
  assert.match(warnings[1]!, /KaTeX cannot render "\\\\frac\{" .*; it is shown as written/);
  assert.match(warnings[2]!, /Slide 2 is named "a" like slide 1/);
  assert.match(warnings[3]!, /Chunk option echo must be true or false, found maybe/);
  assert.match(warnings[4]!, /R code on slide 2 is shown but not run/);
  assert.match(warnings[5]!, /TypeScript chunks are shown as code; run with --execute/);
  const html = readFileSync(join(scratch, "dist", "index.html"), "utf8");
  const source = JSON.parse(/var source = (.*);\n/.exec(html)![1]!) as string;
  assert.doesNotMatch(source, /\r/);
  assert.match(source, /\$\$\\frac\{\$\$/, "the TeX is left as written");
  assert.match(source, /```typescript\nconst x = 1;\n```/);
});
