/**
 * A cache of training runs (`DEEPDECK_FIT_CACHE=<folder>`), so re-running a notebook or re-knitting the
 * deck after a change elsewhere does not retrain every model. `model.fit` is keyed by everything that
 * decides its result: the model's architecture, its weights and optimizer state before training, the
 * compile settings, the training and validation data (their bytes), the fit arguments, the backend and
 * the TensorFlow.js version. On a hit, the trained weights, optimizer state and history of the earlier
 * run are restored and replayed through the callbacks epoch by epoch (a live chart redraws as it did);
 * on a miss, fit runs and its result is stored. Off unless the variable is set; off in quick mode.
 *
 * Random draws (dropout masks, shuffling) come from Math.random: after `dd.setSeed`, the generator's
 * position is part of the key and is restored after the run, so a seeded notebook continues exactly as
 * if it had trained. An unseeded run restored from the cache is one sample of what training would give.
 */
import * as tf from "@tensorflow/tfjs";
import { createHash } from "node:crypto";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { makeDirs, replaceDirAtomic } from "../io/atomic_write";
import { join } from "node:path";
import { quickMode } from "../quick";
import { randomState, setRandomState } from "../seed";

type FitArgs = tf.ModelFitArgs & Record<string, unknown>;
type NamedTensor = { name: string; tensor: tf.Tensor };
export type Fit = (
  this: tf.LayersModel,
  x: tf.Tensor | tf.Tensor[],
  y: tf.Tensor | tf.Tensor[],
  args?: FitArgs,
) => Promise<tf.History>;

/** The folder of the cache, or null when it is off. */
export function fitCacheDir(): string | null {
  const dir = process.env["DEEPDECK_FIT_CACHE"];
  return dir && !quickMode() ? dir : null;
}

interface Stored {
  version: 1;
  weights: { shape: number[]; dtype: string }[];
  optimizer: { name: string; shape: number[]; dtype: string }[];
  history: { epoch: number[]; history: Record<string, number[]>; params: Record<string, unknown> };
  trainedSeconds: number;
  /** Where dd.setSeed's generator stood after training (null when unseeded): restored with the weights. */
  randomStateAfter: number | null;
}

function tensors(v: tf.Tensor | tf.Tensor[] | Record<string, tf.Tensor> | undefined): tf.Tensor[] {
  if (v === undefined || v === null) return [];
  if (v instanceof tf.Tensor) return [v];
  return Array.isArray(v) ? v : Object.values(v);
}

function hashTensors(h: ReturnType<typeof createHash>, list: tf.Tensor[]): void {
  for (const t of list) {
    h.update(`${t.dtype}[${t.shape.join(",")}]`);
    const data = t.dataSync();
    h.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
}

/** The fit arguments that decide the result, as JSON (callbacks and tensors are left out; tensors are hashed apart). */
function argsJson(args: FitArgs): string {
  const {
    callbacks: _callbacks,
    validationData: _validationData,
    verbose: _verbose,
    yieldEvery: _yieldEvery,
    ...rest
  } = args;
  return JSON.stringify(rest, Object.keys(rest).sort());
}

async function fitKey(
  model: tf.LayersModel,
  x: tf.Tensor | tf.Tensor[],
  y: tf.Tensor | tf.Tensor[],
  args: FitArgs,
): Promise<string> {
  const h = createHash("sha256");
  // The version of what deepdeck's training computes, raised whenever a change alters it, so a stored run
  // is never one older arithmetic gave (2: Keras's cross-entropy gradient; 3: Keras's Adam on every backend).
  h.update(`deepdeck-fit-3|${tf.version_core}|${tf.getBackend()}|`);
  // Layer names change with every model built in a session (dense_Dense1, dense_Dense4, ...): they are not part of the key.
  h.update(
    JSON.stringify(model.layers.map((l) => ({ cls: l.getClassName(), config: { ...l.getConfig(), name: undefined } }))),
  );
  const m = model as unknown as { loss: unknown; metricsNames?: string[] };
  h.update(
    JSON.stringify({
      loss: m.loss,
      metrics: m.metricsNames,
      optimizer: model.optimizer?.getClassName(),
      config: model.optimizer?.getConfig(),
    }),
  );
  hashTensors(
    h,
    model.weights.map((w) => w.read()),
  );
  const state = await model.optimizer.getWeights();
  hashTensors(
    h,
    state.map((w) => w.tensor),
  );
  disposeCopies(state);
  hashTensors(h, tensors(x));
  hashTensors(h, tensors(y));
  hashTensors(h, tensors(args.validationData as tf.Tensor[] | undefined));
  h.update(argsJson(args));
  // Seeded, the generator's position decides dropout masks and shuffling: part of what the run depends on.
  h.update(`|random:${randomState()}`);
  return h.digest("hex").slice(0, 32);
}

/** getWeights returns the optimizer's variables and a fresh scalar for its step count: dispose that one. */
function disposeCopies(state: NamedTensor[]): void {
  for (const w of state) if (!(w.tensor instanceof tf.Variable)) w.tensor.dispose();
}

function writeEntry(
  dir: string,
  model: tf.LayersModel,
  optimizerWeights: NamedTensor[],
  history: tf.History,
  seconds: number,
): void {
  const weights = model.weights.map((w) => w.read());
  const all = [...weights, ...optimizerWeights.map((w) => w.tensor)];
  const bytes = all.map((t) => {
    const d = t.dataSync();
    return Buffer.from(d.buffer, d.byteOffset, d.byteLength);
  });
  const stored: Stored = {
    version: 1,
    weights: weights.map((t) => ({ shape: t.shape, dtype: t.dtype })),
    optimizer: optimizerWeights.map((w) => ({ name: w.name, shape: w.tensor.shape, dtype: w.tensor.dtype })),
    history: {
      epoch: history.epoch,
      history: history.history as Record<string, number[]>,
      params: history.params,
    },
    trainedSeconds: seconds,
    randomStateAfter: randomState(),
  };
  // A whole entry or none.
  replaceDirAtomic(dir, (tmp) => {
    writeFileSync(join(tmp, "weights.bin"), Buffer.concat(bytes));
    writeFileSync(join(tmp, "entry.json"), JSON.stringify(stored) + "\n");
  });
}

function readEntry(dir: string): { stored: Stored; values: tf.Tensor[] } | null {
  try {
    const stored = JSON.parse(readFileSync(join(dir, "entry.json"), "utf8")) as Stored;
    const bin = readFileSync(join(dir, "weights.bin"));
    const specs = [...stored.weights, ...stored.optimizer];
    const total = specs.reduce((s, w) => s + 4 * w.shape.reduce((a, b) => a * b, 1), 0);
    if (stored.version !== 1 || bin.byteLength !== total) return null;
    let offset = 0;
    const values = specs.map((w) => {
      const n = w.shape.reduce((a, b) => a * b, 1);
      const copy = new Uint8Array(bin.subarray(offset, offset + 4 * n));
      offset += 4 * n;
      const data = w.dtype === "int32" ? new Int32Array(copy.buffer) : new Float32Array(copy.buffer);
      return tf.tensor(data, w.shape, w.dtype as "float32" | "int32");
    });
    return { stored, values };
  } catch {
    return null;
  }
}

type CallbackLike = Partial<Record<"onTrainBegin" | "onTrainEnd", (logs?: tf.Logs) => unknown>> &
  Partial<Record<"onEpochBegin" | "onEpochEnd", (epoch: number, logs?: tf.Logs) => unknown>> & {
    setParams?: (p: Record<string, unknown>) => void;
    setModel?: (m: tf.LayersModel) => void;
  };

/** Play the stored history through the callbacks, epoch by epoch, as training would have. */
async function replay(model: tf.LayersModel, callbacks: unknown, stored: Stored): Promise<void> {
  const list = (callbacks === undefined ? [] : Array.isArray(callbacks) ? callbacks : [callbacks]) as CallbackLike[];
  for (const cb of list) {
    cb.setParams?.(stored.history.params);
    cb.setModel?.(model);
  }
  for (const cb of list) await cb.onTrainBegin?.({});
  const { epoch, history } = stored.history;
  for (let i = 0; i < epoch.length; i++) {
    const logs = Object.fromEntries(Object.entries(history).map(([k, v]) => [k, v[i]!]));
    for (const cb of list) await cb.onEpochBegin?.(epoch[i]!, {});
    for (const cb of list) await cb.onEpochEnd?.(epoch[i]!, logs);
  }
  for (const cb of list) await cb.onTrainEnd?.({});
}

async function restore(
  model: tf.LayersModel,
  stored: Stored,
  values: tf.Tensor[],
  callbacks: unknown,
): Promise<tf.History> {
  const n = stored.weights.length;
  try {
    model.setWeights(values.slice(0, n));
    if (stored.optimizer.length > 0)
      await model.optimizer.setWeights(stored.optimizer.map((w, i) => ({ name: w.name, tensor: values[n + i]! })));
  } finally {
    tf.dispose(values);
  }
  const history = new tf.History();
  history.epoch = [...stored.history.epoch];
  history.history = stored.history.history;
  history.params = stored.history.params as tf.History["params"];
  (model as unknown as { history: tf.History }).history = history;
  // Leave the generator where training left it, so what follows (the next model's initial weights) is
  // the same as after a real run.
  if (stored.randomStateAfter !== null && stored.randomStateAfter !== undefined)
    setRandomState(stored.randomStateAfter);
  await replay(model, callbacks, stored);
  return history;
}

/** `fit` with the cache in front (active only while DEEPDECK_FIT_CACHE is set); src/install.ts applies it. */
export function withFitCache(fit: Fit): Fit {
  return async function (this: tf.LayersModel, x, y, args: FitArgs = {}) {
    const root = fitCacheDir();
    if (!root || !this.optimizer) return fit.call(this, x, y, args);
    const key = await fitKey(this, x, y, args);
    const dir = join(root, key);
    const entry = existsSync(dir) ? readEntry(dir) : null;
    if (entry) {
      const history = await restore(this, entry.stored, entry.values, args.callbacks);
      appendFileSync(
        join(root, "log.txt"),
        `${new Date().toISOString()} restored ${key} (${entry.stored.history.epoch.length} epochs, trained in ${entry.stored.trainedSeconds.toFixed(0)} s)\n`,
      );
      return history;
    }
    const t0 = Date.now();
    const history = await fit.call(this, x, y, args);
    const seconds = (Date.now() - t0) / 1000;
    makeDirs(root);
    const state = await this.optimizer.getWeights();
    try {
      writeEntry(dir, this, state, history, seconds);
    } finally {
      disposeCopies(state);
    }
    appendFileSync(
      join(root, "log.txt"),
      `${new Date().toISOString()} trained ${key} (${history.epoch.length} epochs in ${seconds.toFixed(0)} s)\n`,
    );
    return history;
  };
}
