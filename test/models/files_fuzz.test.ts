/**
 * Fuzzing the model files (issue 15, part 6): damaged model.json, .h5 (through h5wasm), .keras (through
 * fflate and h5wasm) and Keras configs of any shape give a model or deepdeck's own error, never a
 * crash, a hang, an unhandled rejection or a leaked tensor.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import fc from "fast-check";
import { zipSync } from "fflate";
import { kerasConfigOf } from "../../src/models/keras_config";
import { damaged, fuzzRuns } from "../support/fuzz";
import { dd, tf } from "../support/tf";

const scratch = mkdtempSync(join(tmpdir(), "deepdeck-fuzz-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

let h5Bytes: Uint8Array;
let configBytes: Uint8Array;
let modelJson: Uint8Array;
const tfjsDir = join(scratch, "tfjs");

before(async () => {
  await dd.ready();
  const m = tf.sequential({
    layers: [tf.layers.dense({ units: 4, activation: "relu", inputShape: [3] }), tf.layers.dense({ units: 2 })],
  });
  m.compile({ optimizer: "adam", loss: "meanSquaredError" });
  await dd.saveKeras(m, join(scratch, "good.h5"));
  await dd.saveModel(m, tfjsDir);
  h5Bytes = readFileSync(join(scratch, "good.h5"));
  configBytes = new TextEncoder().encode(JSON.stringify(kerasConfigOf(m)));
  modelJson = readFileSync(join(tfjsDir, "model.json"));
  m.dispose();
});

/** Load `file` with `load`: a model (disposed) or deepdeck's error starting with `prefix`, and no tensor left. */
async function loadsOrSays(load: () => Promise<tf.LayersModel>, prefix: string): Promise<void> {
  const before = tf.memory().numTensors;
  try {
    (await load()).dispose();
  } catch (e) {
    assert.ok(e instanceof Error, `rejected with a non-Error: ${String(e)}`);
    assert.ok(e.message.startsWith(prefix), `not deepdeck's error: ${e.name}: ${e.message}`);
  }
  assert.equal(tf.memory().numTensors, before, "no tensor left behind");
}

test("model.json: truncated, bit-flipped or overwritten", async () => {
  const file = join(tfjsDir, "model.json");
  await fc.assert(
    fc.asyncProperty(damaged(modelJson), async (bytes) => {
      writeFileSync(file, bytes);
      await loadsOrSays(() => dd.loadModel(tfjsDir), "loadModel: ");
    }),
    { numRuns: fuzzRuns(60) },
  );
});

test(".h5 through h5wasm: truncated, bit-flipped or overwritten", async () => {
  const file = join(scratch, "fuzz.h5");
  await fc.assert(
    fc.asyncProperty(damaged(h5Bytes), async (bytes) => {
      writeFileSync(file, bytes);
      await loadsOrSays(() => dd.loadKeras(file), "loadKeras: ");
    }),
    { numRuns: fuzzRuns(40) },
  );
});

test(".keras through fflate and h5wasm: the zip damaged, or its weights", async () => {
  const file = join(scratch, "fuzz.keras");
  const good = zipSync({ "config.json": configBytes, "model.weights.h5": h5Bytes });
  const zips = fc.oneof(
    damaged(good),
    damaged(h5Bytes).map((w) => zipSync({ "config.json": configBytes, "model.weights.h5": w })),
  );
  await fc.assert(
    fc.asyncProperty(zips, async (bytes) => {
      writeFileSync(file, bytes);
      await loadsOrSays(() => dd.loadKeras(file), "loadKeras: ");
    }),
    { numRuns: fuzzRuns(40) },
  );
});

test("the Keras config reader: damaged config.json, and JSON values of any shape", async () => {
  const file = join(scratch, "config.keras");
  const good = JSON.parse(new TextDecoder().decode(configBytes)) as { config: { layers: unknown[] } };
  const configs = fc.oneof(
    damaged(configBytes),
    fc.jsonValue().map((v) => new TextEncoder().encode(JSON.stringify(v))),
    fc.tuple(fc.nat({ max: good.config.layers.length - 1 }), fc.jsonValue()).map(([i, v]) => {
      const copy = structuredClone(good);
      copy.config.layers[i] = v;
      return new TextEncoder().encode(JSON.stringify(copy));
    }),
  );
  await fc.assert(
    fc.asyncProperty(configs, async (config) => {
      writeFileSync(file, zipSync({ "config.json": config, "model.weights.h5": h5Bytes }));
      await loadsOrSays(() => dd.loadKeras(file), "loadKeras: ");
    }),
    { numRuns: fuzzRuns(80) },
  );
});
