/**
 * Saving (issue 15, part 4): errors in deepdeck's words naming the target the user gave, never a
 * temporary name; no tensor left behind; a save that fails midway leaves the previous model as it was.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { dd, noLeaks, tf } from "../support/tf";

const scratch = mkdtempSync(join(tmpdir(), "deepdeck-save-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

const compiledModel = () => {
  const m = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4] })] });
  m.compile({ optimizer: "adam", loss: "meanSquaredError" });
  return m;
};

describe("saving", () => {
  before(() => dd.ready());

  test("saveModel leaves no tensor behind, with and without the optimizer, saved or failed", async () => {
    const m = compiledModel();
    await noLeaks(() => dd.saveModel(m, join(scratch, "a")));
    await noLeaks(() => dd.saveModel(m, join(scratch, "a"), { includeOptimizer: false }));
    await noLeaks(() => assert.rejects(dd.saveModel(m, join(__filename, "model"))));
    assert.equal(typeof (m.optimizer as unknown as Record<string, unknown>)["hasOwnProperty"], "function");
    assert.ok(!Object.prototype.hasOwnProperty.call(m.optimizer, "getWeights"), "the optimizer is left as it was");
    m.dispose();
  });

  test("a target under a file: deepdeck's sentence with the user's path", async () => {
    const m = compiledModel();
    const target = join(__filename, "model");
    await assert.rejects(dd.saveModel(m, target), (e: Error) => {
      assert.equal(
        e.message,
        `saveModel: cannot save to ${JSON.stringify(target)}: its parent ${__filename} is a file, not a folder; choose a path inside a folder.`,
      );
      assert.equal((e.cause as NodeJS.ErrnoException).code, "EEXIST", "the system's error is the cause");
      return true;
    });
    await assert.rejects(
      dd.saveKeras(m, join(__filename, "m.h5")),
      /^Error: saveKeras: cannot save to ".*save_errors.test.ts[\\/]m.h5": its parent .* is a file, not a folder/,
    );
    m.dispose();
  });

  test("a save that fails midway (past ulimit -f) leaves the previous model intact, and says why", () => {
    const dir = join(scratch, "kept");
    const keras = join(scratch, "kept.h5");
    const run = spawnSync(
      "bash",
      [
        "-c",
        `trap '' XFSZ; ulimit -f 2048; exec "${process.execPath}" --import tsx "${join(__dirname, "fixtures", "save_past_limit.ts")}" "$0" "$1"`,
        dir,
        keras,
      ],
      { encoding: "utf8", env: process.env, timeout: 300_000 },
    );
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout.split("\n").find((l) => l.startsWith("{"))!) as Record<
      string,
      { message: string; leaked: number }
    >;
    assert.equal(
      out["saveModel"]!.message,
      `Error: saveModel: cannot save to ${JSON.stringify(dir)}: the file grew past the size this process may write (ulimit -f).`,
    );
    assert.equal(out["saveModel"]!.leaked, 0);
    assert.match(out["saveKeras"]!.message, /^Error: saveKeras: cannot save to ".*kept.h5": /);
    assert.doesNotMatch(out["saveKeras"]!.message, /tmp-\d+/, "never the temporary name");
    assert.equal(out["saveKeras"]!.leaked, 0);
    assert.deepEqual(readdirSync(dir).sort(), ["group1-shard1of1.bin", "model.json"]);
    const json = JSON.parse(readFileSync(join(dir, "model.json"), "utf8")) as {
      modelTopology: { config: { layers: { config: { units: number } }[] } };
    };
    assert.equal(json.modelTopology.config.layers[0]!.config.units, 3, "the small model is still there");
    // The kernel and bias, and Adam's iteration count (its moments exist only once it has trained).
    assert.equal(readFileSync(join(dir, "group1-shard1of1.bin")).length, (4 * 3 + 3) * 4 + 4);
    assert.deepEqual(
      readdirSync(scratch).filter((f) => f.includes(".tmp-")),
      [],
      "no temporary left beside the targets",
    );
  });

  test("the previous .h5 survives a failed saveKeras and still loads", async () => {
    const keras = join(scratch, "kept.h5");
    const back = await dd.loadKeras(keras);
    assert.equal(back.layers[0]!.weights[0]!.shape.join(","), "4,3");
    back.dispose();
  });
});
