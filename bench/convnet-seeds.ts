/**
 * How much the course convnet's test accuracy varies with the seed: trains it as the deck does (MNIST,
 * 5 epochs, batch 64, adam) once per seed and prints each test accuracy and their mean.
 * `node --import tsx bench/convnet-seeds.ts 1 2 3` (about 7 minutes a seed on one of 2 idle cores).
 * On wasm, fit trains as it chooses (data-parallel for this model on several cores); DEEPDECK_FIT_WORKERS=0
 * keeps it on one thread. Each line says how it trained.
 */
import * as tf from "@tensorflow/tfjs";
import { existsSync } from "node:fs";
import { join } from "node:path";
import * as dd from "../src/index";
import { lastFitPlan } from "../src/models/parallel_fit";
import { compiled, courseConvnet } from "./course_models";

async function main(): Promise<void> {
  await dd.ready();
  const seeds = process.argv.slice(2).map(Number);
  if (seeds.length === 0 || seeds.some((s) => !Number.isInteger(s)))
    throw new Error("usage: convnet-seeds.ts SEED [SEED ...] (whole numbers)");
  const shared = join(__dirname, "..", "..", "shared", "datasets");
  const mnist = await dd.datasets.mnist(
    existsSync(shared) && !process.env["DEEPDECK_DATA_DIR"] ? { dir: join(shared, "mnist") } : {},
  );
  const xTrain = dd.arrayReshape(mnist.train.x, [-1, 28, 28, 1]).div(255);
  const xTest = dd.arrayReshape(mnist.test.x, [-1, 28, 28, 1]).div(255);
  const yTrain = dd.toCategorical(mnist.train.y);
  const yTest = dd.toCategorical(mnist.test.y);
  const accuracies: number[] = [];
  for (const seed of seeds) {
    dd.setSeed(seed);
    const model = compiled(courseConvnet());
    const t0 = Date.now();
    await model.fit(xTrain, yTrain, { epochs: 5, batchSize: 64, verbose: 0 });
    const [, acc] = model.evaluate(xTest, yTest) as tf.Scalar[];
    const value = acc!.dataSync()[0]!;
    accuracies.push(value);
    const plan = lastFitPlan();
    const how = plan ? `, ${plan.workers + 1} thread${plan.workers ? "s" : ""}: ${plan.why}` : "";
    console.log(`seed ${seed}: test accuracy ${value.toFixed(4)} (${((Date.now() - t0) / 1000).toFixed(0)} s${how})`);
    model.dispose();
  }
  const mean = accuracies.reduce((a, b) => a + b, 0) / accuracies.length;
  console.log(`mean of ${accuracies.length}: ${mean.toFixed(4)}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
