import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { decodePng } from "../../src/image/png";
import { sharedDatasets, skipDatasets } from "../support/datasets";
import { dd, noLeaks, tf } from "../support/tf";

const scratch = mkdtempSync(join(tmpdir(), "deepdeck-image-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
before(async () => {
  await dd.ready();
});

function pixel(img: { width: number; data: Uint8Array }, x: number, y: number): number[] {
  const p = (y * img.width + x) * 4;
  return Array.from(img.data.subarray(p, p + 4));
}

describe("imageFigure / imshow", () => {
  test("a known MNIST digit: 280x280, each 10x10 block the digit's grey value", { skip: skipDatasets }, async () => {
    const mnist = await dd.datasets.mnist({ dir: await sharedDatasets(), limit: 10 });
    const digit = tf.tidy(() => tf.reshape(tf.slice(mnist.train.x, [4, 0, 0], [1, 28, 28]), [28, 28]));
    const values = digit.arraySync() as number[][];
    const fig = await noLeaks(() => dd.imageFigure(digit, { max: 255, min: 0 }));
    const img = decodePng(fig.png);
    assert.deepEqual([img.width, img.height, fig.width], [280, 280, 280]);
    for (let r = 0; r < 28; r++) {
      for (let c = 0; c < 28; c++) {
        const v = values[r]![c]!;
        assert.deepEqual(pixel(img, c * 10 + 3, r * 10 + 7), [v, v, v, 255], `pixel (${r}, ${c})`);
      }
    }
    assert.match(fig.description, /^<image 280x280 of int32 \[28, 28\], gray from 0 to 255>$/);
    tf.dispose([digit, mnist as never]);
  });
  test("a ramp maps its range onto the colormap, low end to high end", () => {
    const ramp = tf.range(0, 256, 1, "int32").reshape([1, 256]);
    const gray = decodePng(dd.imageFigure(ramp, { scale: 1 }).png);
    for (const v of [0, 1, 128, 254, 255]) assert.deepEqual(pixel(gray, v, 0), [v, v, v, 255]);
    const viridis = decodePng(dd.imageFigure(ramp, { scale: 1, cmap: "viridis" }).png);
    assert.deepEqual(pixel(viridis, 0, 0), [68, 1, 84, 255]);
    assert.deepEqual(pixel(viridis, 255, 0), [253, 231, 37, 255]);
    const magma = decodePng(dd.imageFigure(ramp, { scale: 1, cmap: "magma" }).png);
    assert.ok(pixel(magma, 0, 0)[0]! < 10 && pixel(magma, 255, 0)[0]! > 240, "magma runs from black to pale yellow");
    const reversed = decodePng(dd.imageFigure(ramp, { scale: 1, cmap: "gray_r" }).png);
    assert.deepEqual(pixel(reversed, 0, 0), [255, 255, 255, 255]);
    ramp.dispose();
  });
  test("a checkerboard upscales without smoothing", () => {
    const board = tf.tensor2d([
      [0, 1],
      [1, 0],
    ]);
    const img = decodePng(dd.imageFigure(board, { scale: 3 }).png);
    assert.deepEqual([img.width, img.height], [6, 6]);
    for (let y = 0; y < 6; y++)
      for (let x = 0; x < 6; x++)
        assert.equal(pixel(img, x, y)[0], (Math.floor(x / 3) + Math.floor(y / 3)) % 2 ? 255 : 0);
    board.dispose();
  });
  test("the diverging map is blue below zero, white at zero, red above", () => {
    const signed = tf.tensor2d([[-1, 0, 1]]);
    const img = decodePng(dd.imageFigure(signed, { scale: 1, cmap: "rdbu" }).png);
    const [neg, zero, pos] = [pixel(img, 0, 0), pixel(img, 1, 0), pixel(img, 2, 0)];
    assert.ok(neg[2]! > neg[0]! + 50, `negative is blue: ${neg}`);
    assert.ok(pos[0]! > pos[2]! + 50, `positive is red: ${pos}`);
    assert.ok(
      zero.slice(0, 3).every((c) => c > 235),
      `zero is near white: ${zero}`,
    );
    signed.dispose();
  });
  test("NaN is magenta (or nanColor); infinities are the ends and stay out of the automatic range", () => {
    const x = tf.tensor2d([[NaN, Infinity, -Infinity, 0, 10]]);
    const img = decodePng(dd.imageFigure(x, { scale: 1 }).png);
    assert.deepEqual(
      [pixel(img, 0, 0), pixel(img, 1, 0), pixel(img, 2, 0), pixel(img, 3, 0), pixel(img, 4, 0)],
      [
        [255, 0, 255, 255],
        [255, 255, 255, 255],
        [0, 0, 0, 255],
        [0, 0, 0, 255],
        [255, 255, 255, 255],
      ],
    );
    assert.deepEqual(
      pixel(decodePng(dd.imageFigure(x, { scale: 1, nanColor: "#00ff00" }).png), 0, 0),
      [0, 255, 0, 255],
    );
    x.dispose();
  });
  test("RGB images: ints on 0..255, floats on 0..1", () => {
    const ints = tf.tensor3d([255, 0, 0, 0, 128, 0], [1, 2, 3], "int32");
    const a = decodePng(dd.imageFigure(ints, { scale: 1 }).png);
    assert.deepEqual(
      [pixel(a, 0, 0), pixel(a, 1, 0)],
      [
        [255, 0, 0, 255],
        [0, 128, 0, 255],
      ],
    );
    const floats = tf.tensor3d([0, 0, 1, 1, 1, 1], [1, 2, 3]);
    const b = decodePng(dd.imageFigure(floats, { scale: 1 }).png);
    assert.deepEqual(
      [pixel(b, 0, 0), pixel(b, 1, 0)],
      [
        [0, 0, 255, 255],
        [255, 255, 255, 255],
      ],
    );
    tf.dispose([ints, floats]);
  });
  test("title and colorbar make an SVG with text, rasterised to PNG", () => {
    const x = tf.tensor2d([
      [0, 5],
      [10, 2],
    ]);
    const fig = dd.imageFigure(x, { title: "four pixels", colorbar: true, cmap: "viridis" });
    assert.ok(fig.svg!.includes(">four pixels</text>"));
    assert.ok(fig.svg!.includes(">10</text>") && fig.svg!.includes(">0</text>"), "colorbar ticks show the range");
    const img = decodePng(fig.png);
    assert.deepEqual([img.width, img.height], [fig.width, fig.height]);
    assert.deepEqual(Object.keys(fig.toMimeBundle()).sort(), ["image/png", "image/svg+xml", "text/plain"]);
    x.dispose();
  });
  test("save writes atomically, as .png or .svg", () => {
    const x = tf.tensor2d([[0, 1]]);
    const fig = dd.imageFigure(x);
    const file = join(scratch, "x.png");
    fig.save(file);
    assert.deepEqual(readFileSync(file), Buffer.from(fig.png));
    assert.deepEqual(readdirSync(scratch), ["x.png"], "no temporary file left");
    assert.throws(() => fig.save(join(scratch, "x.jpg")), /Figure.save: path must end in .png or .svg/);
    assert.throws(() => fig.save(join(scratch, "x.svg")), /this figure has no SVG form/);
    x.dispose();
  });
  test("bad shapes, dtypes and options get clear errors", () => {
    const x = tf.zeros([2, 2, 2]);
    assert.throws(
      () => dd.imageFigure(x),
      /imshow: x must have shape \[height, width\] or \[height, width, 1 \| 3 \| 4\], received \[2, 2, 2\]/,
    );
    const y = tf.zeros([2, 2]);
    assert.throws(
      () => dd.imageFigure(y, { cmap: "jet" as never }),
      /imshow: option cmap must be one of "gray", "gray_r", "viridis", "magma", "rdbu", received "jet"/,
    );
    assert.throws(
      () => dd.imageFigure(y, { min: 5, max: 5 }),
      /imshow: option max \(5\) must be greater than min \(5\)/,
    );
    assert.throws(
      () => dd.imageFigure(y, { scale: 0 }),
      /imshow: option scale must be a whole number in \[1, 64\], received 0/,
    );
    assert.throws(() => dd.imageFigure(y, { vmax: 3 } as never), /imshow: unknown option "vmax"/);
    assert.throws(() => dd.imageFigure(y, { nanColor: "red" }), /option nanColor must be a colour like "#ff00ff"/);
    const s = tf.tensor2d([["a"]], [1, 1], "string");
    assert.throws(() => dd.imageFigure(s), /imshow: option x must be a numeric or bool tensor, received "string"/);
    tf.dispose([x, y, s]);
  });
  test("imshow displays a PNG bundle and returns nothing", () => {
    const sent: unknown[] = [];
    dd.setDisplaySink((m) => sent.push(Object.keys(m.data).sort()));
    const x = tf.zeros([3, 3]);
    try {
      const returned: unknown = dd.imshow(x);
      assert.equal(returned, undefined);
    } finally {
      dd.setDisplaySink();
      x.dispose();
    }
    assert.deepEqual(sent, [["image/png", "text/plain"]]);
  });
});

describe("grids", () => {
  test("long titles shrink to their cell instead of running into the next one", () => {
    const batch = tf.zeros([2, 28, 28]);
    const fig = dd.imageGridFigure(batch, { titles: ["7", "edges (outline)"], scale: 3 });
    batch.dispose();
    const sizes = [...fig.svg!.matchAll(/font-size="(\d+)"[^>]*>([^<]*)</g)].map((m) => [m[2], Number(m[1])] as const);
    assert.deepEqual(sizes[0], ["7", 11], "a short title keeps 11 px");
    const [text, size] = sizes[1]!;
    assert.equal(text, "edges (outline)");
    assert.ok(size < 11 && size >= 7, `the long title at ${size} px`);
    assert.ok(text.length * 0.58 * size <= 84 + 4, "and fits its 84 px cell with the spacing");
  });
  test("a labelled batch: layout, pixels, and pred / true titles in green and red", async () => {
    const batch = tf.tidy(() =>
      tf.stack([tf.zeros([4, 4], "int32"), tf.fill([4, 4], 255, "int32"), tf.fill([4, 4], 128, "int32")]),
    );
    const fig = await noLeaks(() =>
      dd.imageGridFigure(batch, { labels: [1, 2, 3], predictions: [1, 0, 3], cols: 2, scale: 10, spacing: 4 }),
    );
    const img = decodePng(fig.png);
    // 2 columns of 40 px with 4 px spacing; 2 rows of 40 px + 15 px title band.
    assert.deepEqual([img.width, img.height], [4 + 2 * 44, 4 + 2 * (55 + 4)]);
    assert.deepEqual(pixel(img, 4 + 20, 4 + 15 + 20), [0, 0, 0, 255], "first image is black");
    assert.deepEqual(pixel(img, 48 + 20, 4 + 15 + 20), [255, 255, 255, 255], "second image is white");
    assert.deepEqual(pixel(img, 4 + 20, 63 + 15 + 20), [128, 128, 128, 255], "third image is grey");
    assert.match(fig.svg!, /fill="#1a7f37"[^>]*>1 \/ 1</);
    assert.match(fig.svg!, /fill="#cf222e"[^>]*>0 \/ 2</);
    assert.match(fig.description, /2\/3 right/);
    const band = (x0: number) =>
      Array.from({ length: 40 * 14 }, (_, i) => pixel(img, x0 + (i % 40), 4 + Math.floor(i / 40)));
    assert.ok(
      band(48).some(([r, g, b]) => r! > 150 && g! < 100 && b! < 100),
      "red title pixels over the wrong prediction",
    );
    assert.ok(
      band(4).some(([r, g, b]) => g! > 90 && r! < 80 && b! < 90),
      "green title pixels over the right one",
    );
    batch.dispose();
  });
  test("class names, and errors for mismatched labels and shapes", () => {
    const batch = tf.zeros([2, 3, 3]);
    const fig = dd.imageGridFigure(batch, { labels: [9, 0], classNames: [...dd.datasets.fashionMnistClasses] });
    assert.ok(fig.svg!.includes(">Ankle boot<") && fig.svg!.includes(">T-shirt/top<"));
    assert.throws(
      () => dd.imageGridFigure(batch, { labels: [1] }),
      /imageGrid: option labels must have one entry per image \(2\), received 1/,
    );
    assert.throws(() => dd.imageGridFigure(tf.zeros([2, 3])), /imageGrid: batch must have shape \[n, height, width\]/);
    batch.dispose();
  });
  test("feature maps: one panel per channel, each stretched to its own range", () => {
    const act = tf.tidy(() => tf.concat([tf.fill([1, 2, 2, 1], 5), tf.tensor4d([0, 1, 2, 3], [1, 2, 2, 1])], 3));
    const fig = dd.featureMapsFigure(act, { scale: 1, spacing: 0, cols: 2 });
    assert.match(fig.description, /^<grid of 2 images 2x2 in 2 columns from feature maps \[1, 2, 2, 2\]>$/);
    const img = decodePng(fig.png);
    assert.deepEqual(pixel(img, 2, 15), [68, 1, 84, 255], "viridis low end at channel 1's minimum");
    assert.deepEqual(pixel(img, 3, 16), [253, 231, 37, 255], "high end at its maximum");
    act.dispose();
  });
  test("filters: a diverging grid centred on zero", () => {
    const kernel = tf.tensor4d([1, -1, 0, 0.5], [1, 1, 1, 4]);
    const fig = dd.filtersFigure(kernel, { scale: 1, spacing: 0, cols: 4 });
    const img = decodePng(fig.png);
    const [pos, neg, zero] = [pixel(img, 0, 15), pixel(img, 1, 15), pixel(img, 2, 15)];
    assert.ok(pos[0]! > pos[2]! && neg[2]! > neg[0]! && zero.slice(0, 3).every((c) => c > 235));
    assert.throws(
      () => dd.filtersFigure(kernel, { inputChannel: 1 }),
      /filters: option inputChannel must be a whole number in \[0, 0\], received 1/,
    );
    kernel.dispose();
  });
});
