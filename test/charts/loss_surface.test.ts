/** The loss-surface race of optimizers (beyond the R deck), on surfaces whose minima are known. */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import Ajv from "ajv";
import { decodePng } from "../../src/image/png";
import { dd, noLeaks, tf } from "../support/tf";

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
