/** Random image augmentation (beyond the R deck), on images whose transforms are known. */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { dd, noLeaks, tf } from "../support/tf";

before(async () => {
  await dd.ready();
});

describe("data augmentation", () => {
  const dot = () => tf.tidy(() => tf.reshape(tf.oneHot(tf.tensor1d([2 * 8 + 2], "int32"), 64), [1, 8, 8, 1]));
  test("no options: the images come back unchanged, as float32", async () => {
    const x = tf.randomUniform([3, 8, 8, 1], 0, 255, "int32", 1);
    await noLeaks(() => {
      const y = dd.augment(x);
      assert.equal(y.dtype, "float32");
      assert.deepEqual(Array.from(y.dataSync()), Array.from(x.dataSync()));
      y.dispose();
    });
    x.dispose();
  });
  test("the largest shift moves a dot by shift × size, down and right", () => {
    const x = dot();
    const random = Math.random;
    Math.random = () => 1 - 1e-9; // every draw at the top of its range
    try {
      const y = dd.augment(x, { shift: 0.25 });
      const v = y.reshape([8, 8]).arraySync() as number[][];
      assert.ok(v[4]![4]! > 0.99, `the dot at (4, 4): ${v[4]![4]}`);
      assert.ok(v[2]![2]! < 0.01, "and no longer at (2, 2)");
      tf.dispose(y);
    } finally {
      Math.random = random;
      x.dispose();
    }
  });
  test("random transforms differ between images, and dd.setSeed repeats them", () => {
    const digit = tf.tidy(() => tf.tile(tf.randomUniform([1, 12, 12, 1], 0, 1, "float32", 4), [4, 1, 1, 1]));
    dd.setSeed(7);
    const a = dd.augment(digit, { rotation: 30, zoom: 0.2, flip: true });
    dd.setSeed(7);
    const b = dd.augment(digit, { rotation: 30, zoom: 0.2, flip: true });
    assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
    const images = tf.unstack(a);
    assert.ok(
      tf.tidy(() => tf.any(tf.notEqual(images[0]!, images[1]!)).dataSync()[0]) === 1,
      "each image gets its own transform",
    );
    tf.dispose([digit, a, b, ...images]);
  });
  test("bad options are named", () => {
    const x = dot();
    assert.throws(() => dd.augment(x, { rotation: -5 }), /option rotation must be a number in \[0, 180\]/);
    assert.throws(() => dd.augment(x, { zoom: 2 }), /option zoom must be a number in \[0, 0\.9\]/);
    assert.throws(() => dd.augment(tf.zeros([8, 8]), {}), /images must be a batch \[n, height, width, channels\]/);
    assert.throws(() => dd.augment(x, { rotate: 5 } as never), /rotate/);
    x.dispose();
  });
});
