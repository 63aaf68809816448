/**
 * How many TensorFlow ops one training step of model.fit runs on the node backend (tfjs-node pays
 * 10-50 µs per op), by op name, counted at tfjs-node's binding:
 * `DEEPDECK_BACKEND=node node --import tsx bench/count-ops.ts [mlp|convnet]`.
 */
import * as tf from "@tensorflow/tfjs";
import * as dd from "../src/index";
import { compiled, courseConvnet, courseMlp } from "./course_models";

async function main(): Promise<void> {
  await dd.ready();
  const which = process.argv[2] ?? "mlp";
  const model = compiled(which === "mlp" ? courseMlp() : courseConvnet());
  const input = which === "mlp" ? [784] : [28, 28, 1];
  const batch = which === "mlp" ? 128 : 64;
  const n = batch * 4;
  const x = tf.randomUniform([n, ...input]);
  const y = tf.oneHot(tf.randomUniform([n], 0, 10, "int32"), 10);
  await model.fit(x, y, { epochs: 1, batchSize: batch, verbose: 0 });
  const backend = tf.backend() as unknown as { binding: Record<string, (...a: unknown[]) => unknown> };
  const real = backend.binding;
  const counts = new Map<string, number>();
  let creates = 0;
  const wrapped: Record<string, unknown> = {};
  for (const k of Object.getOwnPropertyNames(real)) {
    const v = real[k];
    wrapped[k] = typeof v === "function" ? v.bind(real) : v;
  }
  wrapped["executeOp"] = (...a: unknown[]) => {
    counts.set(a[0] as string, (counts.get(a[0] as string) ?? 0) + 1);
    return real["executeOp"]!(...a);
  };
  wrapped["createTensor"] = (...a: unknown[]) => {
    creates++;
    return real["createTensor"]!(...a);
  };
  backend.binding = wrapped as typeof real;
  await model.fit(x, y, { epochs: 1, batchSize: batch, verbose: 0 });
  const steps = n / batch;
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  console.log(
    `${which}: ${(total / steps).toFixed(1)} ops per step, ${(creates / steps).toFixed(1)} tensors created per step`,
  );
  for (const [k, v] of [...counts.entries()].sort((a, b) => b[1] - a[1]))
    console.log(`${(v / steps).toFixed(2).padStart(7)}  ${k}`);
}
main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
