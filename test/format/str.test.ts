import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { dd, noLeaks, tf } from "../support/tf";

before(async () => {
  await dd.ready();
});

describe("str", () => {
  test("a tensor: dtype, shape and the first ten values, like R's str", async () => {
    const x = tf.zeros([60000, 28, 28], "int32");
    assert.equal(await noLeaks(() => dd.str(x)), "int32 [60000, 28, 28] 0 0 0 0 0 0 0 0 0 0 ...");
    x.dispose();
  });
  test("short tensors show every value and no ellipsis", () => {
    const x = tf.tensor1d([12, 3, 6, 14, 10]);
    assert.equal(dd.str(x), "float32 [5] 12 3 6 14 10");
    x.dispose();
  });
  test("floats show three significant digits, as R does", () => {
    const x = tf.tensor1d([1 / 3, 2.71828, 1234.5]);
    assert.equal(dd.str(x), "float32 [3] 0.333 2.72 1230");
    x.dispose();
  });
  test("a dataset object lists its members with R's indentation", async () => {
    const mnist = {
      train: { x: tf.zeros([60000, 28, 28], "int32"), y: tf.tensor1d([5, 0, 4, 1, 9, 2, 1, 3, 1, 4, 3], "int32") },
      test: { x: tf.zeros([10000, 28, 28], "int32"), y: tf.tensor1d([7, 2, 1, 0, 4, 1, 4, 9, 5, 9, 0], "int32") },
    };
    const text = await noLeaks(() => dd.str(mnist));
    assert.equal(
      text,
      [
        "Object of 2",
        " $ train:Object of 2",
        "  ..$ x: int32 [60000, 28, 28] 0 0 0 0 0 0 0 0 0 0 ...",
        "  ..$ y: int32 [11] 5 0 4 1 9 2 1 3 1 4 ...",
        " $ test :Object of 2",
        "  ..$ x: int32 [10000, 28, 28] 0 0 0 0 0 0 0 0 0 0 ...",
        "  ..$ y: int32 [11] 7 2 1 0 4 1 4 9 5 9 ...",
      ].join("\n"),
    );
    tf.dispose(mnist);
  });
  test("plain values, arrays and typed arrays", () => {
    assert.equal(dd.str(10), "number 10");
    assert.equal(dd.str([12, 3, 6, 14, 10]), "number[5] 12 3 6 14 10");
    assert.equal(dd.str(new Float32Array([0.5, 0.25])), "Float32Array[2] 0.5 0.25");
    assert.equal(dd.str({ a: 1, bb: "x" }), 'Object of 2\n $ a : number 1\n $ bb: string "x"');
  });
  test("options and errors", () => {
    const x = tf.tensor1d([1, 2, 3, 4], "int32");
    assert.equal(dd.str(x, { values: 2 }), "int32 [4] 1 2 ...");
    assert.throws(() => dd.str(x, { values: -1 }), /str: option values must be a whole number >= 0, received -1/);
    assert.throws(() => dd.str(x, { vec: 2 } as never), /str: unknown option "vec"/);
    x.dispose();
    assert.throws(() => dd.str(x), /str: x is a tensor that was already disposed/);
  });
});
