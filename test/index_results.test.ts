/**
 * Faults in the methods of what the public functions return (issue 15): Figure.save, DisplayHandle.update
 * and the LiveTraining callbacks, given bad arguments, say so in deepdeck's words; a failed save leaves
 * the previous file as it was and no temporary beside it.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { dd, noLeaks, tf } from "./support/tf";

const scratch = mkdtempSync(join(tmpdir(), "deepdeck-results-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** The exported classes, and where their methods with arguments are called with bad ones. */
const classes: Record<string, string> = {
  Figure: "save, below",
  DisplayHandle: "update, below",
  LiveTraining: "its callbacks, below and in test/charts/chart_faults.test.ts",
  Chart: "its methods take no arguments (toMimeBundle, inspect)",
  Html: "its methods take no arguments (toMimeBundle, toString, inspect)",
};

describe("methods of the results", () => {
  let figure: dd.Figure;
  let image: tf.Tensor;
  before(async () => {
    await dd.ready();
    image = tf.randomUniform([8, 8, 1], 0, 1, "float32", 1);
    figure = dd.imageFigure(image);
  });
  after(() => image.dispose());

  test("Figure.save: a path of the wrong type or extension, or SVG of a figure without text", () => {
    assert.throws(() => figure.save(42 as never), {
      message: "Figure.save: path must end in .png or .svg, received 42.",
    });
    assert.throws(() => figure.save(join(scratch, "f.jpg")), /^Error: Figure\.save: path must end in \.png or \.svg/);
    assert.throws(() => figure.save(join(scratch, "f.svg")), {
      message: "Figure.save: this figure has no SVG form (it has no text); save it as .png.",
    });
  });

  test("Figure.save: a parent that is a file, a folder in the way, a folder the system refuses", () => {
    const underFile = join(__filename, "f.png");
    assert.throws(() => figure.save(underFile), {
      message: `Figure.save: cannot save to ${JSON.stringify(underFile)}: its parent ${__filename} is a file, not a folder; choose a path inside a folder.`,
    });
    const folder = join(scratch, "folder.png");
    mkdirSync(folder);
    assert.throws(() => figure.save(folder), {
      message: `Figure.save: cannot save to ${JSON.stringify(folder)}: it is a folder; give the path of a file to write.`,
    });
    if (process.platform === "linux")
      assert.throws(() => figure.save("/proc/sys/deepdeck/f.png"), {
        message:
          'Figure.save: cannot save to "/proc/sys/deepdeck/f.png": the system does not let files be created in /proc/sys; choose a path elsewhere.',
      });
  });

  test("Figure.save over an old file writes it whole; a failed one leaves it and no temporary", () => {
    const file = join(scratch, "kept.png");
    writeFileSync(file, "old");
    figure.save(file);
    const png = readFileSync(file);
    assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47], "a PNG");
    assert.throws(() => figure.save(join(file, "x.png")), /its parent .*kept\.png is a file/);
    assert.deepEqual(readFileSync(file), png);
    assert.deepEqual(
      readdirSync(scratch).filter((f) => f.includes(".tmp-")),
      [],
    );
  });

  test("DisplayHandle.update: each kind of bad value, and an unknown option", () => {
    const previous = dd.setDisplaySink(() => {});
    try {
      const h = dd.newDisplay();
      for (const [value, received] of [
        [image, "received a Tensor"],
        [42, "received 42"],
        [() => 1, "received a function"],
        [null, "received null"],
      ] as const)
        assert.throws(
          () => h.update(value as never),
          (e: Error) => e.message.startsWith("DisplayHandle.update: ") && e.message.includes(received),
          String(value),
        );
      assert.throws(() => h.update("text", { nope: 1 } as never), {
        message: 'DisplayHandle.update: unknown option "nope"; known options are metadata.',
      });
      h.update("text");
    } finally {
      dd.setDisplaySink(previous);
    }
  });

  test("LiveTraining: its callbacks given no logs, or logs of no numbers, draw without a tensor left", async () => {
    const previous = dd.setDisplaySink(() => {});
    try {
      const live = dd.liveTraining({ chart: true });
      live.setParams({ epochs: 1, samples: 10, batchSize: 5 });
      await noLeaks(async () => {
        await live.onTrainBegin();
        await live.onEpochBegin(0);
        await live.onBatchEnd(0);
        await live.onBatchEnd(1, { loss: "x" });
        await live.onEpochEnd(0);
        await live.onTrainEnd();
      });
      assert.deepEqual(live.history, [{}]);
    } finally {
      dd.setDisplaySink(previous);
    }
  });

  test("every exported class is listed here with where its methods are tested", () => {
    const exported = Object.entries(dd)
      .filter(([, v]) => typeof v === "function" && /^class\b/.test(Function.prototype.toString.call(v)))
      .map(([k]) => k)
      .sort();
    assert.deepEqual(exported, Object.keys(classes).sort());
  });
});
