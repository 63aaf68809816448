/**
 * Damaged model files (issue 15): each error names the file, says it is damaged or truncated and what
 * to do, keeps the library's words as the cause, leaves no tensor behind, and HDF5 prints nothing on
 * stderr. The loads run in a child process so its stderr can be read whole.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { zipSync } from "fflate";
import { kerasConfigOf } from "../../src/models/keras_config";
import { dd, tf } from "../support/tf";

const scratch = mkdtempSync(join(tmpdir(), "deepdeck-damaged-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
const esc = (s: string) => s.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&");

interface Outcome {
  file: string;
  message: string;
  cause: string;
  leaked: number;
}

function loadInChild(loader: string, files: string[]): { outcomes: Outcome[]; stderr: string } {
  const run = spawnSync(
    process.execPath,
    ["--import", "tsx", join(__dirname, "fixtures", "load_damaged.ts"), loader, ...files],
    { encoding: "utf8", env: process.env, timeout: 300_000 },
  );
  assert.equal(run.status, 0, run.stderr);
  const outcomes = run.stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Outcome);
  return { outcomes, stderr: run.stderr };
}

const model = () =>
  tf.sequential({
    layers: [
      tf.layers.dense({ units: 8, activation: "relu", inputShape: [16] }),
      tf.layers.dense({ units: 3, activation: "softmax" }),
    ],
  });

describe("damaged Keras files", () => {
  const files: Record<string, string> = {};
  before(async () => {
    await dd.ready();
    const m = model();
    const good = join(scratch, "good.h5");
    await dd.saveKeras(m, good);
    const bytes = readFileSync(good);
    files["truncated.h5"] = join(scratch, "truncated.h5");
    writeFileSync(files["truncated.h5"], bytes.subarray(0, Math.floor(bytes.length / 2)));
    files["headerOnly.h5"] = join(scratch, "header_only.h5");
    writeFileSync(files["headerOnly.h5"], bytes.subarray(0, 600));
    const config = new TextEncoder().encode(JSON.stringify(kerasConfigOf(m)));
    files["truncatedWeights.keras"] = join(scratch, "truncated_weights.keras");
    writeFileSync(
      files["truncatedWeights.keras"],
      zipSync({ "config.json": config, "model.weights.h5": bytes.subarray(0, Math.floor(bytes.length / 3)) }),
    );
    files["badConfig.keras"] = join(scratch, "bad_config.keras");
    writeFileSync(
      files["badConfig.keras"],
      zipSync({
        "config.json": new TextEncoder().encode('{"class_name": "Sequential",\n "config": {"layers": [}'),
        "model.weights.h5": bytes,
      }),
    );
    m.dispose();
  });

  test("each error names the file and says it is damaged; no tensor left; nothing from HDF5 on stderr", () => {
    const { outcomes, stderr } = loadInChild("loadKeras", Object.values(files));
    assert.doesNotMatch(stderr, /HDF5|DIAG/, "HDF5's diagnostics stay off stderr");
    assert.equal(stderr.trim(), "", "nothing on stderr at all");
    const by = Object.fromEntries(outcomes.map((o) => [o.file, o]));
    for (const key of ["truncated.h5", "headerOnly.h5"]) {
      const o = by[files[key]!]!;
      assert.match(
        o.message,
        new RegExp(
          `^Error: loadKeras: ${esc(files[key]!)} is damaged, truncated or not an HDF5 file: the HDF5 library cannot open it\\. Save or download it again\\.$`,
        ),
      );
      assert.match(o.cause, /HDF5-DIAG: Error detected in HDF5/, "HDF5's own words are the cause");
      assert.equal(o.leaked, 0);
    }
    const weights = by[files["truncatedWeights.keras"]!]!;
    assert.match(
      weights.message,
      new RegExp(
        `^Error: loadKeras: model.weights.h5 in ${esc(files["truncatedWeights.keras"]!)} is damaged, truncated or not an HDF5 file`,
      ),
    );
    assert.doesNotMatch(weights.message, /deepdeck-keras-/, "never the private temporary name");
    assert.equal(weights.leaked, 0, "the model built from config.json is disposed");
    const config = by[files["badConfig.keras"]!]!;
    assert.match(
      config.message,
      new RegExp(
        `^Error: loadKeras: config.json in ${esc(files["badConfig.keras"]!)} is not valid JSON \\(.+ at line 2, column 24\\); the file is damaged: save or download it again\\.$`,
      ),
    );
    assert.equal(config.leaked, 0);
  });
});

describe("damaged tfjs model folders", () => {
  test("model.json that is not JSON, or has a bad manifest: the file and the place", async () => {
    await dd.ready();
    const dir = join(scratch, "tfjs");
    const m = model();
    await dd.saveModel(m, dir);
    m.dispose();
    const json = join(dir, "model.json");
    const good = readFileSync(json, "utf8");
    writeFileSync(json, good.slice(0, 40));
    await assert.rejects(
      dd.loadModel(dir),
      new RegExp(
        `^Error: loadModel: ${esc(json)} is not valid JSON \\(.+ at line 1, column 41\\); the file is damaged`,
      ),
    );
    const parsed = JSON.parse(good) as { weightsManifest: { weights: unknown }[] };
    parsed.weightsManifest[0]!.weights = "nope";
    writeFileSync(json, JSON.stringify(parsed));
    await assert.rejects(dd.loadModel(dir), /loadModel: .*model.json has a weightsManifest that is not tfjs's/);
  });

  test("weight files named outside the model's folder are refused, naming model.json and the path", async () => {
    await dd.ready();
    const dir = join(scratch, "confined");
    const m = model();
    await dd.saveModel(m, join(dir, "inner"));
    await dd.saveModel(m, join(dir, "other"));
    m.dispose();
    const json = join(dir, "inner", "model.json");
    const good = JSON.parse(readFileSync(json, "utf8")) as { weightsManifest: { paths: string[] }[] };
    const shard = good.weightsManifest[0]!.paths[0]!;
    // Each of these names a real shard of the same model, so only the confinement can refuse it.
    for (const outside of [`../other/${shard}`, join(dir, "other", shard), `sub/../../other/${shard}`, "."]) {
      const copy = structuredClone(good);
      copy.weightsManifest[0]!.paths = [outside];
      writeFileSync(json, JSON.stringify(copy));
      const before = tf.memory().numTensors;
      await assert.rejects(dd.loadModel(join(dir, "inner")), {
        message: `loadModel: ${json} lists the weight file ${JSON.stringify(outside)}, which is outside its folder; a model.json may name only files in its own folder, so this one is damaged or not to be trusted.`,
      });
      assert.equal(tf.memory().numTensors, before, outside);
    }
    // A shard in a subfolder is inside: it loads.
    mkdirSync(join(dir, "inner", "w"));
    renameSync(join(dir, "inner", shard), join(dir, "inner", "w", shard));
    const copy = structuredClone(good);
    copy.weightsManifest[0]!.paths = [`w/${shard}`];
    writeFileSync(json, JSON.stringify(copy));
    const back = await dd.loadModel(join(dir, "inner"));
    back.optimizer?.dispose();
    back.dispose();
  });
});
