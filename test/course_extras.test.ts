/**
 * The "beyond the R deck" helpers: the loss-surface race of optimizers, Grad-CAM and data augmentation,
 * on inputs whose answers are known.
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import Ajv from "ajv";
import { decodePng } from "../src/image/png";
import { dd, noLeaks, tf } from "./support/tf";

let validate: (spec: unknown) => void;
before(async () => {
  await dd.ready();
  const ajv = new Ajv({ allErrors: false, strict: false, validateFormats: false });
  const check = ajv.compile(require("vega-lite/build/vega-lite-schema.json"));
  validate = (spec) => {
    if (!check(spec)) assert.fail(`not a valid Vega-Lite spec: ${ajv.errorsText(check.errors)}`);
  };
});

const bowl = (x: tf.Tensor, y: tf.Tensor) => tf.add(tf.square(x), tf.square(y));

describe("optimizers on a loss surface", () => {
  test("optimizerPath: plain SGD on x² + y² shrinks the point by 1 - 2·lr each step, and leaves nothing behind", async () => {
    const points = await noLeaks(() => dd.optimizerPath(bowl, tf.train.sgd(0.1), [1, -2], 5));
    assert.equal(points.length, 6, "the start and one point per step");
    points.forEach(([x, y], k) => {
      assert.ok(Math.abs(x - 0.8 ** k) < 1e-6, `step ${k}: x = ${x}`);
      assert.ok(Math.abs(y + 2 * 0.8 ** k) < 1e-6, `step ${k}: y = ${y}`);
    });
  });
  test("optimizerPath: momentum overshoots where SGD with the same rate does not; Adam's state is disposed with it", async () => {
    const valley = (x: tf.Tensor, y: tf.Tensor) => tf.add(tf.div(tf.square(x), 20), tf.square(y));
    const sgd = dd.optimizerPath(valley, tf.train.sgd(0.1), [-4, 0], 30);
    const momentum = dd.optimizerPath(valley, tf.train.momentum(0.1, 0.9), [-4, 0], 30);
    assert.ok(
      sgd.every(([x]) => x <= 0),
      "SGD creeps towards 0 from one side",
    );
    assert.ok(
      momentum.some(([x]) => x > 0),
      "momentum passes the minimum",
    );
    await noLeaks(() => dd.optimizerPath(valley, tf.train.adam(0.3), [-4, 1], 10));
  });
  test("the contour lines lie on the levels asked for", async () => {
    // f = x: the level 0.25 is the vertical line x = 0.25 (a check of the grid-to-data mapping).
    const line = (await dd.lossSurfaceSpec((x) => tf.add(x, tf.mul(x, 0)), [{ name: "none", points: [[0, 0]] }], {
      x: [-1, 1],
      y: [-1, 1],
      levels: [0.25],
      resolution: 41,
    })) as { layer: { data: { values: { x: number; y: number }[] } }[] };
    validate(line);
    const onLevel = line.layer[0]!.data.values;
    assert.ok(onLevel.length > 10);
    // d3's polygons also run along the grid's border; those stretches are cut away.
    assert.ok(
      onLevel.every((p) => Math.abs(p.x - 0.25) < 1e-6),
      `points off x = 0.25: ${JSON.stringify(onLevel.filter((p) => Math.abs(p.x - 0.25) >= 1e-6).slice(0, 3))}`,
    );
    // x² + y² = 1 is the unit circle, to within the grid's linear interpolation.
    const circle = (await dd.lossSurfaceSpec(bowl, [{ name: "none", points: [[0, 0]] }], {
      x: [-2, 2],
      y: [-2, 2],
      levels: [1],
      resolution: 81,
    })) as typeof line;
    const radii = circle.layer[0]!.data.values.map((p) => Math.hypot(p.x, p.y));
    assert.ok(
      radii.every((r) => Math.abs(r - 1) < 0.01),
      `radii from ${Math.min(...radii)} to ${Math.max(...radii)}`,
    );
  });
  test("plotLossSurface sends Vega-Lite, SVG, PNG and where each optimizer ended", async () => {
    const paths = [
      { name: "SGD", points: dd.optimizerPath(bowl, tf.train.sgd(0.1), [1.5, 1], 20) },
      { name: "Adam", points: dd.optimizerPath(bowl, tf.train.adam(0.2), [1.5, 1], 20) },
    ];
    const sent: Record<string, unknown>[] = [];
    dd.setDisplaySink((m) => sent.push(m.data));
    try {
      await noLeaks(() => dd.plotLossSurface(bowl, paths, { title: "x² + y²" }));
    } finally {
      dd.setDisplaySink();
    }
    assert.equal(sent.length, 1);
    const bundle = sent[0]!;
    validate(bundle[dd.vegaLiteMime]);
    assert.match(String(bundle["image/svg+xml"]), /^<svg/);
    assert.ok(decodePng(Buffer.from(String(bundle["image/png"]), "base64")).width > 300);
    const text = String(bundle["text/plain"]);
    assert.match(text, /SGD: 20 steps, ends at \(0\.0[0-9]+, 0\.0[0-9]+\), loss [0-9.e-]+/);
    assert.match(text, /Adam: 20 steps/);
  });
  test("bad arguments are named", async () => {
    await assert.rejects(
      dd.lossSurfaceSpec(bowl, [{ name: "a", points: [] }]),
      /paths\[0\] must be \{ name: string, points: \[x, y\]\[\] \}/,
    );
    await assert.rejects(
      dd.lossSurfaceSpec(bowl, [{ name: "a", points: [[0, 0]] }], { x: [1, -1] }),
      /option x must be \[min, max\] with min < max/,
    );
    await assert.rejects(
      dd.lossSurfaceSpec(() => tf.scalar(1), [{ name: "a", points: [[0, 0]] }]),
      /must return one value per \(x, y\)/,
    );
    await assert.rejects(dd.lossSurfaceSpec(bowl, [{ name: "a", points: [[0, 0]] }], { level: 3 } as never), /level/);
    assert.throws(() => dd.optimizerPath(bowl, "adam" as never, [0, 0], 3), /optimizer must be a tf\.train optimizer/);
    assert.throws(() => dd.optimizerPath(bowl, tf.train.sgd(0.1), [0] as never, 3), /start must be \[x, y\]/);
  });
});

/** input [8, 8, 1] → 1×1 conv (weight 1, linear) → flatten → dense(2): class 0 adds every pixel, class 1 subtracts them. */
function probeModel(): tf.Sequential {
  const model = tf.sequential();
  model.add(
    tf.layers.conv2d({
      inputShape: [8, 8, 1],
      filters: 1,
      kernelSize: 1,
      kernelInitializer: "ones",
      biasInitializer: "zeros",
      name: "probe_conv",
    }),
  );
  model.add(tf.layers.flatten());
  const dense = tf.layers.dense({ units: 2, name: "probe_dense" });
  model.add(dense);
  dense.setWeights([tf.concat([tf.ones([64, 1]), tf.fill([64, 1], -1)], 1), tf.zeros([2])]);
  return model;
}

describe("Grad-CAM", () => {
  test("the heatmap marks where the evidence for the class is", async () => {
    const model = probeModel();
    // Bright on the left half, dark on the right.
    const image = tf.concat([tf.ones([8, 4, 1]), tf.zeros([8, 4, 1])], 1);
    await noLeaks(() => {
      const { heatmap, classIndex, layerName } = dd.gradCam(model, image);
      assert.equal(classIndex, 0, "the predicted class");
      assert.equal(layerName, "probe_conv", "the 8×8 conv layer, the only 4-D one");
      assert.deepEqual(heatmap.shape, [8, 8]);
      const rows = heatmap.arraySync();
      for (const row of rows) {
        row.slice(0, 4).forEach((v) => assert.ok(Math.abs(v - 1) < 1e-5, `left ${v}`));
        row.slice(4).forEach((v) => assert.ok(Math.abs(v) < 1e-5, `right ${v}`));
      }
      heatmap.dispose();
      // Class 1 has only negative evidence here: an all-zero map, not NaN.
      const against = dd.gradCam(model, image, { classIndex: 1 });
      assert.ok(against.heatmap.dataSync().every((v) => v === 0));
      against.heatmap.dispose();
    });
    tf.dispose(image);
    model.dispose();
  });
  test("the overlay figure: image, heatmap and overlay for each image, on a course-shaped convnet", async () => {
    const model = tf.sequential();
    model.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 4, kernelSize: 3, activation: "relu" }));
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    model.add(tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: "relu" }));
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    model.add(tf.layers.flatten());
    model.add(tf.layers.dense({ units: 10, activation: "softmax" }));
    const images = tf.randomUniform([2, 28, 28, 1], 0, 1, "float32", 3);
    const figure = await noLeaks(() => dd.gradCamOverlayFigure(model, images, { scale: 2 }));
    assert.match(figure.description, /grid of 6 images 28x28 in 3 columns.*Grad-CAM on conv2d/);
    const png = decodePng(figure.png);
    assert.ok(png.width > 3 * 56 && png.height > 2 * 56, `${png.width}×${png.height}`);
    assert.equal(
      dd.gradCam(model, images.slice(0, 1)).layerName,
      model.layers[2]!.name,
      "the last 4-D layer of at least 7×7 (11×11), not the 5×5 pool",
    );
    assert.throws(() => dd.gradCam(model, images), /image must be one image/);
    assert.throws(
      () => dd.gradCam(model, images.slice(0, 1), { layer: "nope" }),
      /option layer "nope" is not a layer of the model; its layers are conv2d/,
    );
    assert.throws(() => dd.gradCam(model, images.slice(0, 1), { classIndex: 10 }), /classIndex/);
    const dense = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 2 })] });
    assert.throws(() => dd.gradCam(dense, tf.zeros([1, 4, 1, 1])), /no layer with a 4-D output/);
    tf.dispose(images);
    model.dispose();
    dense.dispose();
  });
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
