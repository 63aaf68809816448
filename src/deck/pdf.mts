#!/usr/bin/env node
/**
 * `npm run slides:pdf`: print the built deck to slides/dist/deck.pdf with Chromium, one page per slide
 * (print.html folds the `--` increments). Uses Debian's /usr/bin/chromium (or CHROMIUM_PATH).
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { packageRoot as root } from "../project/link.js";

export const chromiumFlags = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Debian's Chromium, or CHROMIUM_PATH; an error that says how to install it otherwise. */
export function chromiumPath(): string {
  const path = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
  if (!existsSync(path))
    throw new Error(`Chromium is not at ${path}: sudo apt-get install chromium (or set CHROMIUM_PATH).`);
  return path;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: chromiumFlags });
}

/** Sizes remark.js gives a slide, in CSS pixels. */
export const slideSizes = { "16:9": { width: 1210, height: 681 }, "4:3": { width: 908, height: 681 } } as const;

/** The page size of a ratio like "16:10": remark.js's slide height (681 px here), the width to match. */
export function slideSize(ratio: string): { width: number; height: number } {
  const known = (slideSizes as Record<string, { width: number; height: number }>)[ratio];
  if (known) return known;
  const [w, h] = ratio.split(":").map(Number);
  return { width: Math.round((681 * (w ?? 16)) / (h ?? 9)), height: 681 };
}

export async function printDeck(
  dist = join(root, "slides", "dist"),
  out = join(dist, "deck.pdf"),
  ratio = "16:9",
): Promise<string> {
  const page = join(dist, "print.html");
  if (!existsSync(page)) throw new Error(`${page} does not exist; run \`npm run slides\` first.`);
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: slideSize(ratio) });
    // The deck is self-contained: nothing but file:// is loaded.
    await context.route("**/*", (route) =>
      (route.request().url().startsWith("file:") ? route.continue() : route.abort()).catch(() => {}),
    );
    const tab = await context.newPage();
    await tab.goto(`${pathToFileURL(page).href}?ratio=${ratio}`);
    await tab.waitForSelector(".remark-slide-container");
    await tab.evaluate(() => document.fonts.ready);
    await tab.pdf({
      path: out,
      width: `${slideSize(ratio).width}px`,
      height: `${slideSize(ratio).height}px`,
      printBackground: true,
    });
    return out;
  } finally {
    await browser.close();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ratio = process.argv.includes("--4:3") ? "4:3" : "16:9";
  printDeck(undefined, undefined, ratio)
    .then((p) => console.log(`Wrote ${p}`))
    .catch((e: unknown) => {
      console.error((e as Error).message);
      process.exit(1);
    });
}
