/**
 * The deck tool's command line: `deepdeck slides [DECK.md] [--out DIR] [--execute [--force] [--retrain]]
 * [--pdf] [--ratio 4:3] [--count-incremental-slides true|false] [--highlight-style NAME]
 * [--slide-number-format FORMAT]`. The flags win over the deck's front matter.
 */
import { join, relative } from "node:path";
import type { RemarkOptions } from "./options.mjs";
import { buildDeck, type BuildOptions } from "./build.mjs";
import { printDeck } from "./pdf.mjs";

export const usage = `Usage: deepdeck slides [DECK.md] [--out DIR] [--execute [--force] [--retrain]] [--pdf]
                      [--ratio W:H] [--count-incremental-slides true|false]
                      [--highlight-style NAME] [--slide-number-format FORMAT]

Builds a remark.js or xaringan deck (default: the course deck, slides/deck.md) into DIR (default: dist/
beside the deck). remark.js options come from the deck's front matter (xaringan's nature:, or remark:)
and these flags. --execute runs the deck's TypeScript chunks; --pdf also prints DIR/deck.pdf.`;

export interface SlidesArgs extends BuildOptions {
  pdf: boolean;
}

/** Read the arguments; an error names the argument and what it expects. */
export function parseSlidesArgs(args: string[]): SlidesArgs {
  const out: SlidesArgs = { pdf: false };
  const remark: Partial<RemarkOptions> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = () => {
      const v = args[++i];
      if (v === undefined || v.startsWith("--")) throw new Error(`slides: ${a} needs a value.\n\n${usage}`);
      return v;
    };
    if (a === "--execute") out.execute = true;
    else if (a === "--force") out.force = true;
    else if (a === "--retrain") out.fitCache = false;
    else if (a === "--pdf") out.pdf = true;
    else if (a === "--4:3") remark.ratio = "4:3";
    else if (a === "--out") out.out = value();
    else if (a === "--ratio") {
      const v = value();
      if (!/^\d+:\d+$/.test(v)) throw new Error(`slides: --ratio must be like 16:9 or 4:3, not ${JSON.stringify(v)}.`);
      remark.ratio = v;
    } else if (a === "--count-incremental-slides") {
      const v = value();
      if (v !== "true" && v !== "false")
        throw new Error(`slides: --count-incremental-slides must be true or false, not ${JSON.stringify(v)}.`);
      remark.countIncrementalSlides = v === "true";
    } else if (a === "--highlight-style") remark.highlightStyle = value();
    else if (a === "--slide-number-format") remark.slideNumberFormat = value();
    else if (a === "--help" || a === "-h") throw new Error(usage);
    else if (!a.startsWith("--") && out.deck === undefined) out.deck = a;
    else throw new Error(`slides: unknown argument ${JSON.stringify(a)}.\n\n${usage}`);
  }
  if (Object.keys(remark).length > 0) out.remark = remark;
  return out;
}

export async function main(args: string[]): Promise<number> {
  const { pdf, ...options } = parseSlidesArgs(args);
  const built = buildDeck(options);
  const where = relative(process.cwd(), built.out) || ".";
  console.log(
    `Built ${where}: ${built.slides.length} slides (${built.pages.length} pages), ${built.chunks.length} chunks${built.evaluated || built.chunks.length === 0 ? "" : " shown as code"}. Open ${join(where, "index.html")}.`,
  );
  if (pdf)
    console.log(
      `Wrote ${relative(process.cwd(), await printDeck(built.out, join(built.out, "deck.pdf"), built.options.ratio))}`,
    );
  return 0;
}
