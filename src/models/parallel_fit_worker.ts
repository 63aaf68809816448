/**
 * A worker thread of the data-parallel `fit` (parallel_fit.ts): its own single-threaded wasm backend and
 * a replica of the model being trained. For each batch it takes the current weights and its share of the
 * rows, runs the model's own training function on them with an optimizer that keeps the gradients
 * instead of applying them, and hands back the gradients (in shared memory) and the loss and metrics.
 */
import * as tf from "@tensorflow/tfjs";
import { parentPort, receiveMessageOnPort, type MessagePort } from "node:worker_threads";
import { installGradients } from "../backend/kernel_registry";
import { deepdeckGradients } from "../backend/kernels";
import { ready } from "../backend/ready";
import { setSeed } from "../seed";
import { useKerasCrossentropy } from "./keras_crossentropy";
import type { ModelMessage, StepMessage, StepResult } from "./parallel_fit_protocol";

type TrainFunction = (data: (tf.Tensor | null)[]) => tf.Scalar[];
/** A trainable weight of tfjs-layers (its LayerVariable, which the package does not export). */
interface Weight {
  shape: number[];
  read(): tf.Variable;
  write(value: tf.Tensor): void;
}
interface Trainable {
  makeTrainFunction(): TrainFunction;
  collectedTrainableWeights: Weight[];
}

/** The replica's training function, its variables, and where its gradients go. */
async function replica(m: ModelMessage): Promise<{ train: TrainFunction; vars: Weight[] }> {
  const model = await tf.models.modelFromJSON({ modelTopology: m.topology as tf.io.ModelJSON["modelTopology"] });
  model.compile({ optimizer: "sgd", loss: m.loss, metrics: m.metrics });
  // The worker's tfjs is its own copy, without src/install.ts's compile: the replica needs main's loss.
  useKerasCrossentropy(model);
  const grads = new Float32Array(m.grads);
  const t = model as unknown as Trainable;
  const vars = t.collectedTrainableWeights;
  // fit's training function ends in optimizer.minimize: here it computes the gradients and keeps them.
  model.optimizer.minimize = (f, returnCost, varList) => {
    const { value, grads: named } = model.optimizer.computeGradients(f, varList);
    let offset = 0;
    for (const v of vars) {
      const g = named[v.read().name]!.dataSync();
      grads.set(g, offset);
      offset += g.length;
    }
    tf.dispose(Object.values(named));
    return returnCost ? value : (value.dispose(), null);
  };
  return { train: t.makeTrainFunction(), vars };
}

function step(msg: StepMessage, train: TrainFunction, vars: Weight[], weights: Float32Array): StepResult {
  let offset = 0;
  for (const v of vars) {
    const size = v.shape.reduce((a, b) => a * b, 1);
    const t = tf.tensor(weights.subarray(offset, offset + size), v.shape);
    v.write(t);
    t.dispose();
    offset += size;
  }
  // Dropout masks and every other draw follow the main thread's seeded generator (see parallel_fit.ts).
  setSeed(msg.seed);
  return tf.tidy(() => {
    const data = msg.arrays.map((a) => (a ? tf.tensor(a.values, a.shape, a.dtype) : null));
    const outs = train(data);
    const values = outs.map((o) => o.dataSync()[0]!);
    // The metrics are kept out of fit's scopes, as fit disposes them itself.
    tf.dispose(outs);
    return { outs: values };
  });
}

/** Train on the batches main sends until it says stop (the end of one `fit`). */
function trainLoop(m: ModelMessage, port: MessagePort, train: TrainFunction, vars: Weight[]): void {
  const flags = new Int32Array(m.flags);
  const weights = new Float32Array(m.weights);
  for (;;) {
    Atomics.wait(flags, 0, 0);
    Atomics.store(flags, 0, 0);
    const msg = receiveMessageOnPort(port)?.message as StepMessage | { kind: "stop" } | undefined;
    if (!msg || msg.kind === "stop") return;
    let result: StepResult;
    try {
      result = step(msg, train, vars, weights);
    } catch (e) {
      result = { error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
    }
    port.postMessage(result);
    Atomics.store(flags, 1, 1);
    Atomics.notify(flags, 1);
  }
}

async function main(): Promise<void> {
  process.env["DEEPDECK_BACKEND"] = "wasm";
  process.env["DEEPDECK_WASM_THREADS"] = "1";
  installGradients(deepdeckGradients);
  await ready();
  parentPort!.on("message", (m: ModelMessage) => {
    replica(m).then(
      ({ train, vars }) => {
        m.port.postMessage({ ready: vars.map((v) => v.shape) });
        trainLoop(m, m.port, train, vars);
      },
      (e: unknown) => m.port.postMessage({ error: e instanceof Error ? e.message : String(e) }),
    );
  });
  parentPort!.postMessage("started");
}

void main();
