/** Grad-CAM (beyond the R deck), on a model whose evidence is known by construction. */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { decodePng } from "../../src/image/png";
import { dd, noLeaks, tf } from "../support/tf";

before(async () => {
  await dd.ready();
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
