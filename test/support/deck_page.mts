/**
 * A built deck opened in headless Chromium as the browser tests need it: from file://, every remote
 * request blocked and recorded, console errors, page errors and failed requests recorded.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";

export interface DeckPage {
  page: Page;
  /** Addresses the page asked for beyond file: and data:. */
  remote: string[];
  /** Console errors, page errors and failed requests. */
  errors: string[];
}

/** Open `dir`/index.html and wait until remark.js shows a slide, its images loaded and fonts ready. */
export async function openDeckPage(
  browser: Browser,
  dir: string,
  options: { viewport: { width: number; height: number }; offline?: boolean },
): Promise<DeckPage> {
  const remote: string[] = [];
  const errors: string[] = [];
  // Offline as the browser sees it too (navigator.onLine), so the photos stay captions and fetch nothing.
  const context = await browser.newContext({ viewport: options.viewport, offline: options.offline ?? false });
  // Route callbacks settle after navigation moves on; a late rejection must not end the test file.
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file:") || url.startsWith("data:")) return route.continue().catch(() => {});
    remote.push(url);
    return route.abort().catch(() => {});
  });
  // tsx names inner functions with esbuild's __name helper, which a page evaluating them does not have.
  await context.addInitScript("globalThis.__name = (f) => f;");
  const page = await context.newPage();
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("requestfailed", (r) => errors.push(`failed request ${r.url()}`));
  await page.goto(pathToFileURL(join(dir, "index.html")).href);
  await page.waitForSelector(".remark-slide-container.remark-visible");
  await page.waitForLoadState("load");
  await page.evaluate(() => document.fonts.ready);
  return { page, remote, errors };
}
