#!/usr/bin/env node
/**
 * `npm run slides`: build slides/dist/ from slides/deck.md: parse (unified remark + the remark.js
 * plugins), knit (cached outputs, or run the code with --execute), render, and write a self-contained
 * folder: index.html, print.html (increments folded, for PDF), remark.js, KaTeX, theme, figures.
 * `--execute --force` runs the code even when it has not changed (the cache keys on the deck's code, not
 * on deepdeck's); `--retrain` also trains again instead of restoring unchanged runs from the fit cache.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { installKernelSpec } from "../project/kernelspec.js";
import { replaceDirAtomic } from "../io/atomic_write.js";
import { packageRoot as root } from "../project/link.js";
import { knit } from "./knit.mjs";
import { parseDeck, type ParsedDeck } from "./parse.mjs";
import { renderDeck } from "./render.mjs";

export interface BuildOptions {
  deck?: string;
  out?: string;
  cache?: string;
  execute?: boolean;
  /** Reuse training runs whose model, data and arguments have not changed (DEEPDECK_FIT_CACHE). Default true. */
  fitCache?: boolean;
  /** With execute: run the code even if it has not changed (after changing deepdeck itself). */
  force?: boolean;
}

function page(template: string, title: string, markdown: string): string {
  // JSON in a script: escape "</" so no "</script>" in the deck ends the script early.
  const source = JSON.stringify(markdown)
    .replace(/<\//g, "<\\/")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
  return template.replace("{{title}}", title.replace(/</g, "&lt;")).replace("{{source}}", () => source);
}

/** Build the deck; returns the parsed deck. Writes to a temporary folder, then swaps it in. */
export function buildDeck(options: BuildOptions = {}): ParsedDeck {
  const deckPath = options.deck ?? join(root, "slides", "deck.md");
  const out = options.out ?? join(root, "slides", "dist");
  const deck = parseDeck(readFileSync(deckPath, "utf8"), deckPath);
  const env = { ...process.env };
  const shared = resolve(root, "..", "shared", "datasets");
  if (!env["DEEPDECK_DATA_DIR"] && existsSync(join(shared, "mnist"))) env["DEEPDECK_DATA_DIR"] = shared;
  if (options.execute) {
    // The knit runs on this checkout's kernel, registered in a private Jupyter data folder.
    const dataDir = mkdtempSync(join(tmpdir(), "deepdeck-knit-"));
    installKernelSpec({ dataDir });
    env["JUPYTER_DATA_DIR"] = dataDir;
    // Re-knitting after a change re-runs every chunk (kernel state flows from one to the next), but a
    // training run whose model, data and arguments are unchanged is restored instead of repeated.
    if (options.fitCache !== false) env["DEEPDECK_FIT_CACHE"] ??= join(root, "slides", ".knit-work", "fit-cache");
    else delete env["DEEPDECK_FIT_CACHE"];
  }
  const outputs = knit(deck, {
    cache: options.cache ?? join(root, "slides", "knit", "outputs.json"),
    execute: options.execute ?? false,
    force: (options.execute ?? false) && (options.force ?? false),
    workDir: join(root, "slides", ".knit-work"),
    env,
  });
  replaceDirAtomic(out, (tmp) => {
    mkdirSync(join(tmp, "assets"), { recursive: true });
    const template = readFileSync(join(root, "src", "deck", "template.html"), "utf8");
    const title = deck.slides[0]?.title ?? "Slides";
    writeFileSync(
      join(tmp, "index.html"),
      page(template, title, renderDeck(deck, outputs, { figuresDir: join(tmp, "figures") })),
    );
    writeFileSync(
      join(tmp, "print.html"),
      page(template, title, renderDeck(deck, outputs, { figuresDir: join(tmp, "figures"), print: true })),
    );
    cpSync(join(root, "node_modules", "remark-slide", "out", "remark.min.js"), join(tmp, "assets", "remark.min.js"));
    cpSync(join(root, "src", "deck", "theme.css"), join(tmp, "assets", "theme.css"));
    mkdirSync(join(tmp, "assets", "katex"), { recursive: true });
    cpSync(join(root, "node_modules", "katex", "dist", "katex.min.css"), join(tmp, "assets", "katex", "katex.min.css"));
    cpSync(join(root, "node_modules", "katex", "dist", "fonts"), join(tmp, "assets", "katex", "fonts"), {
      recursive: true,
    });
  });
  return deck;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const deck = buildDeck({
      execute: process.argv.includes("--execute"),
      fitCache: !process.argv.includes("--retrain"),
      force: process.argv.includes("--force"),
    });
    console.log(
      `Built slides/dist: ${deck.slides.length} slides, ${deck.chunks.length} chunks. Open slides/dist/index.html (add ?ratio=4:3 for 4:3).`,
    );
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
}
