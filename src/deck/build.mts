#!/usr/bin/env node
/**
 * `npx deepdeck slides [DECK.md]` (and `npm run slides -- [DECK.md]`): build any remark.js or xaringan deck
 * into a self-contained folder (default: `dist/` beside the deck): index.html, print.html (increments
 * folded, for PDF), remark.js, KaTeX, theme, figures, and the deck's scripts (`DECK.macros.js` beside it,
 * xaringan's `beforeInit`). TypeScript chunks run when the deck has a knit cache (`knit/outputs.json`
 * beside it) or with `--execute`; otherwise they are shown as code. Without a deck it builds the course's,
 * slides/deck.md.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { replaceDirAtomic } from "../io/atomic_write.js";
import { installKernelSpec } from "../project/kernelspec.js";
import { packageRoot as root } from "../project/link.js";
import { knit, type KnitResult } from "./knit.mjs";
import type { RemarkOptions } from "./options.mjs";
import { parseDeck, type ParsedDeck } from "./parse.mjs";
import { renderDeck } from "./render.mjs";

export interface BuildOptions {
  /** The deck's markdown file. Default: the course deck, slides/deck.md. */
  deck?: string;
  /** The folder to write. Default: `dist/` beside the deck. */
  out?: string;
  /** The knit cache. Default: `knit/outputs.json` beside the deck. */
  cache?: string;
  /** Run the deck's TypeScript when the cache is out of date. Default false. */
  execute?: boolean;
  /** Reuse training runs whose model, data and arguments have not changed (DEEPDECK_FIT_CACHE). Default true. */
  fitCache?: boolean;
  /** With execute: run the code even if it has not changed (after changing deepdeck itself). */
  force?: boolean;
  /** remark.js options that win over the deck's front matter. */
  remark?: Partial<RemarkOptions>;
  /** Where warnings go. Default: stderr, one `file:line:column: warning: ...` a line. */
  warn?: (line: string) => void;
}

export interface BuiltDeck extends ParsedDeck {
  /** The folder written. */
  out: string;
  /** Whether the TypeScript chunks' outputs are shown (a cache or --execute), or the chunks as code. */
  evaluated: boolean;
}

function script(json: unknown): string {
  // JSON in a script: escape "</" so no "</script>" in the deck ends the script early.
  return JSON.stringify(json)
    .replace(/<\//g, "<\\/")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/**
 * Files beside the deck that it links to (pictures in markdown, `src=`, `url(...)`, a macro's argument),
 * relative and inside the deck's folder, so the built folder shows them offline.
 */
function localFiles(deck: ParsedDeck, dir: string): string[] {
  const found = new Set<string>();
  for (const m of deck.source.matchAll(/(?:\]\(|src=["']|url\(["']?)([^)"'\s]+)/g)) {
    const ref = decodeURI(m[1]!.split(/[?#]/)[0]!);
    if (/^[a-z][\w+.-]*:|^\/|^#/i.test(ref) || ref.includes("..")) continue;
    const path = join(dir, ref);
    if (existsSync(path) && statSync(path).isFile()) found.add(ref);
  }
  return [...found];
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;");
}

function page(template: string, deck: ParsedDeck, markdown: string, scripts: string[]): string {
  const { ratio, countIncrementalSlides, highlightStyle, highlightLines, highlightLanguage, slideNumberFormat } =
    deck.options;
  const fill: Record<string, string> = {
    title: escapeHtml(deck.title),
    deck: escapeHtml(basename(deck.path)),
    styles: "",
    scripts: scripts.map((s) => `<script src="${escapeHtml(s)}"></script>`).join("\n"),
    source: script(markdown),
    options: script({
      ratio,
      countIncrementalSlides,
      highlightStyle,
      highlightLines,
      highlightLanguage,
      slideNumberFormat,
    }),
    macros: script(deck.macros),
  };
  return template.replace(/\{\{(\w+)\}\}/g, (m, key: string) => fill[key] ?? m);
}

/** Print a warning as file:line:column. */
export function formatWarning(m: ParsedDeck["messages"][number]): string {
  return `${m.file}:${m.line ?? 1}:${m.column ?? 1}: warning: ${m.reason}`;
}

/** Build the deck; returns the parsed deck. Writes to a temporary folder, then swaps it in. */
export function buildDeck(options: BuildOptions = {}): BuiltDeck {
  const deckPath = resolve(options.deck ?? join(root, "slides", "deck.md"));
  const dir = dirname(deckPath);
  const out = resolve(options.out ?? join(dir, "dist"));
  const warn = options.warn ?? ((line: string) => console.error(line));
  if (!existsSync(deckPath))
    throw new Error(`slides: the deck ${deckPath} does not exist; give the path of a markdown file.`);
  const deck = parseDeck(readFileSync(deckPath, "utf8"), deckPath, options.remark ? { remark: options.remark } : {});
  const cache = options.cache ?? join(dir, "knit", "outputs.json");
  const evaluated = deck.chunks.length > 0 && (options.execute === true || existsSync(cache));
  let outputs: KnitResult = { chunks: new Map(), inline: new Map(), executed: false };
  if (evaluated) {
    const env = { ...process.env };
    if (options.execute) {
      // The knit runs on this checkout's kernel, registered in a private Jupyter data folder.
      const dataDir = mkdtempSync(join(tmpdir(), "deepdeck-knit-"));
      installKernelSpec({ dataDir });
      env["JUPYTER_DATA_DIR"] = dataDir;
      // Re-knitting re-runs every chunk (kernel state flows from one to the next), but a training run whose
      // model, data and arguments are unchanged is restored instead of repeated.
      if (options.fitCache !== false) env["DEEPDECK_FIT_CACHE"] ??= join(dir, ".knit-work", "fit-cache");
      else delete env["DEEPDECK_FIT_CACHE"];
    }
    outputs = knit(deck, {
      cache,
      execute: options.execute ?? false,
      force: (options.execute ?? false) && (options.force ?? false),
      workDir: join(dir, ".knit-work"),
      env,
    });
  }
  for (const m of deck.messages) warn(formatWarning(m));
  if (deck.chunks.length > 0 && !evaluated)
    warn(
      `${deckPath}: the deck's ${deck.chunks.length} TypeScript chunks are shown as code; run with --execute to show their outputs (the cache goes to ${cache}).`,
    );
  const stem = basename(deckPath, extname(deckPath));
  const scripts = [...deck.scripts, ...(existsSync(join(dir, `${stem}.macros.js`)) ? [`${stem}.macros.js`] : [])];
  for (const s of scripts)
    if (!existsSync(join(dir, s)))
      warn(`${deckPath}: the script ${s} the deck loads is not in ${dir}; it is left out.`);
  const present = scripts.filter((s) => existsSync(join(dir, s)));
  replaceDirAtomic(out, (tmp) => {
    mkdirSync(join(tmp, "assets"), { recursive: true });
    if (present.length > 0) mkdirSync(join(tmp, "assets", "scripts"));
    const template = readFileSync(join(root, "src", "deck", "template.html"), "utf8");
    const links = present.map((s, i) => `assets/scripts/${i}-${basename(s)}`);
    present.forEach((s, i) => cpSync(join(dir, s), join(tmp, links[i]!)));
    for (const f of localFiles(deck, dir)) {
      mkdirSync(dirname(join(tmp, f)), { recursive: true });
      cpSync(join(dir, f), join(tmp, f));
    }
    const figuresDir = join(tmp, "figures");
    const render = (print: boolean) => renderDeck(deck, outputs, { figuresDir, print, evaluated });
    writeFileSync(join(tmp, "index.html"), page(template, deck, render(false), links));
    writeFileSync(join(tmp, "print.html"), page(template, deck, render(true), links));
    cpSync(join(root, "node_modules", "remark-slide", "out", "remark.min.js"), join(tmp, "assets", "remark.min.js"));
    cpSync(join(root, "src", "deck", "theme.css"), join(tmp, "assets", "theme.css"));
    mkdirSync(join(tmp, "assets", "katex"), { recursive: true });
    cpSync(join(root, "node_modules", "katex", "dist", "katex.min.css"), join(tmp, "assets", "katex", "katex.min.css"));
    cpSync(join(root, "node_modules", "katex", "dist", "fonts"), join(tmp, "assets", "katex", "fonts"), {
      recursive: true,
    });
  });
  return { ...deck, out, evaluated };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  import("./build_cli.mjs")
    .then(({ main }) => main(process.argv.slice(2)))
    .then((code) => process.exit(code))
    .catch((e: unknown) => {
      console.error((e as Error).message);
      process.exit(1);
    });
}
