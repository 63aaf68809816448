/**
 * npm run bench: training speed of the course's two models through model.fit, per backend configuration,
 * on random data of MNIST's shape. Prints samples/s, the projected time of one 60,000-sample epoch, and
 * the ratio to the baseline row measured in this same run. Not a test: numbers depend on the machine.
 *
 * Also times model.predict with default arguments. With the native backend built (npx deepdeck
 * install-native), its rows come first; Keras on TensorFlow (the R course's stack) runs the same
 * models in the same run through bench/keras_bench.py, and every row says its time relative to Keras's.
 *
 * The wasm rows run single-threaded (DEEPDECK_WASM_THREADS=1, DEEPDECK_FIT_WORKERS=0) except the multi-core
 * ones: "data-parallel fit" (DEEPDECK_FIT_WORKERS, worker threads with replicas, in this process), "default"
 * (DEEPDECK_FIT_WORKERS unset: fit chooses per model, data-parallel for the convnet, one thread for the MLP)
 * and "threaded build" (tfjs's threaded SIMD build on every core, which starts with the backend: a child
 * process of this script, BENCH_CHILD, measures it in the same run).
 *
 * Options (environment): BENCH_SCALE=2 trains twice as many samples per measurement; BENCH_CONFIGS=node,keras
 * runs only the configurations whose names start with those words; DEEPDECK_PYTHON names the Python with
 * Keras (default: the one install-native took TensorFlow from, else .venv/bin/python, else python3).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import * as tf from "@tensorflow/tfjs";
import * as dd from "../src/index";
import { setFilterGradPatchesLimit } from "../src/backend/conv2d_gradients";
import { useStockKernels } from "../src/backend/kernel_registry";
import { deepdeckKernels } from "../src/backend/kernels";
import { registerWasmBackend } from "../src/backend/ready";
import { compiled, courseConvnet, courseMlp } from "./course_models";
const scale = Number(process.env["BENCH_SCALE"] ?? 1);
// The wasm backend starts on one thread here; the threaded build is measured in a child process.
process.env["DEEPDECK_WASM_THREADS"] ??= "1";
// fit on one thread unless a row says otherwise (unset, fit chooses: the "default" row).
process.env["DEEPDECK_FIT_WORKERS"] = "0";
const cores = cpus().length;

interface ModelSpec {
  name: string;
  batchSize: number;
  build(): tf.Sequential;
  inputShape: number[];
}

const models: ModelSpec[] = [
  { name: "MLP 256-128-10", batchSize: 128, inputShape: [784], build: courseMlp },
  { name: "convnet 32-64-64", batchSize: 64, inputShape: [28, 28, 1], build: courseConvnet },
];

interface Config {
  name: string;
  backend: string;
  /** Batches timed per model (after one warm-up batch); cpu is slow, so fewer. */
  batches: Record<string, number>;
  /** Samples predicted (default arguments) per measurement. */
  predictSamples: number;
  setup?: () => void;
  teardown?: () => void;
  /** Measured in a child process of this script with this environment (the threaded build starts with the backend). */
  child?: Record<string, string>;
}

/** The wasm kernels deepdeck replaces or adds; the stock configuration runs with tfjs's own (or none). */
const replaced = deepdeckKernels.filter((k) => k.backendName === "wasm").map((k) => k.kernelName);
/** The replacements added in the second round (heap copies, max-pool gradient, filter gradient as patches). */
const secondRound = ["Slice", "GatherV2", "MaxPoolGrad", "Cast"];
let restore: () => void = () => {};

const configs: Config[] = [
  {
    name: "node (tfjs-node)",
    backend: "tensorflow",
    batches: { "MLP 256-128-10": 200, "convnet 32-64-64": 40 },
    predictSamples: 10000,
  },
  {
    name: "wasm, stock tfjs",
    backend: "wasm",
    batches: { "MLP 256-128-10": 40, "convnet 32-64-64": 4 },
    predictSamples: 10000,
    setup: () => void (restore = useStockKernels(replaced, "wasm")),
    teardown: () => restore(),
  },
  {
    // Before this round: deepdeck's matMul and convolution-gradient kernels only.
    name: "wasm + first deepdeck kernels",
    backend: "wasm",
    batches: { "MLP 256-128-10": 40, "convnet 32-64-64": 20 },
    predictSamples: 10000,
    setup() {
      restore = useStockKernels(secondRound, "wasm");
      setFilterGradPatchesLimit(0);
    },
    teardown() {
      restore();
      setFilterGradPatchesLimit(16);
    },
  },
  {
    // deepdeck's kernels, but tfjs's float32-accumulating Sum and Mean: what the double sums cost.
    name: "wasm + deepdeck kernels, stock Sum/Mean",
    backend: "wasm",
    batches: { "MLP 256-128-10": 40, "convnet 32-64-64": 20 },
    predictSamples: 10000,
    setup: () => void (restore = useStockKernels(["Sum", "Mean"], "wasm")),
    teardown: () => restore(),
  },
  {
    name: "wasm + deepdeck kernels",
    backend: "wasm",
    batches: { "MLP 256-128-10": 40, "convnet 32-64-64": 20 },
    predictSamples: 10000,
  },
  {
    name: `wasm + deepdeck kernels, data-parallel fit (${cores - 1} worker${cores === 2 ? "" : "s"})`,
    backend: "wasm",
    batches: { "MLP 256-128-10": 40, "convnet 32-64-64": 20 },
    predictSamples: 10000,
    setup: () => void (process.env["DEEPDECK_FIT_WORKERS"] = String(cores - 1)),
    teardown: () => void (process.env["DEEPDECK_FIT_WORKERS"] = "0"),
  },
  {
    // What a student gets: DEEPDECK_FIT_WORKERS unset, fit chooses per model (src/backend/fit_threads.ts).
    name: "wasm + deepdeck kernels, default (fit chooses)",
    backend: "wasm",
    batches: { "MLP 256-128-10": 40, "convnet 32-64-64": 20 },
    predictSamples: 10000,
    setup() {
      delete process.env["DEEPDECK_FIT_WORKERS"];
    },
    teardown: () => void (process.env["DEEPDECK_FIT_WORKERS"] = "0"),
  },
  {
    name: `wasm + deepdeck kernels, threaded build (${cores} threads)`,
    backend: "wasm",
    batches: { "MLP 256-128-10": 40, "convnet 32-64-64": 20 },
    predictSamples: 10000,
    child: { DEEPDECK_WASM_THREADS: String(cores) },
  },
  {
    name: "cpu (pure JS)",
    backend: "cpu",
    batches: { "MLP 256-128-10": 4, "convnet 32-64-64": 1 },
    predictSamples: 500,
  },
];

/** model.predict with its default arguments (batch size 32), as a notebook calls it; samples/s. */
async function measurePredict(spec: ModelSpec, samples: number): Promise<number> {
  const model = spec.build();
  const x = tf.randomUniform([Math.max(1, Math.round(samples * scale)), ...spec.inputShape]);
  try {
    tf.dispose(model.predict(x.slice(0, 32)));
    const t0 = performance.now();
    const y = model.predict(x) as tf.Tensor;
    await y.data();
    y.dispose();
    return x.shape[0] / ((performance.now() - t0) / 1000);
  } finally {
    x.dispose();
    model.dispose();
  }
}

async function measure(spec: ModelSpec, batches: number): Promise<number> {
  const n = spec.batchSize * Math.max(1, Math.round(batches * scale));
  const model = spec.build();
  compiled(model);
  const x = tf.randomUniform([n, ...spec.inputShape]);
  const y = tf.oneHot(tf.randomUniform([n], 0, 10, "int32"), 10);
  const warm = tf.randomUniform([spec.batchSize, ...spec.inputShape]);
  const warmY = tf.oneHot(tf.randomUniform([spec.batchSize], 0, 10, "int32"), 10);
  try {
    await model.fit(warm, warmY, { epochs: 1, batchSize: spec.batchSize, verbose: 0 });
    const t0 = performance.now();
    await model.fit(x, y, { epochs: 1, batchSize: spec.batchSize, verbose: 0 });
    return n / ((performance.now() - t0) / 1000);
  } finally {
    tf.dispose([x, y, warm, warmY]);
    model.dispose();
  }
}

interface KerasRun {
  keras: string;
  tensorflow: string;
  models: Record<string, { train: number; predict: number }>;
}

function kerasPython(report: dd.BackendReport): string {
  const fromInstall = report.attempts.find((a) => a.provenance?.python)?.provenance?.python;
  const venv = join(__dirname, "..", ".venv", "bin", "python");
  return process.env["DEEPDECK_PYTHON"] ?? fromInstall ?? (existsSync(venv) ? venv : "python3");
}

/** Keras on TensorFlow, the same models and sample counts as the node rows; null with the reason when it cannot run. */
function runKeras(python: string, samples: Record<string, number>): KerasRun | string {
  const r = spawnSync(python, [join(__dirname, "keras_bench.py"), JSON.stringify(samples), "3"], {
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
  });
  if (r.status !== 0)
    return `not run: ${python} failed (${(r.stderr || String(r.error)).trim().split("\n").at(-1) ?? ""})`;
  return JSON.parse(r.stdout.trim().split("\n").at(-1)!) as KerasRun;
}

/** The median train rate and the predict rate of `config` for `spec`, in this process. */
async function rates(config: Config, spec: ModelSpec): Promise<{ train: number; predict: number }> {
  // The median of three: single runs on a small shared machine vary by ±20%.
  const runs: number[] = [];
  for (let r = 0; r < (config.backend === "cpu" ? 1 : 3); r++)
    runs.push(await measure(spec, config.batches[spec.name]!));
  const train = runs.sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;
  return { train, predict: await measurePredict(spec, config.predictSamples) };
}

/** The same measurement in a child process with `config.child`'s environment. */
function ratesInChild(config: Config, spec: ModelSpec): { train: number; predict: number } {
  const r = spawnSync(process.execPath, ["--import", "tsx", __filename], {
    encoding: "utf8",
    env: { ...process.env, ...config.child, BENCH_CHILD: JSON.stringify({ config: config.name, model: spec.name }) },
  });
  if (r.status !== 0) throw new Error((r.stderr || "child failed").trim().split("\n").at(-1));
  return JSON.parse(r.stdout.trim().split("\n").at(-1)!) as { train: number; predict: number };
}

async function child(which: { config: string; model: string }): Promise<void> {
  process.env["DEEPDECK_BACKEND"] = "wasm";
  await dd.ready();
  const config = configs.find((c) => c.name === which.config)!;
  console.log(
    JSON.stringify(
      await rates(
        config,
        models.find((m) => m.name === which.model)!,
      ),
    ),
  );
}

const wanted = process.env["BENCH_CONFIGS"]?.split(",").map((w) => w.trim().toLowerCase());
const want = (name: string) => !wanted || wanted.some((w) => name.toLowerCase().startsWith(w));

async function main(): Promise<void> {
  const report = await dd.ready();
  // ready() stops at the first backend that works; the wasm rows need deepdeck's wasm kernels too.
  registerWasmBackend();
  const haveNode = (tf.findBackendFactory("tensorflow") as unknown) != null;
  console.log(
    `machine: ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), Node ${process.version}, tfjs ${tf.version_core}`,
  );
  console.log(String(report));
  console.log(
    `scale: ${scale} (BENCH_SCALE); load average at the start: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(", ")}\n`,
  );
  const active = configs.filter((c) => want(c.name) && (c.backend !== "tensorflow" || haveNode));
  const nodeConfig = configs[0]!;
  let keras: KerasRun | string | null = null;
  if (want("keras")) {
    const python = kerasPython(report);
    const samples = Object.fromEntries(
      models.map((m) => [m.name, m.batchSize * Math.max(1, Math.round(nodeConfig.batches[m.name]! * scale))]),
    );
    keras = runKeras(python, samples);
    console.log(
      typeof keras === "string"
        ? `Keras: ${keras}`
        : `Keras ${keras.keras} on TensorFlow ${keras.tensorflow} (${python})`,
    );
  }
  const rows: string[][] = [
    [
      "model",
      "configuration",
      "train samples/s",
      "s/epoch (60k)",
      "vs baseline",
      "time vs Keras",
      "predict samples/s",
      "vs baseline",
      "time vs Keras",
    ],
  ];
  const vsKeras = (spec: ModelSpec, rate: number, what: "train" | "predict") => {
    const k = typeof keras === "object" && keras ? keras.models[spec.name]?.[what] : undefined;
    return k ? `${(k / rate).toFixed(2)}x` : "-";
  };
  for (const spec of models) {
    let baseline: number | null = null;
    let predictBaseline: number | null = null;
    if (typeof keras === "object" && keras) {
      const k = keras.models[spec.name]!;
      rows.push([
        spec.name,
        `Keras ${keras.keras}, TensorFlow ${keras.tensorflow}`,
        k.train.toFixed(0),
        (60000 / k.train).toFixed(1),
        "-",
        "1.00x",
        k.predict.toFixed(0),
        "-",
        "1.00x",
      ]);
    }
    for (const config of active) {
      await tf.setBackend(config.backend);
      // The cpu backend's "install tfjs-node" banner says nothing this table does not.
      (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
      config.setup?.();
      let cell: string[];
      let predictRate: number | null = null;
      try {
        const measured = config.child ? ratesInChild(config, spec) : await rates(config, spec);
        const rate = measured.train;
        predictRate = measured.predict;
        if (config.backend !== "tensorflow") baseline ??= rate;
        cell = [
          rate.toFixed(0),
          (60000 / rate).toFixed(1),
          baseline ? `${(rate / baseline).toFixed(2)}x` : "-",
          vsKeras(spec, rate, "train"),
        ];
      } catch (e) {
        cell = [`fails: ${(e as Error).message.split("\n")[0]!.slice(0, 60)}`, "-", "-", "-"];
      }
      try {
        if (predictRate === null) throw new Error("not measured");
        const rate = predictRate;
        if (config.backend !== "tensorflow") predictBaseline ??= rate;
        cell.push(
          rate.toFixed(0),
          predictBaseline ? `${(rate / predictBaseline).toFixed(2)}x` : "-",
          vsKeras(spec, rate, "predict"),
        );
      } catch (e) {
        cell.push(`fails: ${(e as Error).message.split("\n")[0]!.slice(0, 40)}`, "-", "-");
      } finally {
        config.teardown?.();
      }
      rows.push([spec.name, `${config.name} (${tf.getBackend()})`, ...cell]);
      console.error(`  done: ${spec.name} / ${config.name}`);
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => "| " + r.map((c, i) => c.padEnd(widths[i]!)).join(" | ") + " |";
  console.log(line(rows[0]!));
  console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
  for (const r of rows.slice(1)) console.log(line(r));
  console.log(
    "\nbaseline: the first wasm or cpu configuration that ran for each model (stock wasm where it can train).",
  );
  console.log("time vs Keras: this row's time for the same work divided by Keras's (1.50x = 50% slower).");
  console.log("predict: model.predict(x) with default arguments (batch size 32) on random inputs.");
  console.log(
    `load average at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(", ")} (${cores} cores)`,
  );
}

const childRun = process.env["BENCH_CHILD"];
(childRun ? child(JSON.parse(childRun) as { config: string; model: string }) : main()).catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
