/** The messages between the data-parallel `fit` (parallel_fit.ts) and its workers (parallel_fit_worker.ts). */
import type { MessagePort } from "node:worker_threads";

/** The model to train, once per `fit`: the worker builds a replica and answers `{ ready: shapes }` on `port`. */
export interface ModelMessage {
  topology: unknown;
  loss: string | string[];
  metrics: string[] | undefined;
  /** Shared: [0] main sets to 1 when a step message waits, [1] the worker sets to 1 when it has answered. */
  flags: SharedArrayBuffer;
  /** Shared: the trainable weights, which main writes before every step. */
  weights: SharedArrayBuffer;
  /** Shared, this worker's own: the gradients of its share, in the order of the weights. */
  grads: SharedArrayBuffer;
  port: MessagePort;
}

export interface StepArray {
  values: Float32Array | Int32Array | Uint8Array;
  shape: number[];
  dtype: "float32" | "int32" | "bool";
}

/** One batch: the worker's rows of every array fit passes its training function. */
export interface StepMessage {
  kind: "step";
  arrays: (StepArray | null)[];
  /** Seeds the worker's Math.random for this step (its dropout masks). */
  seed: number;
}

/** The loss and metrics of the worker's share (its gradients are in `grads`), or what went wrong. */
export type StepResult = { outs: number[] } | { error: string };
