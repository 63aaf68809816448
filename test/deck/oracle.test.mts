/**
 * remark.js is the oracle of the slide model: each deck of test/deck/oracle/ (one rule each) is given to
 * remark.js 0.14 itself (node_modules/remark-slide, in headless Chromium, offline) the way a deck page
 * gives it (a `<textarea id="source">`, the browser reading the file's line ends), with the remark
 * options deepdeck reads from the deck and the deck's `<name>.macros.js`. What remark.js shows (pages,
 * `--` increments, properties after layouts and templates, notes, slide number texts) is read at test
 * time and must be what parseDeck says. Needs `sudo apt-get install chromium`; DEEPDECK_SKIP_BROWSER=1 opts out.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { parseDeck } from "../../src/deck/parse.mjs";
import { launchChromium } from "../../src/deck/pdf.mjs";
import { packageRoot as root } from "../../src/project/link.js";

const skip = process.env["DEEPDECK_SKIP_BROWSER"] === "1" ? "DEEPDECK_SKIP_BROWSER=1" : false;
const dir = join(import.meta.dirname, "oracle");
const remarkJs = join(root, "node_modules", "remark-slide", "out", "remark.js");
const cases = readdirSync(dir)
  .filter((f) => f.endsWith(".md"))
  .sort();

interface Seen {
  properties: Record<string, string>;
  notes: string;
  number: string;
}

declare const remark: {
  macros: Record<string, unknown>;
  create(options: Record<string, unknown>): { getSlides(): { properties: Record<string, string>; notes: unknown }[] };
};

describe("the slide model agrees with remark.js 0.14", { skip }, () => {
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  before(async () => {
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 800, height: 600 } });
    await context.route("**/*", (route) =>
      (route.request().url().startsWith("data:") ? route.continue() : route.abort()).catch(() => {}),
    );
    page = await context.newPage();
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.setContent("<!DOCTYPE html><html><body></body></html>");
    await page.addScriptTag({ path: remarkJs });
  });
  after(async () => {
    await browser?.close();
  });

  /** What remark.js shows for a deck's source, with options; each deck in a container of its own. */
  async function oracle(source: string, options: Record<string, unknown>, macros: string | null): Promise<Seen[]> {
    errors.length = 0;
    await page.evaluate(() => {
      for (const name of Object.keys(remark.macros)) if (name !== "hello") Reflect.deleteProperty(remark.macros, name);
    });
    if (macros) await page.addScriptTag({ content: macros });
    const seen = await page.evaluate(
      ({ source, options }) => {
        document.body.replaceChildren();
        const container = document.createElement("div");
        document.body.appendChild(container);
        // A textarea, as deck pages hold their source: the HTML parser reads the line ends as a browser does.
        const holder = document.createElement("div");
        holder.innerHTML = `<textarea>${source.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</textarea>`;
        const show = remark.create({ ...options, source: holder.querySelector("textarea")!.value, container });
        const numbers = [...container.querySelectorAll(".remark-slide-container")].map(
          (c) => c.querySelector(".remark-slide-number")?.textContent ?? "",
        );
        return show.getSlides().map((s, i) => ({
          properties: { ...s.properties },
          notes: String(s.notes),
          number: numbers[i] ?? "",
        }));
      },
      { source, options },
    );
    assert.deepEqual(errors, [], "remark.js runs the deck without errors");
    return seen;
  }

  for (const name of cases) {
    test(name, async () => {
      const raw = readFileSync(join(dir, name), "utf8");
      const deck = parseDeck(raw, name);
      const macrosFile = join(dir, name.replace(/\.md$/, ".macros.js"));
      // Without front matter remark.js reads the file as written (CRLF and all); with it, what deepdeck gives it.
      const input = raw.replace(/\r\n?/g, "\n") === deck.source ? raw : deck.source;
      const { countIncrementalSlides, slideNumberFormat, ratio } = deck.options;
      const expected = await oracle(
        input,
        { countIncrementalSlides, slideNumberFormat, ratio },
        existsSync(macrosFile) ? readFileSync(macrosFile, "utf8") : null,
      );
      const actual: Seen[] = deck.pages.map((p) => ({ properties: p.properties, notes: p.notes, number: p.number }));
      assert.ok(expected.length > 0, "remark.js shows the deck");
      assert.deepEqual(actual, expected);
      // The slides deepdeck builds from the pages: every page once, increments after their slide.
      assert.equal(
        deck.slides.reduce((n, s) => n + 1 + s.increments, 0),
        expected.length,
      );
      assert.equal(
        deck.slides.length,
        expected.filter((s, i) => i === 0 || s.properties["continued"] !== "true").length,
      );
    });
  }
});
