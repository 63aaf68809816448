/**
 * How many threads `model.fit` trains on, on the wasm backend (src/models/parallel_fit.ts does the
 * training): `DEEPDECK_FIT_WORKERS=N` forces N worker threads beside the main one (0 = the main thread
 * only); unset, fit decides per model and batch size from the work a batch does against the weights it
 * must exchange (src/models/fit_work.ts), with one worker per core beyond the main thread's.
 *
 * Why that rule: a data-parallel batch halves the multiply-adds on each thread but adds a fixed cost per
 * weight (the weights go out to the workers and their gradients come back, every batch) and a wake-up per
 * batch. Measured on 2 idle cores (bench/train-epoch.ts): the course convnet at batch 64 does ~1,900
 * multiply-adds per weight per batch and trains 1.59x faster data-parallel; the course MLP at batch 128
 * does 128 and trains at 0.77x; 512 sits between them (bench/fit-threads.ts measures more batch sizes, but
 * only an idle machine gives figures to place it by). The floor of 10M per batch is not measured: it keeps
 * small models (tests, toy examples) off the workers, whose start-up alone outlasts their training.
 */
import { availableParallelism } from "node:os";
import { messages } from "../messages";

/** Data-parallel pays from this many forward multiply-adds per batch per trainable weight... */
export const minWorkPerWeight = 512;
/** ...and this many forward multiply-adds per batch (below it, a batch is over before a worker wakes). */
export const minWorkPerBatch = 10e6;

/** `DEEPDECK_FIT_WORKERS` as set: a forced number of worker threads, or "auto" when unset. */
export function fitWorkersSetting(): number | "auto" {
  const v = process.env["DEEPDECK_FIT_WORKERS"];
  if (v === undefined || v.trim() === "") return "auto";
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(messages.badFitWorkers(v));
  return n;
}

/**
 * Worker threads `fit` may use: a forced count at most one less than the cores (at least 1, so it can be
 * tried on one core), or, for "auto", one per core beyond the main thread's (0 on one core).
 */
export function fitWorkersAvailable(): number {
  const setting = fitWorkersSetting();
  const spare = Math.max(0, availableParallelism() - 1);
  return setting === "auto" ? spare : Math.min(setting, spare || 1);
}

const threads = (n: number) => (n === 1 ? "1 thread" : `${n} threads`);

/** The line of `dd.ready()`'s report that says how fit trains on wasm, and why. */
export function fitThreadsLine(): string {
  const setting = fitWorkersSetting();
  const workers = fitWorkersAvailable();
  if (setting !== "auto")
    return workers === 0
      ? `fit: 1 thread (DEEPDECK_FIT_WORKERS=0)`
      : `fit: ${threads(workers + 1)}, data-parallel (DEEPDECK_FIT_WORKERS=${setting})`;
  if (workers === 0) return "fit: 1 thread (1 core)";
  return `fit: ${threads(workers + 1)}, data-parallel, where a batch does ≥ ${minWorkPerWeight} multiply-adds per weight (convnets), else 1 (DEEPDECK_FIT_WORKERS=0 or N forces)`;
}
