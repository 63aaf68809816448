import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { dd, noLeaks, tf } from "../support/tf";

before(async () => {
  await dd.ready();
});

function cells(html: string): string[] {
  return [...html.matchAll(/<td style="([^"]*)">([^<]*)<\/td>/g)].map(
    (m) => `${m[2]}|${/background:([^;]*)/.exec(m[1]!)?.[1] ?? "none"}`,
  );
}

describe("tensorHtml", () => {
  test("a 2-D tensor becomes a table, shaded darker for larger values", async () => {
    const x = tf.tensor2d(
      [
        [0, 255],
        [128, 0],
      ],
      undefined,
      "int32",
    );
    const view = await noLeaks(() => dd.tensorHtml(x, { shade: true }));
    assert.deepEqual(cells(view.html), [
      "0|rgb(255,255,255)",
      "255|rgb(0,0,0)",
      "128|rgb(127,127,127)",
      "0|rgb(255,255,255)",
    ]);
    assert.match(view.html, /color:#fff;">255</, "white text on dark cells");
    assert.deepEqual(Object.keys(view.toMimeBundle()), ["text/html", "text/plain"]);
    assert.equal(view.text, "[[  0, 255],\n [128,   0]]");
    x.dispose();
  });
  test("a slice of a 3-D batch picks one image, with a caption", async () => {
    const batch = tf.stack([tf.zeros([28, 28], "int32"), tf.fill([28, 28], 9, "int32")]);
    const view = await noLeaks(() => dd.tensorHtml(batch, { slice: [1] }));
    const all = cells(view.html);
    assert.equal(all.length, 28 * 28);
    assert.ok(all.every((c) => c === "9|none"));
    assert.match(view.html, /<caption[^>]*>int32 \[2, 28, 28\] \[1, :, :\]<\/caption>/);
    batch.dispose();
  });
  test("explicit min and max fix the shading range", () => {
    const x = tf.tensor1d([5]);
    assert.deepEqual(cells(dd.tensorHtml(x, { shade: true, min: 0, max: 10 }).html), ["5.|rgb(128,128,128)"]);
    x.dispose();
  });
  test("a large matrix is summarised with … cells", () => {
    const x = tf.zeros([100, 100], "int32");
    const view = dd.tensorHtml(x);
    const all = cells(view.html);
    assert.equal(all.filter((c) => c.startsWith("0|")).length, 6 * 6, "three values at each end of each axis");
    assert.equal(
      all.filter((c) => c.startsWith("…|")).length,
      6 + 7,
      "an ellipsis column in each row, and an ellipsis row",
    );
    x.dispose();
  });
  test("errors name the argument and what was expected", () => {
    const x = tf.zeros([2, 3, 4]);
    assert.throws(
      () => dd.tensorHtml(x),
      /tensorHtml: a tensor of rank 3 has no table view; pass a 1-D or 2-D tensor, or a higher-rank one with option slice/,
    );
    assert.throws(() => dd.tensorHtml(x, { slice: [0, 1] }), /tensorHtml: option slice must list 1 leading indices/);
    assert.throws(
      () => dd.tensorHtml(x, { slice: [5] }),
      /tensorHtml: slice index 5 on axis 0 is out of range \[0, 1\]/,
    );
    assert.throws(
      () => dd.tensorHtml(x, { slice: [0], shade: "yes" } as never),
      /tensorHtml: option shade must be true or false, received "yes"/,
    );
    assert.throws(
      () => dd.tensorHtml(x, { slice: [0], max: NaN }),
      /tensorHtml: option max must be a finite number, received NaN/,
    );
    x.dispose();
  });
});
