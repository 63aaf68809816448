/**
 * The native backend with and without deepdeck's per-step op savings, alternating in one process so a
 * shared machine's load hits both alike: `DEEPDECK_BACKEND=node node --import tsx bench/native-ab.ts`.
 * "stock" is tfjs's AdamOptimizer and tfjs-node's own Cast and Reshape (Relu's gradient stays deepdeck's).
 * Also prints the process's CPU time per step (all its threads), which a loaded machine moves far less
 * than the wall-clock rate.
 *
 * With kernel names as arguments (`bench/native-ab.ts MaxPoolGrad`), "stock" is deepdeck's node backend with
 * only those kernels put back to tfjs-node's own, so one change is timed against the rest held fixed;
 * `BENCH_MODELS=convnet` times one model; `BENCH_ROUNDS=9` alternates nine times instead of three (a loaded
 * machine), and medians are taken over the rounds.
 */
import { performance } from "node:perf_hooks";
import { loadavg } from "node:os";
import * as tf from "@tensorflow/tfjs";
import * as dd from "../src/index";
import { useStockKernels } from "../src/backend/kernel_registry";
import { courseConvnet, courseMlp } from "./course_models";

/** The kernels "stock" puts back to tfjs-node's (the arguments), or null for session 5's Adam, Cast and Reshape. */
const only = process.argv.length > 2 ? process.argv.slice(2) : null;

async function rate(build: () => tf.Sequential, input: number[], batch: number, batches: number, stock: boolean) {
  const model = build();
  const optimizer =
    stock && !only ? new tf.AdamOptimizer(0.001, 0.9, 0.999, 1e-7) : tf.train.adam(0.001, 0.9, 0.999, 1e-7);
  model.compile({ optimizer, loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  const restore = stock ? useStockKernels(only ?? ["Cast", "Reshape"], "tensorflow") : () => {};
  const n = batch * batches;
  const x = tf.randomUniform([n, ...input]);
  const y = tf.oneHot(tf.randomUniform([n], 0, 10, "int32"), 10);
  try {
    await model.fit(x.slice(0, batch), y.slice(0, batch), { epochs: 1, batchSize: batch, verbose: 0 });
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await model.fit(x, y, { epochs: 1, batchSize: batch, verbose: 0 });
    const cpu = process.cpuUsage(c0);
    return { rate: n / ((performance.now() - t0) / 1000), cpuMsPerStep: (cpu.user + cpu.system) / 1000 / batches };
  } finally {
    restore();
    tf.dispose([x, y]);
    model.dispose();
    optimizer.dispose();
  }
}

async function main(): Promise<void> {
  await dd.ready();
  console.log(
    `load average at the start: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(", ")}`,
  );
  const wanted = process.env["BENCH_MODELS"]?.toLowerCase();
  const specs = [
    { name: "MLP", build: courseMlp, input: [784], batch: 128, batches: 100 },
    { name: "convnet", build: courseConvnet, input: [28, 28, 1], batch: 64, batches: 25 },
  ].filter((s) => !wanted || wanted.includes(s.name.toLowerCase()));
  const stockName = only ? `stock ${only.join("/")}` : "stock Adam/Cast/Reshape";
  for (const s of specs) {
    const runs: Record<string, number[]> = { stock: [], deepdeck: [] };
    const cpu: Record<string, number[]> = { stock: [], deepdeck: [] };
    const rounds = Number(process.env["BENCH_ROUNDS"] ?? 3);
    for (let r = 0; r < rounds; r++)
      for (const stock of [true, false]) {
        const m = await rate(s.build, s.input, s.batch, s.batches, stock);
        runs[stock ? "stock" : "deepdeck"]!.push(m.rate);
        cpu[stock ? "stock" : "deepdeck"]!.push(m.cpuMsPerStep);
      }
    const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
    const [a, b] = [median(runs["stock"]!), median(runs["deepdeck"]!)];
    const [ca, cb] = [median(cpu["stock"]!), median(cpu["deepdeck"]!)];
    console.log(
      `${s.name}: ${stockName} ${a.toFixed(0)} samples/s, ${ca.toFixed(1)} CPU ms/step; deepdeck's ${b.toFixed(0)} samples/s (${(b / a).toFixed(2)}x), ${cb.toFixed(1)} CPU ms/step (${(cb / ca).toFixed(2)}x); rates ${JSON.stringify(runs.stock!.map(Math.round))} vs ${JSON.stringify(runs.deepdeck!.map(Math.round))}`,
    );
  }
  console.log(
    `load average at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(", ")}`,
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
