/**
 * Whether a data-parallel `fit` pays for a model (the rule is in src/backend/fit_threads.ts): an estimate
 * of the forward multiply-adds one row of a batch costs, against the trainable weights a batch exchanges.
 *
 * The estimate counts what dominates a step, the layers with a kernel: a kernel weight of size K applied
 * at P positions of the layer's output (1 for a dense layer on a vector, height × width for a 2-D
 * convolution, the steps of a dense layer on a sequence) costs K × P multiply-adds per row. That is exact
 * for Dense, Conv1D/2D/3D and depthwise or separable convolutions; recurrent layers are undercounted (their
 * kernel runs at every step, output or not), which errs towards one thread. Embeddings look up rows
 * rather than multiply, so they count nothing.
 */
import * as tf from "@tensorflow/tfjs";
import { fitWorkersAvailable, fitWorkersSetting, minWorkPerBatch, minWorkPerWeight } from "../backend/fit_threads";

const size = (shape: readonly (number | null)[]) => shape.reduce<number>((a, b) => a * (b ?? 1), 1);

/** Output positions of `layer` per row: every axis of its (first) output but the batch and the last. */
function positions(layer: tf.layers.Layer): number {
  const out = layer.outputShape;
  const shape = (Array.isArray(out[0]) ? out[0] : out) as (number | null)[];
  return shape.length <= 2 ? 1 : size(shape.slice(1, -1));
}

/** Forward multiply-adds per row of a batch of `model`, estimated as above (nested models included). */
export function multiplyAddsPerRow(model: tf.LayersModel): number {
  let total = 0;
  for (const layer of model.layers) {
    if (layer instanceof tf.LayersModel) {
      total += multiplyAddsPerRow(layer);
      continue;
    }
    const p = positions(layer);
    for (const w of layer.trainableWeights)
      if (w.shape.length >= 2 && /kernel$/.test(w.originalName)) total += size(w.shape) * p;
  }
  return total;
}

/** How `fit` trains a model on wasm: how many worker threads beside the main one, and why, in a phrase. */
export interface FitPlan {
  workers: number;
  why: string;
}

const round = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : Math.round(n).toLocaleString("en-US"));

/**
 * The plan for fitting `model` (already known to qualify for data-parallel training) with batches of
 * `batchSize` rows: forced by DEEPDECK_FIT_WORKERS, or chosen by the rule of src/backend/fit_threads.ts.
 */
export function fitPlan(model: tf.LayersModel, batchSize: number): FitPlan {
  const setting = fitWorkersSetting();
  const available = fitWorkersAvailable();
  if (setting !== "auto") return { workers: available, why: `DEEPDECK_FIT_WORKERS=${setting}` };
  if (available === 0) return { workers: 0, why: "one core" };
  const weights = model.trainableWeights.reduce((s, w) => s + size(w.shape), 0);
  const work = multiplyAddsPerRow(model) * batchSize;
  const perWeight = work / Math.max(1, weights);
  const pays = work >= minWorkPerBatch && perWeight >= minWorkPerWeight;
  const why =
    `${round(work)} multiply-adds per batch of ${batchSize}, ${round(perWeight)} per weight ` +
    (pays
      ? `(≥ ${minWorkPerWeight})`
      : work < minWorkPerBatch
        ? `(< ${round(minWorkPerBatch)} a batch)`
        : `(< ${minWorkPerWeight})`);
  return { workers: pays ? available : 0, why };
}
