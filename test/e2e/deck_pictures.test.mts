/**
 * The deck's pictures in headless Chromium, offline (the browser context has no network): every slide
 * whose slide in the original deck has a picture shows one (an <img>, <svg>, <video>, <canvas> or a
 * pixel table), photos and videos as their credited caption and pointed at their original addresses,
 * print.html without any remote media, and no slide overflows its frame at 16:9 or 4:3. Screenshots of
 * the picture slides go to test/.tmp/screens/pictures/ to be looked at.
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
import { launchChromium } from "../../src/deck/pdf.mjs";
import { openDeckPage } from "../support/deck_page.mjs";

const skip = process.env["DEEPDECK_SKIP_BROWSER"] === "1" ? "DEEPDECK_SKIP_BROWSER=1" : false;
const scratch = mkdtempSync(join(tmpdir(), "deepdeck-pictures-"));
const dist = join(scratch, "dist");
const screens = join(import.meta.dirname, "..", ".tmp", "screens", "pictures");

/** The slides of the original deck that show a picture, and the original address of each photo or video. */
const pictureSlides: Record<string, string[]> = {
  "ai-ml-dl": [],
  "classical-ai-vs-ml": [],
  "classical-ml-vs-dl": [],
  "neural-networks": [],
  "principles-1": [],
  "principles-2": [],
  "principles-3": [],
  "self-driving": ["https://dl.dropboxusercontent.com/s/zvtfb5ti2f2p6wn/Waymo%20fully%20self-driving%20cars.PNG"],
  segmentation: [
    "https://dl.dropboxusercontent.com/s/3ycbb21ho63vge2/Semantic%20Segmentation%20with%20Deep%20Learning.png",
  ],
  affect: ["https://dl.dropboxusercontent.com/s/hi047dj9v0v2oeo/Facial%20Expressions.jpg"],
  "face-generator": ["https://dl.dropboxusercontent.com/s/18akb5muq1hujcu/nvidia-gan-face.mp4#t=30,59"],
  "find-waldo": ["https://dl.dropboxusercontent.com/s/g328h7e9qum39t5/find-waldo.mp4#t=20,31"],
  "mnist-database": [],
  "data-tensors": [],
  quiz: ["https://dl.dropboxusercontent.com/s/haufkphp3vrkbxg/Quiz-Time.svg"],
  "power-scores": [
    "https://dl.dropboxusercontent.com/s/fgkm1p86ldxpasg/Deep%20Learning%20Framework%20Power%20Scores%202018.png",
  ],
  keras: ["https://dl.dropboxusercontent.com/s/66t8bsdcsqu8k3n/keras-logo-2018-large-1200.png"],
  reshape: [],
  activations: [],
  sgd: [
    "https://dl.dropboxusercontent.com/s/rz8nccobi1o303x/bird-box.jpg",
    "https://dl.dropboxusercontent.com/s/v871ghhjbuqnxen/SGD-illustration.png",
  ],
  "optimizer-dynamics": ["http://cs231n.github.io/assets/nn3/opt2.gif", "http://cs231n.github.io/assets/nn3/opt1.gif"],
  "train-mlp": [],
  convnets: [],
  "convnet-properties": [],
  "why-downsampling": [],
  pretrained: ["https://dl.dropboxusercontent.com/s/vn65xpcz29tnj1q/image-net.png"],
  augmentation: [],
  "visualize-convnets": [],
};

interface Slideshow {
  gotoSlide(n: number | string): void;
  getSlideCount(): number;
  getSlides(): { properties: { name?: string } }[];
}
declare const slideshow: Slideshow;

describe("the deck's pictures, offline in a browser", { skip }, () => {
  let deck: ParsedDeck;
  let browser: Browser;
  let page: Page;
  let remote: string[] = [];

  before(async () => {
    deck = buildDeck({ out: dist });
    browser = await launchChromium();
    ({ page, remote } = await openDeckPage(browser, dist, { viewport: { width: 1280, height: 720 }, offline: true }));
  });
  after(async () => {
    await browser?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  const show = async (name: string | number) => {
    await page.evaluate((n) => slideshow.gotoSlide(n), name);
    await page.waitForTimeout(60);
  };
  // Each remark.js slide's name: an increment has none of its own, it continues the slide before it.
  const slideNames = async () => {
    const raw = await page.evaluate(() => slideshow.getSlides().map((s) => s.properties.name ?? null));
    let last = "";
    return raw.map((n) => (last = n ?? last));
  };
  const visible = ".remark-slide-container.remark-visible .remark-slide-content";

  test("every slide that had a picture shows one, photos and videos as their credited caption", async () => {
    mkdirSync(screens, { recursive: true });
    for (const [name, originals] of Object.entries(pictureSlides)) {
      assert.ok(
        deck.slides.some((s) => s.properties["name"] === name),
        `the deck has the slide ${name}`,
      );
      // The last increment of the slide: the whole slide shown.
      await show((await slideNames()).lastIndexOf(name) + 1);
      const seen = await page.evaluate((sel) => {
        const root = document.querySelector(sel)!;
        const shown = (e: Element) => {
          const r = e.getBoundingClientRect();
          return r.width > 8 && r.height > 8 && getComputedStyle(e).visibility !== "hidden";
        };
        const drawn = [...root.querySelectorAll("img, svg, video, canvas, .knit-html table")].filter(
          (e) =>
            shown(e) &&
            (e.tagName !== "IMG" || ((e as HTMLImageElement).complete && (e as HTMLImageElement).naturalWidth > 0)),
        );
        const photos = [...root.querySelectorAll(".deck-photo")].map((p) => ({
          caption: p.querySelector<HTMLElement>(".deck-caption")?.innerText ?? "",
          captionShown: shown(p.querySelector(".deck-caption")!),
          src: p.querySelector("[data-src]")?.getAttribute("data-src") ?? "",
          tag: p.querySelector("[data-src]")?.tagName ?? "",
          link: p.querySelector(".deck-caption a")?.getAttribute("href") ?? "",
        }));
        const credit = root.querySelector<HTMLElement>(".footnote")?.innerText ?? "";
        return { drawn: drawn.length, photos, credit };
      }, visible);
      await page
        .locator(".remark-slide-container.remark-visible .remark-slide-scaler")
        .screenshot({ path: join(screens, `${name}.png`) });
      if (originals.length === 0) {
        assert.ok(seen.drawn >= 1, `slide ${name} shows a picture drawn by code or from data`);
        continue;
      }
      assert.deepEqual(
        seen.photos.map((p) => p.src),
        originals,
        `slide ${name} points its photos at their original addresses`,
      );
      for (const p of seen.photos) {
        assert.ok(p.captionShown && p.caption.length > 10, `slide ${name}: offline, the caption of ${p.src} shows`);
        assert.equal(p.link, p.src, `slide ${name}: the caption links the original`);
        assert.equal(p.tag, p.src.includes(".mp4") ? "VIDEO" : "IMG");
      }
    }
  });

  test("offline, the page asks the network for nothing", () => {
    assert.deepEqual(remote, []);
  });

  test("print.html shows the photos as captions, with no media to fetch", () => {
    const print = readFileSync(join(dist, "print.html"), "utf8");
    const photos = Object.values(pictureSlides).flat();
    assert.doesNotMatch(print, /data-src=/);
    for (const url of photos)
      assert.ok(print.includes(JSON.stringify(`href="${url}"`).slice(1, -1)), `print.html links ${url}`);
  });

  for (const ratio of ["16:9", "4:3"]) {
    test(`no slide overflows its frame or scrolls its code at ${ratio}`, async () => {
      await page.goto(`${pathToFileURL(join(dist, "index.html")).href}?ratio=${ratio}`);
      await page.waitForSelector(".remark-slide-container.remark-visible");
      await page.evaluate(() => document.fonts.ready);
      const names = await slideNames();
      const over: string[] = [];
      const others: string[] = [];
      const scrolled = new Set<string>();
      for (let i = 1; i <= names.length; i++) {
        await show(i);
        const out = await page.evaluate((sel) => {
          const root = document.querySelector(sel)!;
          const frame = root.getBoundingClientRect();
          let worst = 0;
          // A code block scrolls sideways: its own box is measured, the lines inside it are not.
          const clipped = [...root.querySelectorAll(".remark-code")].filter(
            (c) => c.scrollWidth > c.clientWidth + 2,
          ).length;
          for (const e of root.querySelectorAll("*")) {
            if (e.closest(".remark-slide-number") || e.parentElement?.closest(".remark-code")) continue;
            const r = e.getBoundingClientRect();
            if (r.width === 0 || r.height === 0) continue;
            worst = Math.max(worst, r.bottom - frame.bottom, r.right - frame.right);
          }
          return { worst: Math.round(worst), clipped };
        }, visible);
        const name = names[i - 1]!;
        if (out.worst > 2) (name in pictureSlides ? over : others).push(`${name} by ${out.worst}px`);
        if (out.clipped) scrolled.add(name);
        if (ratio === "4:3" && name in pictureSlides)
          await page
            .locator(".remark-slide-container.remark-visible .remark-slide-scaler")
            .screenshot({ path: join(screens, `${name}-4x3.png`) });
      }
      assert.deepEqual(over, [], `picture slides overflowing at ${ratio}`);
      assert.deepEqual(others, [], `other slides overflowing at ${ratio}`);
      assert.deepEqual([...scrolled], [], `slides whose code scrolls sideways at ${ratio}`);
    });
  }
});
