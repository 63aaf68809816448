/**
 * Where data-parallel fit starts to pay on wasm: the course's two models at several batch sizes, trained
 * through model.fit on one thread and data-parallel (one worker per spare core), with the work estimate
 * of src/models/fit_work.ts and what the automatic rule chooses. Samples/s, the median of three runs.
 * `node --import tsx bench/fit-threads.ts` (a few minutes on 2 cores); BENCH_SCALE=2 for longer runs.
 */
import * as tf from "@tensorflow/tfjs";
import { availableParallelism, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import * as dd from "../src/index";
import { fitPlan, multiplyAddsPerRow } from "../src/models/fit_work";
import { compiled, courseConvnet, courseMlp } from "./course_models";

const scale = Number(process.env["BENCH_SCALE"] ?? 1);
const cases = [
  { name: "MLP", build: courseMlp, input: [784], batches: [32, 128, 512, 2048], samples: 8192 },
  { name: "convnet", build: courseConvnet, input: [28, 28, 1], batches: [8, 16, 32, 64, 256], samples: 1024 },
];

async function rate(build: () => tf.Sequential, input: number[], batch: number, samples: number, workers: string) {
  process.env["DEEPDECK_FIT_WORKERS"] = workers;
  const n = Math.max(batch * 4, Math.round(samples * scale));
  const model = compiled(build());
  const x = tf.randomUniform([n, ...input]);
  const y = tf.oneHot(tf.randomUniform([n], 0, 10, "int32"), 10);
  try {
    await model.fit(x.slice(0, batch), y.slice(0, batch), { batchSize: batch, epochs: 1, verbose: 0 });
    const runs: number[] = [];
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now();
      await model.fit(x, y, { batchSize: batch, epochs: 1, verbose: 0 });
      runs.push(n / ((performance.now() - t0) / 1000));
    }
    return runs.sort((a, b) => a - b)[1]!;
  } finally {
    tf.dispose([x, y]);
    model.dispose();
  }
}

async function main(): Promise<void> {
  process.env["DEEPDECK_BACKEND"] = "wasm";
  process.env["DEEPDECK_WASM_THREADS"] = "1";
  await dd.ready();
  const spare = String(Math.max(1, availableParallelism() - 1));
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(", ");
  console.log(`${availableParallelism()} cores; load average at the start: ${load()}`);
  console.log("| model | batch | multiply-adds per weight per batch | 1 thread | data-parallel | ratio | auto |");
  console.log("|---|---|---|---|---|---|---|");
  for (const c of cases) {
    const probe = compiled(c.build());
    const weights = probe.countParams();
    const perRow = multiplyAddsPerRow(probe);
    for (const batch of c.batches) {
      delete process.env["DEEPDECK_FIT_WORKERS"];
      const auto = fitPlan(probe, batch).workers > 0 ? "data-parallel" : "1 thread";
      const one = await rate(c.build, c.input, batch, c.samples, "0");
      const many = await rate(c.build, c.input, batch, c.samples, spare);
      const perWeight = Math.round((perRow * batch) / weights);
      console.log(
        `| ${c.name} | ${batch} | ${perWeight} | ${one.toFixed(0)} | ${many.toFixed(0)} | ${(many / one).toFixed(2)}x | ${auto} |`,
      );
    }
    probe.dispose();
  }
  console.log(`load average at the end: ${load()}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
