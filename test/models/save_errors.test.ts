/**
 * Saving (issue 15, part 4): errors in deepdeck's words naming the target the user gave, never a
 * temporary name; no tensor left behind; a save that fails midway leaves the previous model as it was.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
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
      assert.equal((e.cause as NodeJS.ErrnoException).code, "ENOTDIR", "the system's error is the cause");
      return true;
    });
    await assert.rejects(
      dd.saveKeras(m, join(__filename, "m.h5")),
      /^Error: saveKeras: cannot save to ".*save_errors.test.ts[\\/]m.h5": its parent .* is a file, not a folder/,
    );
    m.dispose();
  });

  test("a target that is a file (saveModel) or a folder (saveKeras): the same catalogue's words", async () => {
    const m = compiledModel();
    await assert.rejects(dd.saveModel(m, __filename), {
      message: `saveModel: cannot save to ${JSON.stringify(__filename)}: it is a file, and saveModel writes a folder (model.json and weight files); give a folder path.`,
    });
    const folder = join(scratch, "folder.h5");
    mkdirSync(folder);
    await assert.rejects(dd.saveKeras(m, folder), {
      message: `saveKeras: cannot save to ${JSON.stringify(folder)}: it is a folder; give the path of a file to write.`,
    });
    assert.deepEqual(readdirSync(folder), [], "the folder is left as it was");
    m.dispose();
  });

  // procfs refuses new entries with ENOENT, on which Node's recursive mkdir spun forever (see makeDirs).
  test(
    "a folder the system will not write in (/proc/sys): deepdeck's sentence, for each format",
    { skip: process.platform !== "linux" && "procfs is Linux's" },
    async () => {
      const m = compiledModel();
      const cases: [string, () => Promise<unknown>, string][] = [
        ["/proc/sys/deepdeck-test/model", () => dd.saveModel(m, "/proc/sys/deepdeck-test/model"), "saveModel"],
        ["/proc/sys/model", () => dd.saveModel(m, "/proc/sys/model"), "saveModel"],
        ["/proc/sys/deepdeck-test/m.h5", () => dd.saveKeras(m, "/proc/sys/deepdeck-test/m.h5"), "saveKeras"],
        ["/proc/sys/m.keras", () => dd.saveKeras(m, "/proc/sys/m.keras"), "saveKeras"],
      ];
      for (const [target, save, fn] of cases) {
        await noLeaks(() =>
          assert.rejects(save(), {
            message: `${fn}: cannot save to ${JSON.stringify(target)}: the system does not let files be created in /proc/sys; choose a path elsewhere.`,
          }),
        );
      }
      m.dispose();
    },
  );

  test("a save that fails midway (past ulimit -f) leaves the previous model intact, and says why", () => {
    const dir = join(scratch, "kept");
    const keras = join(scratch, "kept.h5");
    const zip = join(scratch, "kept.keras");
    const run = spawnSync(
      "bash",
      [
        "-c",
        `trap '' XFSZ; ulimit -f 2048; exec "${process.execPath}" --import tsx "${join(__dirname, "fixtures", "save_past_limit.ts")}" "$0" "$1" "$2"`,
        dir,
        keras,
        zip,
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
    assert.match(out["saveKeras .keras"]!.message, /^Error: saveKeras: cannot save to ".*kept.keras": /);
    assert.doesNotMatch(out["saveKeras .keras"]!.message, /tmp-\d+/, "never the temporary name");
    assert.equal(out["saveKeras .keras"]!.leaked, 0);
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

  test("the previous .h5 and .keras survive a failed saveKeras and still load", async () => {
    for (const file of ["kept.h5", "kept.keras"]) {
      const back = await dd.loadKeras(join(scratch, file));
      assert.equal(back.layers[0]!.weights[0]!.shape.join(","), "4,3", file);
      back.optimizer?.dispose();
      back.dispose();
    }
  });
});
