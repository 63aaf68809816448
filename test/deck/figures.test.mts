/**
 * The deck's pictures: every diagram is a well-formed SVG (resvg, a strict parser, renders it) whose text
 * is a named snapshot; max pooling draws what tf.maxPool computes; slide markup becomes the right HTML
 * for screen and print, and notebook cells carry the diagrams as attachments.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { decodePng, svgToPng } from "../../src/image/png.js";
import { diagrams, findPictures, maxPoolInput, notebookPictures, pictureEdits } from "../../src/deck/figures/index.mjs";
import { maxPoolGrid } from "../../src/deck/figures/max_pool.mjs";
import { representationsFigure, type RepresentationsData } from "../../src/deck/figures/representations.mjs";
import { matchSnapshot } from "../support/snapshot.js";

const snapshots = join(import.meta.dirname, "snapshots");

function wellFormed(name: string, svg: string): void {
  assert.match(
    svg,
    /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="[\d.]+" height="[\d.]+"/,
    `${name} is an SVG`,
  );
  assert.match(svg, /<title>[^<]{10,}<\/title>/, `${name} says what it shows`);
  const png = decodePng(svgToPng(svg));
  assert.ok(png.width > 100 && png.height > 100, `${name} renders`);
  // Not a blank page: some pixels are neither white nor transparent.
  let ink = 0;
  for (let i = 0; i < png.data.length; i += 4) if (png.data[i]! < 200 && png.data[i + 3]! > 0) ink++;
  assert.ok(ink > 200, `${name} draws something (${ink} dark pixels)`);
}

/** A small fixed case of the "layers of representations" data: a diagonal stroke through two layers. */
const tinyRepresentations: RepresentationsData = {
  label: 1,
  index: 2,
  digit: Array.from({ length: 784 }, (_, i) => (Math.abs((i % 28) - Math.floor(i / 28)) < 2 ? 1 : 0)),
  layers: [
    {
      name: "conv a",
      shape: [4, 4, 3],
      maps: [0, 1, 2].map((k) => Array.from({ length: 16 }, (_, i) => ((i + k) % 5) / 4)),
    },
    { name: "conv b", shape: [2, 2, 8], maps: [0, 1].map((k) => [k, 1 - k, 0.5, 0.25]) },
  ],
  probabilities: [0.01, 0.9, 0.01, 0.01, 0.01, 0.01, 0.01, 0.02, 0.01, 0.01],
  training: "none (a test case)",
};

describe("the deck's diagrams", () => {
  for (const name of Object.keys(diagrams).filter((n) => n !== "representations")) {
    test(`${name}: well-formed, drawn, and the same as its snapshot`, () => {
      const svg = diagrams[name]!();
      wellFormed(name, svg);
      assert.equal(diagrams[name]!(), svg, "deterministic");
      matchSnapshot(snapshots, `figure-${name}`, svg);
    });
  }
  test("representations: drawn from its numbers (a fixed case), well-formed and the same as its snapshot", () => {
    const svg = representationsFigure(tinyRepresentations);
    wellFormed("representations", svg);
    assert.equal((svg.match(/<image /g) ?? []).length, 1 + 3 + 2, "the digit and every map shown");
    assert.match(svg, />→ 1</, "the class it chose");
    matchSnapshot(snapshots, "figure-representations-tiny", svg);
  });
  test("representations: the committed numbers of the trained network draw (npm run figures)", () => {
    wellFormed("representations", diagrams["representations"]!());
  });
  test("max pooling draws the numbers tf.maxPool computes", () => {
    const check = (grid: number[][]) => {
      const h = grid.length;
      const w = grid[0]!.length;
      const pooled = tf.tidy(() => tf.maxPool(tf.tensor4d(grid.flat(), [1, h, w, 1]), 2, 2, "valid").arraySync());
      assert.deepEqual(
        maxPoolGrid(grid),
        pooled[0]!.map((r) => r.map((c) => c[0]!)),
      );
    };
    check(maxPoolInput);
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }).chain((h) =>
          fc.array(fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 4, maxLength: 4 }), {
            minLength: h,
            maxLength: h,
          }),
        ),
        (grid) => check(grid),
      ),
      { seed: 7, numRuns: 40 },
    );
    const svg = diagrams["max-pool"]!();
    for (const v of [6, 5, 3, 8]) assert.match(svg, new RegExp(`font-weight="bold"><tspan[^>]*>${v}<`));
  });
});

describe("pictures in the deck's markup", () => {
  const source = [
    "![A diagram](figure:ai-ml-dl)",
    '![Waymo & co](https://example.org/a%20b.png "photo")',
    '![A clip](https://example.org/c.mp4#t=1,2 "video")',
    "![plain](https://example.org/not-a-picture.png)",
    "```ts\n![in code](figure:nope)\n```",
  ].join("\n\n");
  const code = { start: source.indexOf("```"), end: source.length };
  test("finds diagrams, photos and videos, not plain images or code", () => {
    assert.deepEqual(
      findPictures(source, [code]).map((p) => [p.kind, p.target]),
      [
        ["diagram", "ai-ml-dl"],
        ["photo", "https://example.org/a%20b.png"],
        ["video", "https://example.org/c.mp4#t=1,2"],
      ],
    );
  });
  test("an unknown diagram is an error that names it and the known ones", () => {
    assert.throws(
      () => findPictures("![x](figure:unicorn)"),
      /figure:unicorn, which deepdeck does not draw; known: ai-ml-dl,/,
    );
  });
  test("on screen: the diagram as a file, photos and videos pointed at their addresses with their captions", () => {
    const written: string[] = [];
    const edits = pictureEdits(source, [code], { write: (file) => written.push(file) });
    assert.deepEqual(written, ["ai-ml-dl.svg"]);
    assert.equal(edits[0]!.text, '<img class="deck-figure" src="figures/ai-ml-dl.svg" alt="A diagram">');
    assert.match(
      edits[1]!.text,
      /<img class="deck-media" data-src="https:\/\/example.org\/a%20b.png" alt="Waymo &amp; co">/,
    );
    assert.match(
      edits[1]!.text,
      /<span class="deck-caption-text">Waymo &amp; co<\/span>.*<a href="https:\/\/example.org\/a%20b.png">Original picture<\/a>/,
    );
    assert.match(edits[2]!.text, /<video class="deck-media" data-src="https:\/\/example.org\/c.mp4#t=1,2" controls/);
  });
  test("in print: captions and links only, nothing to fetch", () => {
    const edits = pictureEdits(source, [code], { print: true, write: () => {} });
    assert.doesNotMatch(edits[1]!.text + edits[2]!.text, /data-src|<img|<video/);
    assert.match(edits[2]!.text, /<a href="https:\/\/example.org\/c.mp4#t=1,2">Play the clip<\/a>/);
  });
  test("in a notebook: the diagram as a cell attachment, the photo from its address with its caption", () => {
    const { text, attachments } = notebookPictures(source.slice(0, code.start));
    assert.match(text, /^!\[A diagram\]\(attachment:ai-ml-dl\.svg\)/);
    assert.equal(
      Buffer.from(attachments["ai-ml-dl.svg"]!["image/svg+xml"]!, "base64").toString(),
      diagrams["ai-ml-dl"]!(),
    );
    assert.match(text, /!\[Waymo & co\]\(https:\/\/example.org\/a%20b.png\)\n\n\*Waymo & co\* \(\[original photo\]/);
    assert.match(text, /<video src="https:\/\/example.org\/c.mp4#t=1,2" controls/);
  });
});
