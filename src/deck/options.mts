/**
 * remark.js options of a deck, as `remark.create` takes them. A deck may start with YAML front matter
 * (the block between a first line `---` and the next `---`, read only when it has one of the keys
 * `title`, `output`, `remark` or `deepdeck`): xaringan's `output: xaringan::moon_reader: nature: {...}`
 * and a top-level `remark: {...}` both give the options; the command line's flags win over both.
 * deepdeck's defaults are remark.js's own, except the ratio (16:9) and the highlighting (github, lines).
 */
import { parse as parseYaml } from "yaml";

export interface RemarkOptions {
  /** Count `--` increments in slide numbers. Default true (remark.js's default). */
  countIncrementalSlides: boolean;
  /** Default "github". */
  highlightStyle: string;
  /** Default true. */
  highlightLines: boolean;
  /** Language of fences with none. Default "no-highlight". */
  highlightLanguage: string;
  /** "16:9" (default) or "4:3"; `?ratio=4:3` in the page's address overrides it. */
  ratio: string;
  /** Default "%current% / %total%". */
  slideNumberFormat: string;
}

export const defaultRemarkOptions: RemarkOptions = {
  countIncrementalSlides: true,
  highlightStyle: "github",
  highlightLines: true,
  highlightLanguage: "no-highlight",
  ratio: "16:9",
  slideNumberFormat: "%current% / %total%",
};

export interface FrontMatter {
  /** Options the front matter sets. */
  options: Partial<RemarkOptions>;
  /** Its title, if it has one. */
  title: string | undefined;
  /** Scripts to load before remark.create (xaringan's `nature: beforeInit`), relative to the deck. */
  scripts: string[];
  /** Length of the front matter in the source (0 without one). */
  length: number;
}

const keys = new Set(["title", "output", "remark", "deepdeck"]);

function pick(from: unknown, warn: (reason: string) => void): Partial<RemarkOptions> {
  const out: Partial<RemarkOptions> = {};
  if (typeof from !== "object" || from === null) return out;
  for (const [key, value] of Object.entries(from as Record<string, unknown>)) {
    if (key === "countIncrementalSlides" || key === "highlightLines") {
      if (typeof value === "boolean") out[key] = value;
      else warn(`remark option ${key} must be true or false, found ${JSON.stringify(value)}.`);
    } else if (key === "highlightStyle" || key === "highlightLanguage" || key === "slideNumberFormat") {
      if (typeof value === "string") out[key] = value;
      else warn(`remark option ${key} must be a string, found ${JSON.stringify(value)}.`);
    } else if (key === "ratio") {
      // YAML reads 16:9 as a sexagesimal number in YAML 1.1; the yaml package (1.2) keeps it a string.
      if (typeof value === "string" && /^\d+:\d+$/.test(value)) out.ratio = value;
      else warn(`remark option ratio must be like "16:9" or "4:3", found ${JSON.stringify(value)}.`);
    }
  }
  return out;
}

/** Read the front matter at the top of a deck (LF line ends). */
export function readFrontMatter(source: string, warn: (reason: string) => void): FrontMatter {
  const none = { options: {}, title: undefined, scripts: [], length: 0 };
  const m = /^---[ \t]*\n([\s\S]*?\n)?---[ \t]*(?:\n|$)/.exec(source);
  if (!m) return none;
  let data: unknown;
  try {
    data = parseYaml(m[1] ?? "");
  } catch {
    return none;
  }
  if (typeof data !== "object" || data === null || !Object.keys(data).some((k) => keys.has(k))) return none;
  const yaml = data as Record<string, unknown>;
  const output = yaml["output"] as Record<string, unknown> | undefined;
  const moon = typeof output === "object" && output !== null ? output["xaringan::moon_reader"] : undefined;
  const nature = typeof moon === "object" && moon !== null ? (moon as Record<string, unknown>)["nature"] : undefined;
  const before = typeof nature === "object" && nature !== null ? (nature as Record<string, unknown>)["beforeInit"] : [];
  return {
    options: { ...pick(nature, warn), ...pick(yaml["remark"], warn) },
    scripts: [before].flat().filter((s): s is string => typeof s === "string" && !/^[a-z]+:/i.test(s)),
    title: typeof yaml["title"] === "string" ? yaml["title"] : undefined,
    length: m[0].length,
  };
}
