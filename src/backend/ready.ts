/**
 * Choosing the TensorFlow.js backend: the fastest one this machine has, said out loud.
 * Order: tfjs-node-gpu (CUDA), tfjs-node (libtensorflow), wasm (SIMD), cpu; DEEPDECK_BACKEND overrides.
 */
import * as tf from "@tensorflow/tfjs";
import { inspect } from "node:util";
import { existsSync } from "node:fs";
import { messages } from "../messages";
import { installKernels } from "./kernel_registry";
import { deepdeckKernels } from "./kernels";
import { fitThreadsLine } from "./fit_threads";
import { useThreadedWasm, wasmThreadCount, wasmThreadsProblem } from "./wasm_threads";
import {
  addonPath,
  describeProvenance,
  nativePackageDir,
  quietProgressBarOffTerminal,
  readProvenance,
  withQuietStderr,
  type NativePackage,
  type NativeProvenance,
} from "./native";

/** The backends deepdeck can choose, fastest first. */
export const backendChoices = ["node-gpu", "node", "wasm", "cpu"] as const;
export type BackendChoice = (typeof backendChoices)[number];

/** Why a backend was or was not taken. */
export interface BackendAttempt {
  choice: BackendChoice;
  available: boolean;
  /** What made it unavailable, or how it runs. */
  detail: string;
  /** The TensorFlow version a native backend runs (TF_Version). */
  tensorflow?: string;
  /** Where a native backend's TensorFlow came from, as `deepdeck install-native` recorded it. */
  provenance?: NativeProvenance;
}

/** What {@link ready} chose, and why the faster backends were not taken. */
export interface BackendReport {
  /** The choice deepdeck made. */
  choice: BackendChoice;
  /** TensorFlow.js's name for the active backend (`tensorflow`, `wasm`, `cpu`). */
  backend: string;
  /** Set when DEEPDECK_BACKEND chose the backend. */
  override?: BackendChoice;
  /** Every backend looked at, fastest first. */
  attempts: BackendAttempt[];
  /** On wasm: how `model.fit` uses the cores, and why (src/backend/fit_threads.ts). */
  fit?: string;
  /** The report as a notebook shows it: the backend, then one line per backend looked at. */
  toString(): string;
}

const packages: Partial<Record<BackendChoice, string>> = {
  "node-gpu": "@tensorflow/tfjs-node-gpu",
  node: "@tensorflow/tfjs-node",
};

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0]!;
}

/** How to get a native backend that is not there, said in the report. */
function howToInstall(choice: "node-gpu" | "node"): string {
  return choice === "node-gpu"
    ? "run `npx deepdeck install-native --gpu` (needs a CUDA TensorFlow from pip: pip install 'tensorflow[and-cuda]')"
    : "run `npx deepdeck install-native` (builds it offline against pip's TensorFlow: pip install tensorflow-cpu)";
}

/**
 * TensorFlow's C++ logging writes INFO lines to stderr (the CPU-features notice), which a notebook shows
 * as errors; warnings and errors still print. The user's own setting wins.
 */
function quietTensorFlowLogs(): void {
  process.env["TF_CPP_MIN_LOG_LEVEL"] ??= "2";
}

async function tryNative(choice: "node-gpu" | "node"): Promise<BackendAttempt> {
  const pkg = packages[choice]! as NativePackage;
  const dir = nativePackageDir(pkg);
  if (!dir) return { choice, available: false, detail: `not installed: ${howToInstall(choice)}` };
  if (!existsSync(addonPath(dir)))
    return {
      choice,
      available: false,
      detail: `${pkg} is installed but its addon is not built: ${howToInstall(choice)}`,
    };
  try {
    quietTensorFlowLogs();
    withQuietStderr(dir, () => {
      require(pkg);
    });
    installKernels(deepdeckKernels, "tensorflow");
    quietProgressBarOffTerminal(pkg);
    if (!tf.findBackendFactory("tensorflow"))
      return {
        choice,
        available: false,
        detail: `${pkg} loaded but registered no backend (is it built for @tensorflow/tfjs ${tf.version_core}?)`,
      };
    if (!(await tf.setBackend("tensorflow"))) return { choice, available: false, detail: `${pkg} did not initialise` };
    const binding = (tf.backend() as unknown as { binding?: { TF_Version?: string } }).binding;
    const provenance = readProvenance(dir);
    const version = (require(`${pkg}/package.json`) as { version: string }).version;
    return {
      choice,
      available: true,
      detail: `${describeProvenance(provenance, binding?.TF_Version)}, through ${pkg} ${version}`,
      ...(binding?.TF_Version ? { tensorflow: binding.TF_Version } : {}),
      ...(provenance ? { provenance } : {}),
    };
  } catch (e) {
    return {
      choice,
      available: false,
      detail: `${pkg} failed to load (${firstLine(e)}): ${howToInstall(choice).replace(/^run/, "run again")}`,
    };
  }
}

const processEvents = ["unhandledRejection", "uncaughtException"] as const;

/**
 * Run `init`, then remove the process-wide error handlers it added. The wasm backend's Emscripten glue
 * adds handlers that rethrow every unhandled rejection and uncaught exception, which kills a Jupyter
 * kernel over one forgotten promise in one cell (tslab's own handlers report them and carry on).
 */
async function withoutNewErrorHandlers<T>(init: () => Promise<T>): Promise<T> {
  const emitter = process as NodeJS.EventEmitter;
  const before = new Map(processEvents.map((e) => [e, new Set(emitter.listeners(e))]));
  try {
    return await init();
  } finally {
    for (const event of processEvents) {
      for (const listener of emitter.listeners(event)) {
        if (!before.get(event)!.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
      }
    }
  }
}

/**
 * Load the wasm backend and put deepdeck's kernels on it, without switching to it (tests compare it with
 * cpu whichever backend DEEPDECK_BACKEND chose). Loading it registers tfjs's own kernels, so ours go after.
 * DEEPDECK_WASM_THREADS=N starts it on N threads (src/backend/wasm_threads.ts).
 */
export function registerWasmBackend(): void {
  require("@tensorflow/tfjs-backend-wasm");
  useThreadedWasm();
  installKernels(deepdeckKernels, "wasm");
}

async function tryWasm(): Promise<BackendAttempt> {
  try {
    registerWasmBackend();
    if (!(await withoutNewErrorHandlers(() => tf.setBackend("wasm"))))
      return { choice: "wasm", available: false, detail: "the WebAssembly module did not initialise" };
    const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
    const threads = wasmThreadCount();
    const problem = wasmThreadsProblem();
    return {
      choice: "wasm",
      available: true,
      detail: `WebAssembly, ${simd ? "SIMD" : "no SIMD"}, ${threads === 1 ? "1 thread" : `${threads} threads`}${problem ? ` (threads failed to start: ${problem})` : ""}`,
    };
  } catch (e) {
    return { choice: "wasm", available: false, detail: `failed to load: ${firstLine(e)}` };
  }
}

async function tryCpu(): Promise<BackendAttempt> {
  const ok = await tf.setBackend("cpu");
  // The cpu backend greets Node users with a banner urging tfjs-node; our report already says why.
  if (ok) (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  return { choice: "cpu", available: ok, detail: ok ? "plain JavaScript (slowest)" : "did not initialise" };
}

async function attempt(choice: BackendChoice): Promise<BackendAttempt> {
  if (choice === "node-gpu" || choice === "node") return tryNative(choice);
  return choice === "wasm" ? tryWasm() : tryCpu();
}

function parseOverride(value: string | undefined): BackendChoice | undefined {
  if (value === undefined || value === "") return undefined;
  const v = value.trim().toLowerCase();
  const aliases: Record<string, BackendChoice> = {
    tensorflow: "node",
    "tfjs-node": "node",
    "tfjs-node-gpu": "node-gpu",
    gpu: "node-gpu",
  };
  const choice = aliases[v] ?? v;
  if (!(backendChoices as readonly string[]).includes(choice))
    throw new Error(messages.badBackendName(value, backendChoices));
  return choice as BackendChoice;
}

function describeReport(r: BackendReport): string {
  const lines = [
    `TensorFlow.js backend: ${r.backend} (${r.choice}${r.override ? ", chosen by DEEPDECK_BACKEND" : ""})`,
  ];
  for (const a of r.attempts) lines.push(`  ${a.available ? "✓" : "✗"} ${a.choice.padEnd(8)} ${a.detail}`);
  if (r.fit) lines.push(`  ${r.fit}`);
  return lines.join("\n");
}

let pending: Promise<BackendReport> | null = null;
let lastReport: BackendReport | null = null;

async function choose(): Promise<BackendReport> {
  const override = parseOverride(process.env["DEEPDECK_BACKEND"]);
  const attempts: BackendAttempt[] = [];
  const order = override ? [override] : backendChoices;
  for (const choice of order) {
    const a = await attempt(choice);
    attempts.push(a);
    if (a.available) {
      await tf.ready();
      const backend = tf.getBackend();
      const report: BackendReport = {
        choice,
        backend,
        attempts,
        ...(override ? { override } : {}),
        ...(backend === "wasm" ? { fit: fitThreadsLine() } : {}),
      };
      Object.defineProperty(report, inspect.custom, { value: () => describeReport(report), enumerable: false });
      Object.defineProperty(report, "toString", { value: () => describeReport(report), enumerable: false });
      lastReport = report;
      return report;
    }
  }
  throw new Error(override ? messages.backendUnavailable(override, attempts[0]!.detail) : messages.noBackend());
}

/**
 * Choose and start the fastest TensorFlow.js backend, once; later calls return the same report.
 * Every deepdeck helper that trains or loads data awaits it; call it first in a notebook.
 *
 * @example
 * await dd.ready()   // TensorFlow.js backend: wasm (wasm) ✓ wasm WebAssembly, SIMD, 1 thread ...
 */
export function ready(): Promise<BackendReport> {
  if (!pending) {
    pending = choose().catch((e: unknown) => {
      pending = null;
      throw e;
    });
  }
  return pending;
}

/** The report of the last successful {@link ready}, or null before it. */
export function backendReport(): BackendReport | null {
  return lastReport;
}

/** Forget the chosen backend so the next {@link ready} chooses again (after changing DEEPDECK_BACKEND). */
export function resetBackendChoice(): void {
  pending = null;
  lastReport = null;
}

/**
 * Load the native addon the next {@link ready} would try first (libtensorflow: most of a native ready()),
 * without choosing a backend or registering one. The kernel calls it at start, while TypeScript compiles
 * the first cell, so that cell's `ready()` finds it loaded. Nothing happens when DEEPDECK_BACKEND names
 * wasm or cpu (or is not a backend's name) or no addon is built; a failure to load is left for ready() to
 * report, as it would have.
 */
export function preloadNativeBackend(): void {
  let override: BackendChoice | undefined;
  try {
    override = parseOverride(process.env["DEEPDECK_BACKEND"]);
  } catch {
    return;
  }
  for (const choice of ["node-gpu", "node"] as const) {
    if (override !== undefined && override !== choice) continue;
    const dir = nativePackageDir(packages[choice]! as NativePackage);
    if (!dir) continue;
    const addon = addonPath(dir);
    if (!existsSync(addon)) continue;
    try {
      quietTensorFlowLogs();
      withQuietStderr(dir, () => require(addon) as unknown);
    } catch {
      // ready() loads it again and says why it failed.
    }
    return;
  }
}
