import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { join } from "node:path";
import { inspect } from "node:util";
import { formatValues, floatFormatter, summaryIndices } from "../../src/format/tensor_format";
import { matchSnapshot } from "../support/snapshot";
import { dd, noLeaks, tf } from "../support/tf";

const snap = (name: string, text: string) => matchSnapshot(join(__dirname, "snapshots", "tensor_format"), name, text);

before(async () => {
  await dd.ready();
});

describe("formatTensor (snapshot cases)", () => {
  test("int matrix", async () => {
    const x = tf.tensor2d(
      [
        [1, 2, 3],
        [40, 5, -6],
      ],
      undefined,
      "int32",
    );
    snap("int-matrix", await noLeaks(() => dd.formatTensor(x)));
    x.dispose();
  });
  test("float fixed point, aligned", () => {
    const x = tf.tensor1d([0.5, -1.25, 3, 100.125]);
    snap("float-fixed", dd.formatTensor(x));
    x.dispose();
  });
  test("floats that are whole numbers print as 1.", () => {
    const x = tf.tensor2d([
      [0, 1],
      [2, 255],
    ]);
    snap("float-integral", dd.formatTensor(x));
    x.dispose();
  });
  test("scientific when magnitudes are far apart", () => {
    const x = tf.tensor1d([1.5, 2e-6, -3e9]);
    snap("float-scientific", dd.formatTensor(x));
    x.dispose();
  });
  test("NaN and infinities", () => {
    const x = tf.tensor1d([NaN, Infinity, -Infinity, 0.5]);
    snap("float-special", dd.formatTensor(x));
    x.dispose();
  });
  test("bool and string", () => {
    const b = tf.tensor1d([true, false, true], "bool");
    const s = tf.tensor1d(["cat", "dog"], "string");
    snap("bool", dd.formatTensor(b));
    snap("string", dd.formatTensor(s));
    b.dispose();
    s.dispose();
  });
  test("scalar on one line", () => {
    const x = tf.scalar(Math.PI);
    snap("scalar", dd.formatTensor(x));
    x.dispose();
  });
  test("3-D blocks separated by blank lines", () => {
    const x = tf.range(0, 12, 1, "int32").reshape([2, 3, 2]);
    snap("rank3", dd.formatTensor(x));
    x.dispose();
  });
  test("a long row wraps at linewidth", () => {
    const x = tf.linspace(0, 1, 30);
    snap("wrapped-row", dd.formatTensor(x));
    x.dispose();
  });
  test("an MNIST-sized tensor is summarised and reads only what it shows", async () => {
    const values = new Int32Array(60000 * 28 * 28);
    values[0] = 7;
    values[values.length - 1] = 255;
    const x = tf.tensor3d(values, [60000, 28, 28], "int32");
    const text = await noLeaks(() => dd.formatTensor(x));
    snap("mnist-summary", text);
    assert.equal(text.split("\n").length, 50, "header, 6 blocks of 7 lines, the ... line and 6 blank separators");
    x.dispose();
  });
  test("per-call options override the global ones, which persist", () => {
    const x = tf.tensor1d([1 / 3, 2 / 3]);
    snap("precision-2", dd.formatTensor(x, { precision: 2 }));
    dd.setPrintOptions({ precision: 6 });
    try {
      assert.equal(dd.formatTensor(x).split("\n")[1], "[0.333333, 0.666667]");
      assert.equal(dd.getPrintOptions().precision, 6);
    } finally {
      dd.resetPrintOptions();
    }
    assert.equal(dd.formatTensor(x).split("\n")[1], "[0.3333, 0.6667]");
    x.dispose();
  });
  test("threshold and edgeitems summarise smaller tensors too", () => {
    const x = tf.range(0, 20, 1, "int32");
    assert.equal(dd.formatTensor(x, { threshold: 10, edgeitems: 2 }), "Tensor int32 [20]\n[ 0,  1, ..., 18, 19]");
    x.dispose();
  });
  test("a Variable says so, with its name", () => {
    const v = tf.variable(tf.zeros([2]), true, "weights");
    assert.equal(dd.formatTensor(v), 'Variable "weights" float32 [2]\n[0., 0.]');
    v.dispose();
  });
});

describe("console.log and util.inspect of tensors", () => {
  test("a tensor logs as its formatted text", async () => {
    const x = tf.tensor2d(
      [
        [1, 2],
        [3, 4],
      ],
      undefined,
      "int32",
    );
    assert.equal(inspect(x), "Tensor int32 [2, 2]\n[[1, 2],\n [3, 4]]");
    x.dispose();
  });
  test("nested in an object, a tensor is one line", async () => {
    const x = tf.tensor1d([5, 0, 4], "int32");
    assert.equal(inspect({ y: x }), "{ y: int32 [3] 5 0 4 }");
    x.dispose();
  });
  test("a disposed tensor says it is disposed instead of throwing", async () => {
    const x = tf.tensor1d([1, 2]);
    x.dispose();
    assert.equal(inspect(x), "Tensor float32 [2] (disposed)");
  });
});

describe("errors", () => {
  test("non-tensors, disposed tensors and bad options are named", () => {
    assert.throws(
      () => dd.formatTensor([1, 2] as never),
      /formatTensor: x must be a tf.Tensor, received an array of length 2/,
    );
    const x = tf.tensor1d([1]);
    x.dispose();
    assert.throws(() => dd.formatTensor(x), /formatTensor: x is a tensor that was already disposed/);
    const y = tf.tensor1d([1]);
    assert.throws(
      () => dd.formatTensor(y, { precision: -1 }),
      /option precision must be a whole number in \[0, 16\], received -1/,
    );
    assert.throws(
      () => dd.formatTensor(y, { precison: 2 } as never),
      /unknown option "precison"; known options are threshold, edgeitems, precision, linewidth/,
    );
    assert.throws(
      () => dd.setPrintOptions({ threshold: 1.5 }),
      /setPrintOptions: option threshold must be a whole number >= 0, received 1.5/,
    );
    y.dispose();
  });
});

describe("pure helpers", () => {
  test("summaryIndices keeps the edges of long axes only past threshold", () => {
    assert.deepEqual(summaryIndices([3, 10], { threshold: 100, edgeitems: 2 }), [
      [0, 1, 2],
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    ]);
    assert.deepEqual(summaryIndices([3, 10], { threshold: 5, edgeitems: 2 }), [
      [0, 1, 2],
      [0, 1, 8, 9],
    ]);
  });
  test("floatFormatter trims to the digits the values need", () => {
    const f = floatFormatter([0.5, 0.25], 4);
    assert.deepEqual([f(0.5), f(0.25)], ["0.50", "0.25"]);
  });
  test("formatValues marks cut axes with ...", () => {
    const text = formatValues({ data: [1, 2, 3, 4], shape: [1, 4], cut: [false, true] }, "int32", {
      precision: 4,
      linewidth: 75,
      edgeitems: 2,
    });
    assert.equal(text, "[[1, 2, ..., 3, 4]]");
  });
});
