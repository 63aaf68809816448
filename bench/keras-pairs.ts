/**
 * Keras and deepdeck on the node backend in alternation, for a shared machine whose load moves faster than
 * `npm run bench` can run Keras's rows and then node's: one Keras process stays up (bench/keras_bench.py
 * --serve) and each round times Keras's model.fit, then deepdeck's, on the same samples, so each pair sees
 * about the same load. Prints each pair's time ratio and their median:
 * `DEEPDECK_BACKEND=node node --import tsx bench/keras-pairs.ts [convnet|mlp] [rounds]`.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import * as tf from "@tensorflow/tfjs";
import * as dd from "../src/index";
import { compiled, courseConvnet, courseMlp } from "./course_models";

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(", ");

async function main(): Promise<void> {
  await dd.ready();
  if (tf.getBackend() !== "tensorflow") throw new Error("keras-pairs compares the node backend: DEEPDECK_BACKEND=node");
  const which = process.argv[2] ?? "convnet";
  const rounds = Number(process.argv[3] ?? 7);
  const spec =
    which === "mlp"
      ? { name: "MLP 256-128-10", build: courseMlp, input: [784], batch: 128, batches: 200 }
      : { name: "convnet 32-64-64", build: courseConvnet, input: [28, 28, 1], batch: 64, batches: 40 };
  const venv = join(__dirname, "..", ".venv", "bin", "python");
  const python = process.env["DEEPDECK_PYTHON"] ?? (existsSync(venv) ? venv : "python3");
  const keras = spawn(python, [join(__dirname, "keras_bench.py"), "--serve"], { stdio: ["pipe", "pipe", "ignore"] });
  const lines = createInterface({ input: keras.stdout })[Symbol.asyncIterator]();
  const next = async () => JSON.parse(((await lines.next()).value as string | undefined) ?? "null") as unknown;
  const hello = (await next()) as { keras: string } | null;
  if (!hello) throw new Error(`${python} bench/keras_bench.py --serve did not start (is Keras installed there?)`);
  const n = spec.batch * spec.batches;
  const x = tf.randomUniform([n, ...spec.input]);
  const y = tf.oneHot(tf.randomUniform([n], 0, 10, "int32"), 10);
  console.log(`${spec.name}, ${n} samples a measurement, Keras ${hello.keras}; load average at the start ${load()}`);
  const ratios: number[] = [];
  try {
    for (let r = 0; r < rounds; r++) {
      keras.stdin.write(JSON.stringify({ model: spec.name, samples: n }) + "\n");
      const k = ((await next()) as { train: number }).train;
      const model = compiled(spec.build());
      await model.fit(x.slice(0, spec.batch), y.slice(0, spec.batch), { epochs: 1, batchSize: spec.batch, verbose: 0 });
      const t0 = performance.now();
      await model.fit(x, y, { epochs: 1, batchSize: spec.batch, verbose: 0 });
      const d = n / ((performance.now() - t0) / 1000);
      model.dispose();
      ratios.push(k / d);
      console.log(
        `round ${r + 1}: Keras ${k.toFixed(0)} samples/s, deepdeck node ${d.toFixed(0)}: time vs Keras ${(k / d).toFixed(2)}x (load ${load()})`,
      );
    }
  } finally {
    keras.stdin.end();
    tf.dispose([x, y]);
  }
  const sorted = [...ratios].sort((a, b) => a - b);
  console.log(
    `median time vs Keras: ${sorted[Math.floor(sorted.length / 2)]!.toFixed(2)}x; load average at the end ${load()}`,
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
