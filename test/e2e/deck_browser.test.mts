/**
 * The built deck in headless Chromium (Debian's, through playwright-core), opened from file:// with the
 * network blocked: it loads without errors or failed requests, has every slide, navigates with the
 * keyboard, shows increments, presenter mode with notes, math, both ratios, and prints one PDF page per
 * slide. Screenshots of a few slides go to test/.tmp/screens/ to be looked at.
 * Needs `sudo apt-get install chromium`; DEEPDECK_SKIP_BROWSER=1 opts out.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { buildDeck } from "../../src/deck/build.mjs";
import type { ParsedDeck } from "../../src/deck/parse.mjs";
import { launchChromium, printDeck } from "../../src/deck/pdf.mjs";
import { openDeckPage } from "../support/deck_page.mjs";

const skip = process.env["DEEPDECK_SKIP_BROWSER"] === "1" ? "DEEPDECK_SKIP_BROWSER=1" : false;
const scratch = mkdtempSync(join(tmpdir(), "deepdeck-browser-"));
const dist = join(scratch, "dist");
const screens = join(import.meta.dirname, "..", ".tmp", "screens");

interface Slideshow {
  getSlideCount(): number;
  getCurrentSlideIndex(): number;
  gotoSlide(n: number | string): void;
  getSlides(): { properties: { name?: string; continued?: string } }[];
}
declare const slideshow: Slideshow;

describe("the deck in a browser", { skip }, () => {
  let deck: ParsedDeck;
  let browser: Browser;
  let page: Page;
  let errors: string[] = [];
  let remote: string[] = [];

  before(async () => {
    deck = buildDeck({ out: dist });
    browser = await launchChromium();
    ({ page, remote, errors } = await openDeckPage(browser, dist, {
      viewport: { width: 1280, height: 720 },
      offline: true,
    }));
  });
  after(async () => {
    await browser?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  const show = async (name: string) => {
    await page.evaluate((n) => slideshow.gotoSlide(n), name);
    await page.waitForTimeout(100);
  };
  const visibleText = () => page.locator(".remark-slide-container.remark-visible .remark-slide-content").innerText();

  test("loads from file:// with the network blocked: no errors, no failed or remote requests", async () => {
    for (const name of deck.slides.map((s) => s.properties["name"]!)) await show(name);
    assert.deepEqual(errors, []);
    assert.deepEqual(remote, []);
    const broken = await page.evaluate(() =>
      // Photos (data-src) load only online; offline they are their captions (test/e2e/deck_pictures.test.mts).
      [...document.querySelectorAll<HTMLImageElement>("img:not([data-src])")]
        .filter((i) => !i.complete || i.naturalWidth === 0)
        .map((i) => i.src),
    );
    assert.deepEqual(broken, [], "every picture loads");
  });
  test("has every slide: remark.js counts the parsed slides plus their increments", async () => {
    const increments = deck.slides.reduce((n, s) => n + s.increments, 0);
    assert.equal(await page.evaluate(() => slideshow.getSlideCount()), deck.slides.length + increments);
    const names = await page.evaluate(() =>
      slideshow
        .getSlides()
        .filter((s) => String(s.properties.continued) !== "true")
        .map((s) => s.properties.name),
    );
    assert.deepEqual(
      names,
      deck.slides.map((s) => s.properties["name"]),
    );
    await show("questions");
    assert.match(
      await page.locator(".remark-visible .remark-slide-number").innerText(),
      new RegExp(`^${deck.slides.length} / ${deck.slides.length}$`),
    );
  });
  test("arrow keys move between slides", async () => {
    await show("agenda");
    const start = await page.evaluate(() => slideshow.getCurrentSlideIndex());
    await page.keyboard.press("ArrowRight");
    assert.equal(await page.evaluate(() => slideshow.getCurrentSlideIndex()), start + 1);
    await page.keyboard.press("ArrowLeft");
    assert.equal(await page.evaluate(() => slideshow.getCurrentSlideIndex()), start);
  });
  test("increments reveal the rest of a slide", async () => {
    await show("evaluate-convnet");
    assert.doesNotMatch(await visibleText(), /WHY\?/);
    await page.keyboard.press("ArrowRight");
    assert.match(await visibleText(), /WHY\?/);
  });
  test("presenter mode shows the notes and a timer", async () => {
    await show("quiz");
    await page.keyboard.press("p");
    assert.ok(await page.evaluate(() => document.body.classList.contains("remark-presenter-mode")));
    assert.match(await page.locator(".remark-visible .remark-slide-notes").innerText(), /55,987,200,000/);
    assert.ok(await page.locator(".remark-toolbar-timer").isVisible());
    await page.keyboard.press("p");
  });
  test("math renders with the bundled KaTeX", async () => {
    await show("activations");
    assert.ok((await page.locator(".remark-visible .katex").count()) >= 3);
    const font = await page.evaluate(() => document.fonts.check("16px KaTeX_Main"));
    assert.ok(font, "KaTeX's fonts load from the deck's own folder");
  });
  test("TypeScript is highlighted, outputs and figures are below the code", async () => {
    await show("load-mnist");
    assert.ok((await page.locator(".remark-visible .remark-code .hljs-keyword").count()) > 0);
    assert.ok((await page.locator(".remark-visible img.knit-figure").count()) >= 1);
  });
  test("screenshots of named slides, 16:9 and 4:3", async () => {
    mkdirSync(screens, { recursive: true });
    for (const name of [
      "title",
      "tensors",
      "load-mnist",
      "activations",
      "train-mlp",
      "evaluate-convnet",
      "visualize-convnets",
    ]) {
      await show(name);
      await page
        .locator(".remark-slide-container.remark-visible .remark-slide-scaler")
        .screenshot({ path: join(screens, `${name}.png`) });
    }
    const box = await page.locator(".remark-visible .remark-slide-scaler").boundingBox();
    assert.ok(Math.abs(box!.width / box!.height - 16 / 9) < 0.02, "16:9 by default");
    await page.goto(`${pathToFileURL(join(dist, "index.html")).href}?ratio=4:3`);
    await page.waitForSelector(".remark-slide-container.remark-visible");
    const box43 = await page.locator(".remark-visible .remark-slide-scaler").boundingBox();
    assert.ok(Math.abs(box43!.width / box43!.height - 4 / 3) < 0.02, "4:3 with ?ratio=4:3");
    await page.locator(".remark-visible .remark-slide-scaler").screenshot({ path: join(screens, "title-4x3.png") });
  });
  test("the model summaries are Keras's text and fit their slides, 16:9 and 4:3", async () => {
    mkdirSync(screens, { recursive: true });
    const summaries: Record<string, string> = {
      "define-model": "Total params: 235,146 (918.54 KB)",
      "convnet-summary": "Total params: 55,744 (217.75 KB)",
      classifier: "Total params: 93,322 (364.54 KB)",
      "max-pooling": "Optimizer params: 186,646 (729.09 KB)",
    };
    for (const ratio of ["16:9", "4:3"]) {
      await page.goto(`${pathToFileURL(join(dist, "index.html")).href}?ratio=${ratio}`);
      await page.waitForSelector(".remark-slide-container.remark-visible");
      await page.evaluate(() => document.fonts.ready);
      for (const [name, total] of Object.entries(summaries)) {
        await show(name);
        assert.match(
          await visibleText(),
          /┏━+┳━+┳━+┓[\s\S]*│ [a-z_0-9]+ \((Dense|Conv2D)\) +│ \(None, /,
          `${name}: Keras's table`,
        );
        assert.ok((await visibleText()).includes(total), `${name} shows "${total}"`);
        // Everything inside the slide's frame, and no code block scrolled sideways.
        const overflow = await page.evaluate(() => {
          const frame = document.querySelector(".remark-visible .remark-slide-scaler")!.getBoundingClientRect();
          const out: string[] = [];
          for (const el of document.querySelectorAll(".remark-visible .remark-slide-content *")) {
            const r = el.getBoundingClientRect();
            if (r.width === 0 && r.height === 0) continue;
            if (r.bottom > frame.bottom + 1 || r.right > frame.right + 1)
              out.push(
                `${el.tagName}.${el.className} ends at ${Math.round(r.right - frame.left)}, ${Math.round(r.bottom - frame.top)} in a ${Math.round(frame.width)}x${Math.round(frame.height)} frame`,
              );
            if (el.tagName === "CODE" && el.scrollWidth > el.clientWidth + 1)
              out.push(`a code block scrolls: ${el.scrollWidth} > ${el.clientWidth}`);
          }
          return out;
        });
        assert.deepEqual(overflow, [], `${name} at ${ratio} overflows`);
        await page
          .locator(".remark-slide-container.remark-visible .remark-slide-scaler")
          .screenshot({ path: join(screens, `${name}-${ratio.replace(":", "x")}.png`) });
      }
    }
  });
  test("prints to PDF with one page per slide", async () => {
    const pdf = await printDeck(dist, join(scratch, "deck.pdf"));
    const pages = (readFileSync(pdf, "latin1").match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    assert.equal(pages, deck.slides.length);
  });
});
