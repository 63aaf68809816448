/**
 * The deck's pictures. A slide asks for one with Markdown image syntax:
 *
 * - `![what it shows](figure:NAME)`: a diagram drawn by code (the builders of this folder), written to
 *   the deck's figures folder as NAME.svg; in the notebooks a cell attachment.
 * - `![what it shows](https://original "photo")` (or `"video"`, `"animation"`): a picture the deck cannot
 *   redraw. Shown from its original address when the network is there; offline, in print and in PDF its
 *   caption with the link stays in its place.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot as root } from "../../project/link.js";
import type { Edit } from "../source.mjs";
import { aiMlDl, classicalMlVsDl, classicalVsMl } from "./concepts.mjs";
import { convnet } from "./convnet.mjs";
import { spatialHierarchy } from "./hierarchy.mjs";
import { maxPool } from "./max_pool.mjs";
import { representationsFigure, type RepresentationsData } from "./representations.mjs";
import { tensor4d } from "./tensors.mjs";
import { trainingLoop } from "./training.mjs";

/** The 4 × 4 input of the max-pooling slide: the tensor the deck's max-pool-demo chunk pools. */
export const maxPoolInput = [
  [1, 3, 2, 1],
  [4, 6, 5, 0],
  [3, 1, 1, 2],
  [0, 2, 4, 8],
];

/** Where `npm run figures` writes the numbers of the "layers of representations" figure. */
export const representationsPath = join(root, "slides", "knit", "representations.json");

function representations(): string {
  let text: string;
  try {
    text = readFileSync(representationsPath, "utf8");
  } catch {
    throw new Error(
      `The figure "representations" needs ${representationsPath}; run \`npm run figures\` to train its network and write it.`,
    );
  }
  return representationsFigure(JSON.parse(text) as RepresentationsData);
}

/** Every diagram a slide can name, by name. */
export const diagrams: Record<string, () => string> = {
  "ai-ml-dl": aiMlDl,
  "classical-vs-ml": classicalVsMl,
  "classical-ml-vs-dl": classicalMlVsDl,
  representations,
  "training-1": () => trainingLoop(1),
  "training-2": () => trainingLoop(2),
  "training-3": () => trainingLoop(3),
  "tensor-4d": () => tensor4d(),
  convnet: () => convnet(),
  "spatial-hierarchy": spatialHierarchy,
  "max-pool": () => maxPool(maxPoolInput),
};

/** A picture a slide asks for, and where its markup is in the deck's source. */
export interface PictureRef {
  start: number;
  end: number;
  alt: string;
  /** A diagram's name, or the original address of a photo, video or animation. */
  target: string;
  kind: "diagram" | "photo" | "video" | "animation";
}

const pattern = /!\[([^\]\n]*)\]\((figure:[\w-]+|https?:\/\/[^\s)]+)(?:\s+"(photo|video|animation)")?\)/g;

/** The pictures of deck source `source`, outside the ranges given (code chunks). */
export function findPictures(source: string, skip: { start: number; end: number }[] = []): PictureRef[] {
  const found: PictureRef[] = [];
  for (const m of source.matchAll(pattern)) {
    const start = m.index;
    if (skip.some((r) => start >= r.start && start < r.end)) continue;
    const [all, alt, target, kind] = m;
    if (target!.startsWith("figure:")) {
      const name = target!.slice("figure:".length);
      if (!(name in diagrams))
        throw new Error(
          `The deck asks for figure:${name}, which deepdeck does not draw; known: ${Object.keys(diagrams).join(", ")}.`,
        );
      found.push({ start, end: start + all.length, alt: alt!, target: name, kind: "diagram" });
    } else if (kind) {
      found.push({ start, end: start + all.length, alt: alt!, target: target!, kind: kind as PictureRef["kind"] });
    }
  }
  return found;
}

const attr = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
const html = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");

/** The HTML of a photo, video or animation: the media pointed at its original address, and its caption. */
export function mediaHtml(ref: PictureRef, print: boolean): string {
  const what =
    ref.kind === "video" ? "Play the clip" : ref.kind === "animation" ? "Original animation" : "Original picture";
  const caption = `<span class="deck-caption"><span class="deck-caption-text">${html(ref.alt)}</span><br><span class="figure-link"><a href="${attr(ref.target)}">${what}</a>${print ? "" : '<span class="deck-offline-note"> (shown here when online)</span>'}</span></span>`;
  if (print) return `<span class="deck-photo deck-print" data-kind="${ref.kind}">${caption}</span>`;
  const media =
    ref.kind === "video"
      ? `<video class="deck-media" data-src="${attr(ref.target)}" controls muted preload="metadata" aria-label="${attr(ref.alt)}"></video>`
      : `<img class="deck-media" data-src="${attr(ref.target)}" alt="${attr(ref.alt)}">`;
  return `<span class="deck-photo" data-kind="${ref.kind}">${media}${caption}</span>`;
}

/** Edits that turn the deck's picture markup into HTML, writing each diagram's SVG with `write`. */
export function pictureEdits(
  source: string,
  skip: { start: number; end: number }[],
  options: { print?: boolean; write: (file: string, svg: string) => void },
): Edit[] {
  return findPictures(source, skip).map((ref) => {
    if (ref.kind !== "diagram") return { start: ref.start, end: ref.end, text: mediaHtml(ref, options.print ?? false) };
    const file = `${ref.target}.svg`;
    options.write(file, diagrams[ref.target]!());
    return {
      start: ref.start,
      end: ref.end,
      text: `<img class="deck-figure" src="figures/${file}" alt="${attr(ref.alt)}">`,
    };
  });
}

/** A notebook cell's markdown with its pictures: diagrams as attachments, media from their addresses with captions. */
export function notebookPictures(markdown: string): {
  text: string;
  attachments: Record<string, Record<string, string>>;
} {
  const attachments: Record<string, Record<string, string>> = {};
  let text = markdown;
  for (const ref of findPictures(markdown).reverse()) {
    let md: string;
    if (ref.kind === "diagram") {
      const file = `${ref.target}.svg`;
      attachments[file] = { "image/svg+xml": Buffer.from(diagrams[ref.target]!()).toString("base64") };
      md = `![${ref.alt}](attachment:${file})`;
    } else {
      const media =
        ref.kind === "video"
          ? `<video src="${attr(ref.target)}" controls muted width="560"></video>`
          : `![${ref.alt}](${ref.target})`;
      md = `${media}\n\n*${ref.alt}* ([original ${ref.kind}](${ref.target}))`;
    }
    text = text.slice(0, ref.start) + md + text.slice(ref.end);
  }
  return { text, attachments };
}
