/**
 * Any deck, built by `deepdeck slides` and presented in headless Chromium from file:// with the network
 * blocked: the composite xaringan deck of test/deck/oracle/ (CRLF line ends, front matter options, a
 * macro from composite.macros.js, a layout with a footer, an excluded slide, math, knitted R, increments,
 * notes) presents without errors and with the slides deepdeck parsed (which the oracle test checks against
 * remark.js itself). Needs `sudo apt-get install chromium` and `npm run build`; DEEPDECK_SKIP_BROWSER=1 opts out.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { parseDeck, type ParsedDeck } from "../../src/deck/parse.mjs";
import { launchChromium } from "../../src/deck/pdf.mjs";
import { openDeckPage } from "../support/deck_page.mjs";
import { packageRoot as root } from "../../src/project/link.js";

const skip = process.env["DEEPDECK_SKIP_BROWSER"] === "1" ? "DEEPDECK_SKIP_BROWSER=1" : false;
const deckPath = join(root, "test", "deck", "oracle", "composite.md");
const scratch = mkdtempSync(join(tmpdir(), "deepdeck-any-"));
const out = join(scratch, "dist");
const cli = join(root, "dist", "cli", "main.js");

interface Slideshow {
  getSlides(): { properties: Record<string, string>; notes: unknown }[];
  gotoSlide(n: number): void;
  getRatio(): string;
}
declare const slideshow: Slideshow;

describe("any deck: deepdeck slides DECK.md", { skip }, () => {
  let deck: ParsedDeck;
  let browser: Browser;
  let page: Page;
  let stderr = "";
  let errors: string[] = [];
  let remote: string[] = [];

  before(async () => {
    assert.ok(existsSync(cli), `${cli} is missing: run npm run build`);
    const run = spawnSync(process.execPath, [cli, "slides", deckPath, "--out", out, "--pdf"], { encoding: "utf8" });
    stderr = run.stderr;
    assert.equal(run.status, 0, `deepdeck slides failed:\n${run.stdout}\n${run.stderr}`);
    deck = parseDeck(readFileSync(deckPath, "utf8"), deckPath);
    browser = await launchChromium();
    ({ page, remote, errors } = await openDeckPage(browser, out, { viewport: { width: 1024, height: 768 } }));
  });
  after(async () => {
    await browser?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  test("builds without warnings, and presents offline without errors", async () => {
    assert.equal(stderr, "");
    for (let i = 0; i < deck.pages.length; i++) await page.evaluate((n) => slideshow.gotoSlide(n), i + 1);
    assert.deepEqual(errors, []);
    assert.deepEqual(remote, []);
  });
  test("has the pages deepdeck parsed: properties, notes, slide numbers; the front matter's ratio", async () => {
    const shown = await page.evaluate(() =>
      slideshow.getSlides().map((s, i) => ({
        properties: { ...s.properties },
        notes: String(s.notes),
        number: document.querySelectorAll(".remark-slide-container")[i]!.querySelector(".remark-slide-number")!
          .textContent,
      })),
    );
    assert.deepEqual(
      shown,
      deck.pages.map((p) => ({ properties: p.properties, notes: p.notes, number: p.number })),
    );
    assert.equal(shown.length, 7, "title, macro, math and its increment, knitted R and its increment, last");
    assert.equal(await page.evaluate(() => slideshow.getRatio()), "4:3");
  });
  test("the macro, the layout's footer, math and the R code render", async () => {
    const visible = ".remark-slide-container.remark-visible";
    await page.evaluate(() => slideshow.gotoSlide(2));
    const img = page.locator(`${visible} img[src="picture.svg"]`);
    assert.equal(await img.getAttribute("style"), "width: 50%");
    assert.ok(
      (await img.evaluate((i: HTMLImageElement) => i.naturalWidth)) > 0,
      "the picture is copied beside the page",
    );
    assert.match(await page.locator(`${visible} .footer`).innerText(), /Composite deck/);
    await page.evaluate(() => slideshow.gotoSlide(4));
    assert.ok((await page.locator(`${visible} .katex`).count()) >= 3, "display, escaped and inline math");
    // `a\_1` is TeX for MathJax behind marked, which reads `\_` as `_`: a subscript, not an underscore.
    assert.ok((await page.locator(`${visible} .katex .msupsub`).count()) >= 3);
    await page.evaluate(() => slideshow.gotoSlide(5));
    assert.equal(await page.locator(`${visible} code.r.hljs`).count(), 1, "the knitted R is highlighted as R");
    await page.evaluate(() => slideshow.gotoSlide(7));
    assert.equal(await page.locator(`${visible} .footer`).count(), 0, "layout: false drops the footer");
  });
  test("--pdf prints one page per slide", () => {
    const pdf = readFileSync(join(out, "deck.pdf"), "latin1");
    assert.equal((pdf.match(/\/Type\s*\/Page[^s]/g) ?? []).length, deck.slides.length);
  });
});
