import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { dd, tf } from "./support/tf";

before(() => dd.ready());

describe("setSeed", () => {
  test("makes unseeded TensorFlow.js randomness repeat", () => {
    const draw = () => {
      dd.setSeed(2022);
      return tf.tidy(() =>
        Array.from(tf.randomUniform([5]).dataSync()).concat(
          Array.from(tf.initializers.glorotUniform({}).apply([2, 2]).dataSync()),
        ),
      );
    };
    const original = Math.random;
    try {
      assert.deepEqual(draw(), draw());
      dd.setSeed(7);
      const other = tf.tidy(() => Array.from(tf.randomUniform([5]).dataSync()));
      assert.notDeepEqual(other, draw().slice(0, 5));
      assert.throws(
        () => dd.setSeed(-1),
        /setSeed: option seed must be a whole number in \[0, 4294967295\], received -1/,
      );
    } finally {
      Math.random = original;
    }
  });
});
