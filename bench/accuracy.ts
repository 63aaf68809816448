/**
 * npm run bench:accuracy: the course's two models trained as the deck trains them, in Keras on TensorFlow
 * (the R deck's own stack, bench/keras_accuracy.py) and in deepdeck, on the same MNIST files with the same
 * hyperparameters, once per seed. Prints each run, then both test-accuracy distributions, the difference
 * of their means with its standard error, and the wall times. Not a test: it takes about an hour here.
 *
 * MLP: 30 epochs, batch 128, validationSplit 0.2; convnet: 5 epochs, batch 64; adam, categorical
 * cross-entropy, accuracy (bench/course_models.ts; the Keras side builds the same layers).
 *
 * Options (environment): BENCH_SEEDS=1,2,3 (default 1 to 5); BENCH_MODELS=mlp or convnet (default both);
 * BENCH_SIDES=keras or deepdeck (default both); DEEPDECK_BACKEND picks deepdeck's backend as usual;
 * BENCH_OUT=file.json also writes every run there (rewritten after each run, atomically); BENCH_EPOCHS=1
 * overrides both models' epochs (to try the script; the results then say nothing about the course's);
 * BENCH_KERAS_FROM=a.json,b.json takes Keras's runs for a model and seed from earlier BENCH_OUT files
 * instead of training again (Keras on TensorFlow's CPU kernels repeats a seeded run to the last digit here:
 * seed 1's convnet gave test accuracy 0.9907 and loss 0.0309 in two runs).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import * as dd from "../src/index";
import { writeFileAtomic } from "../src/io/atomic_write";
import { sharedDatasets } from "../test/support/datasets";
import { kerasPython } from "../test/support/keras_python";
import { compiled, courseConvnet, courseMlp } from "./course_models";

type ModelName = "mlp" | "convnet";
type Side = "keras" | "deepdeck";

interface Run {
  model: ModelName;
  side: Side;
  seed: number;
  accuracy: number;
  loss: number;
  seconds: number;
}

const training: Record<ModelName, { build: () => tf.Sequential; shape: number[]; fit: tf.ModelFitArgs }> = {
  mlp: { build: courseMlp, shape: [-1, 784], fit: { epochs: 30, batchSize: 128, validationSplit: 0.2 } },
  convnet: { build: courseConvnet, shape: [-1, 28, 28, 1], fit: { epochs: 5, batchSize: 64 } },
};

function listEnv<T extends string>(name: string, all: readonly T[]): T[] {
  const v = process.env[name];
  if (!v) return [...all];
  const items = v.split(",").map((s) => s.trim());
  const bad = items.filter((s) => !all.includes(s as T));
  if (bad.length) throw new Error(`${name}=${v}: ${bad.join(", ")} is not one of ${all.join(", ")}.`);
  return items as T[];
}

function seedsEnv(): number[] {
  const v = process.env["BENCH_SEEDS"];
  const seeds = v ? v.split(",").map((s) => Number(s.trim())) : [1, 2, 3, 4, 5];
  if (seeds.some((s) => !Number.isInteger(s) || s < 0))
    throw new Error(`BENCH_SEEDS=${v ?? ""}: expected whole numbers separated by commas, such as 1,2,3.`);
  return seeds;
}

const epochs = process.env["BENCH_EPOCHS"] ? Number(process.env["BENCH_EPOCHS"]) : undefined;
if (epochs !== undefined && !(Number.isInteger(epochs) && epochs > 0))
  throw new Error(`BENCH_EPOCHS=${process.env["BENCH_EPOCHS"] ?? ""}: expected a whole number of epochs from 1.`);

function keras(python: string, model: ModelName, seed: number, folder: string): Run {
  const args = [join(__dirname, "keras_accuracy.py"), model, String(seed), folder, ...(epochs ? [String(epochs)] : [])];
  const r = spawnSync(python, args, {
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`Keras run failed: ${(r.stderr || String(r.error)).trim().split("\n").at(-1)}`);
  const out = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as { accuracy: number; loss: number; seconds: number };
  return { model, side: "keras", seed, accuracy: out.accuracy, loss: out.loss, seconds: out.seconds };
}

const earlierKeras: Run[] = (process.env["BENCH_KERAS_FROM"] ?? "")
  .split(",")
  .filter((f) => f.trim())
  .flatMap((f) => (JSON.parse(readFileSync(f.trim(), "utf8")) as Run[]).filter((r) => r.side === "keras"));

interface Data {
  xTrain: tf.Tensor;
  yTrain: tf.Tensor;
  xTest: tf.Tensor;
  yTest: tf.Tensor;
}

async function deepdeck(data: Data, model: ModelName, seed: number): Promise<Run> {
  const spec = training[model];
  dd.setSeed(seed);
  const net = compiled(spec.build());
  const t0 = performance.now();
  await net.fit(data.xTrain, data.yTrain, { ...spec.fit, ...(epochs ? { epochs } : {}), verbose: 0 });
  const seconds = (performance.now() - t0) / 1000;
  const scores = await dd.evaluate(net, data.xTest, data.yTest);
  net.dispose();
  return { model, side: "deepdeck", seed, accuracy: scores["accuracy"] ?? NaN, loss: scores.loss, seconds };
}

function stats(xs: number[]): { mean: number; median: number; sd: number; min: number; max: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { mean, median, sd, min: sorted[0]!, max: sorted.at(-1)! };
}

function table(runs: Run[]): string {
  const rows = [
    "| model | side | runs | test accuracies (by seed) | mean | median | sd | min-max | fit s (mean) |",
    "|---|---|---|---|---|---|---|---|---|",
  ];
  const notes: string[] = [];
  for (const model of ["mlp", "convnet"] as const) {
    const bySide = new Map<Side, Run[]>();
    for (const side of ["keras", "deepdeck"] as const) {
      const rs = runs.filter((r) => r.model === model && r.side === side).sort((a, b) => a.seed - b.seed);
      if (!rs.length) continue;
      bySide.set(side, rs);
      const a = stats(rs.map((r) => r.accuracy));
      const s = stats(rs.map((r) => r.seconds));
      rows.push(
        `| ${model} | ${side} | ${rs.length} | ${rs.map((r) => r.accuracy.toFixed(4)).join(" ")} | ${a.mean.toFixed(4)} | ${a.median.toFixed(4)} | ${a.sd.toFixed(4)} | ${a.min.toFixed(4)}-${a.max.toFixed(4)} | ${s.mean.toFixed(0)} |`,
      );
    }
    const k = bySide.get("keras");
    const d = bySide.get("deepdeck");
    if (k && d) {
      const sk = stats(k.map((r) => r.accuracy));
      const sd = stats(d.map((r) => r.accuracy));
      const se = Math.sqrt(sk.sd ** 2 / k.length + sd.sd ** 2 / d.length);
      const diff = sd.mean - sk.mean;
      notes.push(
        `${model}: deepdeck's mean minus Keras's = ${diff >= 0 ? "+" : ""}${diff.toFixed(4)} (standard error ${se.toFixed(4)}); target |difference| <= 0.001: ${Math.abs(diff) <= 0.001 ? "met" : "not met"}`,
      );
    }
  }
  return [...rows, "", ...notes].join("\n");
}

async function main(): Promise<void> {
  const seeds = seedsEnv();
  const modelsWanted = listEnv("BENCH_MODELS", ["mlp", "convnet"] as const);
  const sides = listEnv("BENCH_SIDES", ["keras", "deepdeck"] as const);
  const report = await dd.ready();
  const folder = await sharedDatasets();
  const python = sides.includes("keras") ? kerasPython() : "";
  console.log(
    `deepdeck on ${report.backend}; Keras: ${python || "not run"}; MNIST: ${folder}; seeds ${seeds.join(",")}; load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(", ")} (${cpus().length} cores)`,
  );
  const mnist = await dd.datasets.mnist({ dir: folder });
  const runs: Run[] = [];
  for (const model of modelsWanted) {
    const shape = training[model].shape;
    const data: Data = {
      xTrain: dd.arrayReshape(mnist.train.x, shape).div(255),
      xTest: dd.arrayReshape(mnist.test.x, shape).div(255),
      yTrain: dd.toCategorical(mnist.train.y),
      yTest: dd.toCategorical(mnist.test.y),
    };
    // Keras and deepdeck alternate seed by seed, so a change in the machine's load falls on both.
    for (const seed of seeds) {
      for (const side of sides) {
        const earlier = side === "keras" && !epochs && earlierKeras.find((r) => r.model === model && r.seed === seed);
        const run =
          earlier || (side === "keras" ? keras(python, model, seed, folder) : await deepdeck(data, model, seed));
        runs.push(run);
        console.log(
          `${model} ${side} seed ${seed}: test accuracy ${run.accuracy.toFixed(4)}, loss ${run.loss.toFixed(4)}, fit ${run.seconds.toFixed(0)} s (${earlier ? "from BENCH_KERAS_FROM" : `load ${loadavg()[0]!.toFixed(1)}`})`,
        );
        const out = process.env["BENCH_OUT"];
        if (out) writeFileAtomic(out, JSON.stringify(runs, null, 2) + "\n");
      }
    }
    tf.dispose(Object.values(data));
  }
  console.log("\n" + table(runs));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
