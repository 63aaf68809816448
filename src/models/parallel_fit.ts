/**
 * Data-parallel `model.fit` on the wasm backend: N worker threads (each with its own single-threaded wasm
 * backend and a replica of the model) share every batch with the main thread. N is one per core beyond the
 * main thread's where a batch does enough work to pay for the exchange (src/backend/fit_threads.ts, with
 * the estimate in fit_work.ts), else 0; `DEEPDECK_FIT_WORKERS=N` forces N.
 * Each computes the gradients of its rows; main adds them up, weighted by rows (what the whole batch's mean
 * loss gives), and takes one optimizer step on its model; the workers read the new weights from shared
 * memory before the next batch. fit itself is tfjs's own: only its training function is swapped, for the
 * length of the call, so callbacks, validation (on the main thread), history, shuffling and deepdeck's fit
 * cache see what they always see. The loss and metrics of a batch are the row-weighted means of the shares'.
 *
 * Results: the same as one thread up to float rounding, except for random draws inside the model. Dropout
 * masks are drawn on each thread for its rows, from a seed main draws from `Math.random` for each worker
 * and batch: after `dd.setSeed` a run is reproducible for a given worker count, but its masks (so its exact
 * weights) differ from a one-thread run's, as with a different seed.
 *
 * Used when the model qualifies: compiled with a loss and metrics given by name, every weight trainable
 * (no batch-norm statistics, which each replica would update on its own rows). Otherwise fit runs as usual.
 */
import * as tf from "@tensorflow/tfjs";
import { once } from "node:events";
import { extname, join } from "node:path";
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from "node:worker_threads";
import { messages } from "../messages";
import type { Fit } from "./fit_cache";
import { fitPlan, type FitPlan } from "./fit_work";
import type { ModelMessage, StepArray, StepMessage, StepResult } from "./parallel_fit_protocol";

/** fit passes inputs, targets and sample weights (null where there are none). */
type TrainFunction = (data: (tf.Tensor | null)[]) => tf.Scalar[];
/** A trainable weight of tfjs-layers (its LayerVariable, which the package does not export). */
interface Weight {
  shape: number[];
  read(): tf.Variable;
}
interface Internals {
  makeTrainFunction: (this: Internals) => TrainFunction;
  collectedTrainableWeights: Weight[];
  loss: unknown;
  metrics: unknown;
}

/**
 * A worker on parallel_fit_worker: the compiled .js, or (tests, benchmarks) the .ts through tsx, whose
 * `--import` hooks do not reach a worker's entry file.
 */
function startWorker(): Worker {
  const script = join(__dirname, `parallel_fit_worker${extname(__filename)}`);
  if (extname(script) === ".js") return new Worker(script);
  return new Worker(`require("tsx/cjs"); require(${JSON.stringify(script)});`, { eval: true });
}

const pool: Worker[] = [];
let started = 0;

/** `n` started workers (kept for the next fit; they do not keep Node alive). */
async function workers(n: number): Promise<Worker[]> {
  while (pool.length < n) {
    const w = startWorker();
    await once(w, "message");
    // Started, it waits for the next fit without keeping Node alive.
    w.unref();
    pool.push(w);
    started++;
  }
  return pool.slice(0, n);
}

/** How many fit workers this process has started (tests check that training used them). */
export function fitWorkersStarted(): number {
  return started;
}

function names(v: unknown): string[] | null {
  if (typeof v === "string") return [v];
  return Array.isArray(v) && v.every((x) => typeof x === "string") ? v : null;
}

/** Whether `model` can train data-parallel (see the top of this file). */
function qualifies(model: tf.LayersModel): boolean {
  const m = model as unknown as Internals;
  return (
    tf.getBackend() === "wasm" &&
    !(model instanceof tf.Sequential) &&
    model.optimizer !== undefined &&
    names(m.loss) !== null &&
    (m.metrics === undefined || names(m.metrics) !== null) &&
    model.nonTrainableWeights.length === 0 &&
    m.collectedTrainableWeights.length > 0
  );
}

interface Share {
  port: MessagePort;
  flags: Int32Array;
  grads: Float32Array;
}
interface Session {
  shares: Share[];
  weights: Float32Array;
  vars: Weight[];
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Replicas of `model` on `n` workers, or null when one cannot build it (fit then runs on one thread). */
async function open(model: tf.LayersModel, n: number): Promise<Session | null> {
  const m = model as unknown as Internals;
  const vars = m.collectedTrainableWeights;
  const total = vars.reduce((s, v) => s + size(v.shape), 0);
  const weights = new SharedArrayBuffer(4 * total);
  const topology = model.toJSON(null, false);
  const shares: Share[] = [];
  let failed = false;
  for (const w of await workers(n)) {
    const { port1, port2 } = new MessageChannel();
    const grads = new SharedArrayBuffer(4 * total);
    const share = { port: port1, flags: new Int32Array(new SharedArrayBuffer(8)), grads: new Float32Array(grads) };
    const msg: ModelMessage = {
      topology,
      loss: names(m.loss)!,
      metrics: m.metrics === undefined ? undefined : names(m.metrics)!,
      flags: share.flags.buffer,
      weights,
      grads,
      port: port2,
    };
    const reply = once(port1, "message");
    w.postMessage(msg, [port2]);
    const [answer] = (await reply) as [{ ready?: number[][]; error?: string }];
    shares.push(share);
    const same =
      answer.ready?.length === vars.length && answer.ready.every((s, i) => s.join() === vars[i]!.shape.join());
    if (!same) failed = true;
  }
  const session = { shares, weights: new Float32Array(weights), vars };
  if (failed) {
    close(session);
    return null;
  }
  return session;
}

function close(session: Session): void {
  for (const s of session.shares) {
    s.port.postMessage({ kind: "stop" });
    Atomics.store(s.flags, 0, 1);
    Atomics.notify(s.flags, 0);
    s.port.close();
  }
}

/** Block until the worker of `s` has answered, and take its answer. */
function answer(s: Share): StepResult {
  Atomics.wait(s.flags, 1, 0);
  Atomics.store(s.flags, 1, 0);
  let r = receiveMessageOnPort(s.port);
  // The worker posts before it raises the flag; the message is normally there already.
  for (let i = 0; !r && i < 1000; i++) {
    Atomics.wait(s.flags, 1, 0, 1);
    r = receiveMessageOnPort(s.port);
  }
  return (r?.message as StepResult | undefined) ?? { error: "no answer" };
}

/** Rows per thread, main first: as even as they go. */
function split(rows: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(rows / parts) + (i < rows % parts ? 1 : 0));
}

function parallelTrainFunction(model: tf.LayersModel, session: Session, stock: TrainFunction): TrainFunction {
  const optimizer = model.optimizer;
  return (data) => {
    const n = data[0]!.shape[0];
    const rows = split(n, session.shares.length + 1);
    if (rows.some((r) => r === 0)) return stock(data);
    let offset = 0;
    for (const v of session.vars) {
      const values = v.read().dataSync() as Float32Array;
      session.weights.set(values, offset);
      offset += values.length;
    }
    const all = data.map((t) => t?.dataSync() ?? null);
    let start = rows[0]!;
    session.shares.forEach((s, i) => {
      const count = rows[i + 1]!;
      const arrays = data.map((t, j): StepArray | null => {
        if (!t) return null;
        const per = t.size / n;
        return {
          values: all[j]!.slice(start * per, (start + count) * per) as StepArray["values"],
          shape: [count, ...t.shape.slice(1)],
          dtype: t.dtype as StepArray["dtype"],
        };
      });
      const msg: StepMessage = { kind: "step", arrays, seed: Math.floor(Math.random() * 2 ** 32) };
      s.port.postMessage(msg);
      Atomics.store(s.flags, 0, 1);
      Atomics.notify(s.flags, 0);
      start += count;
    });
    let results: StepResult[] | null = null;
    const collect = (): { outs: number[] }[] => {
      results ??= session.shares.map(answer);
      const failure = results.find((r): r is { error: string } => "error" in r);
      if (failure) throw new Error(messages.fitWorkerFailed(failure.error));
      return results as { outs: number[] }[];
    };
    const mainRows = data.map((t) => t?.slice(0, rows[0]) ?? null);
    const hadOwn = Object.hasOwn(optimizer, "minimize");
    const minimize = optimizer.minimize.bind(optimizer);
    optimizer.minimize = (f, returnCost, varList) => {
      const { value, grads } = optimizer.computeGradients(f, varList);
      collect();
      const summed = tf.tidy(() => {
        const out: tf.NamedTensorMap = {};
        let at = 0;
        for (const v of session.vars) {
          const name = v.read().name;
          const count = size(v.shape);
          let g = tf.mul(grads[name]!, rows[0]! / n);
          session.shares.forEach((s, i) => {
            const theirs = tf.tensor(s.grads.subarray(at, at + count), v.shape);
            g = tf.add(g, tf.mul(theirs, rows[i + 1]! / n));
          });
          out[name] = g;
          at += count;
        }
        return out;
      });
      tf.dispose(Object.values(grads));
      optimizer.applyGradients(summed);
      tf.dispose(Object.values(summed));
      return returnCost ? value : (value.dispose(), null);
    };
    let outs: tf.Scalar[];
    try {
      outs = stock(mainRows);
    } finally {
      if (hadOwn) optimizer.minimize = minimize;
      else delete (optimizer as Partial<tf.Optimizer>).minimize;
      tf.dispose(mainRows.filter((t) => t !== null));
      // Every worker answers before the next batch, whatever happened here.
      results ??= session.shares.map(answer);
    }
    const theirs = collect();
    const mixed = outs.map((o, j) =>
      tf.scalar(theirs.reduce((s, r, i) => s + r.outs[j]! * rows[i + 1]!, o.dataSync()[0]! * rows[0]!) / n),
    );
    tf.dispose(outs);
    return mixed;
  };
}

let lastPlan: FitPlan | null = null;

/** How the last `fit` on wasm trained, and why (null before one, or when it did not qualify). */
export function lastFitPlan(): FitPlan | null {
  return lastPlan;
}

/** Rows in a batch of `fit(x, y, args)`: its batch size (tfjs's default 32), or fewer when x has fewer. */
function batchRows(x: tf.Tensor | tf.Tensor[], args: tf.ModelFitArgs | undefined): number {
  const rows = (Array.isArray(x) ? x[0] : x)?.shape[0] ?? 0;
  return Math.max(1, Math.min(args?.batchSize ?? 32, rows));
}

/**
 * `fit`, data-parallel on wasm where the model qualifies and DEEPDECK_FIT_WORKERS or the rule of
 * src/backend/fit_threads.ts says it pays; src/install.ts applies it.
 */
export function withParallelFit(fit: Fit): Fit {
  return async function (this: tf.LayersModel, x, y, args) {
    if (!qualifies(this)) return fit.call(this, x, y, args);
    const plan = fitPlan(this, batchRows(x, args));
    lastPlan = plan;
    if (plan.workers < 1) return fit.call(this, x, y, args);
    const session = await open(this, plan.workers);
    if (!session) return fit.call(this, x, y, args);
    const self = this as unknown as Internals;
    const hadOwn = Object.hasOwn(self, "makeTrainFunction");
    const make = self.makeTrainFunction;
    self.makeTrainFunction = () => parallelTrainFunction(this, session, make.call(self));
    try {
      return await fit.call(this, x, y, args);
    } finally {
      if (hadOwn) self.makeTrainFunction = make;
      else delete (self as Partial<Internals>).makeTrainFunction;
      close(session);
    }
  };
}
