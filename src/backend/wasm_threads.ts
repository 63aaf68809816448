/**
 * The wasm backend on every core under Node: tfjs's threaded SIMD build, whose XNNPACK threadpool splits
 * convolutions and matrix products (forward and, through deepdeck's gradients, backward) across threads.
 * tfjs 4.22 ships the build but never starts it under Node, for four reasons, each undone here:
 * 1. its WASM_HAS_MULTITHREAD_SUPPORT flag answers false whenever IS_NODE (tfjs issue 3830);
 * 2. Emscripten's pthread workers are created from a `blob:` URL, which Node's Worker refuses, and each
 *    is told to load the glue script from a Blob, which its `importScripts` (fs.readFileSync) cannot read:
 *    we run the worker's script with `eval` and point it at the glue's file in the package;
 * 3. the C++ side caps the threads at `emscripten_num_logical_cores() / 2` (it assumes two hyperthreads
 *    per core), so a 2-core machine gets 1 thread whatever `setThreadsCount` says: while the module
 *    starts, `os.cpus()` (what Emscripten asks under Node) reports each core twice;
 * 4. a running pthread holds a reference that keeps Node from exiting; ours never do.
 * Emscripten also starts a pool of 8 workers (its PTHREAD_POOL_SIZE) and waits for all of them to load
 * the module; ours start a thread only when a pthread is first run on them (XNNPACK runs threads − 1).
 * Results are the same as on one thread: XNNPACK splits the output, never a sum.
 */
import * as tf from "@tensorflow/tfjs";
import { EventEmitter } from "node:events";
import { dirname, join } from "node:path";
import { Worker } from "node:worker_threads";
import { messages } from "../messages";

interface WasmModule {
  setThreadsCount(n: number): void;
  getThreadsCount(): number;
}
type Factory = () => tf.KernelBackend | Promise<tf.KernelBackend>;
interface Registry {
  registryFactory: Record<string, { factory: Factory; priority: number } | undefined>;
  registry: Record<string, tf.KernelBackend | undefined>;
}

/** Emscripten's pool never grows past its 8 workers, and XNNPACK gains little past that. */
const maxThreads = 8;

/**
 * The threads the wasm backend should use: `DEEPDECK_WASM_THREADS` (default 1, the single-threaded build;
 * at most 8). Off by default: measured on a shared 2-core machine with no idle core, two threads were
 * slower than one (XNNPACK's threads meet at a barrier in every op, and wait there for a descheduled one).
 */
export function wasmThreadsWanted(): number {
  const v = process.env["DEEPDECK_WASM_THREADS"];
  if (v === undefined || v.trim() === "") return 1;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(messages.badWasmThreads(v, maxThreads));
  return Math.min(n, maxThreads);
}

function wasmPackageDir(): string {
  return join(dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "wasm-out");
}

/**
 * The pthread worker's own script, made to keep any message that arrives before the module is loaded
 * until it is (ours posts "load" and "run" together; Emscripten's waits for "loaded" in between).
 */
function workerScript(): string {
  const { wasmWorkerContents } = require(join(wasmPackageDir(), "tfjs-backend-wasm-threaded-simd.worker.js")) as {
    wasmWorkerContents: string;
  };
  const holdUntilLoaded =
    ";(function(){var held=[],loaded=false,handle=self.onmessage,start=self.startWorker;" +
    "self.startWorker=function(m){start(m);loaded=true;held.splice(0).forEach(handle)};" +
    'self.onmessage=function(e){if(!loaded&&e.data&&e.data.cmd!=="load")held.push(e);else handle(e)}})();';
  // The script is a template string in the package: its "\n" escapes became newlines inside string literals.
  return wasmWorkerContents.replace(/\n/g, "\\n") + holdUntilLoaded;
}

/** Threads started in this process (a test checks that training used them). */
let threadsStarted = 0;

/** The worker Emscripten's glue creates, standing in for a Node worker until a pthread runs on it. */
function pthreadWorkerClass(script: string, glue: string) {
  return class PthreadWorker extends EventEmitter {
    private real: Worker | null = null;
    private load: Record<string, unknown> | null = null;
    // Emscripten reads and sets these on its workers.
    onmessage: unknown = null;
    onerror: unknown = null;
    loaded = false;
    pthread_ptr = 0;

    postMessage(message: Record<string, unknown>, transfer?: readonly Transferable[]): void {
      if (message["cmd"] === "load") {
        this.load = { ...message, urlOrBlob: glue };
        setImmediate(() => this.emit("message", { cmd: "loaded" }));
        return;
      }
      if (!this.real) this.real = this.start();
      this.real.postMessage(message, transfer as Parameters<Worker["postMessage"]>[1]);
    }

    private start(): Worker {
      const w = new Worker(script, { eval: true });
      w.on("message", (d: { cmd?: string } | undefined) => {
        if (d?.cmd !== "loaded") this.emit("message", d);
      });
      w.on("error", (e) => this.emit("error", e));
      // After the listeners: adding a "message" listener references the port again.
      w.unref();
      w.postMessage(this.load);
      threadsStarted++;
      return w;
    }

    ref(): void {}
    unref(): void {}
    terminate(): Promise<number> {
      return this.real ? this.real.terminate() : Promise.resolve(0);
    }
  };
}

/** Run `init` with the globals Emscripten's threaded glue reads under Node set as described at the top. */
async function withThreadedGlue<T>(threads: number, init: () => Promise<T>): Promise<T> {
  const os = require("node:os") as typeof import("node:os");
  const cpus = os.cpus;
  const worker = Object.getOwnPropertyDescriptor(globalThis, "Worker");
  const PthreadWorker = pthreadWorkerClass(
    workerScript(),
    join(wasmPackageDir(), "tfjs-backend-wasm-threaded-simd.js"),
  );
  // The glue assigns Node's Worker to the global; this one stays in place while it starts.
  Object.defineProperty(globalThis, "Worker", { configurable: true, get: () => PthreadWorker, set: () => {} });
  os.cpus = () => Array.from({ length: 2 * threads }, (_, i) => cpus()[i % Math.max(1, cpus().length)]!);
  try {
    return await init();
  } finally {
    os.cpus = cpus;
    if (worker) Object.defineProperty(globalThis, "Worker", worker);
    else delete (globalThis as { Worker?: unknown }).Worker;
  }
}

let lastProblem: string | null = null;

/**
 * Make the wasm backend start on `wasmThreadsWanted()` threads when it first starts (DEEPDECK_WASM_THREADS=1:
 * the single-threaded build, as stock tfjs). Call after loading @tensorflow/tfjs-backend-wasm and before
 * the backend starts; once it has started, this changes nothing. If the threaded build fails to start, the
 * backend starts single-threaded and {@link wasmThreadsProblem} says why.
 */
export function useThreadedWasm(): void {
  const engine = tf.engine() as unknown as Registry;
  const entry = engine.registryFactory["wasm"];
  if (!entry || engine.registry["wasm"] || (entry.factory as { threaded?: boolean }).threaded) return;
  const stock = entry.factory;
  const wasm = require("@tensorflow/tfjs-backend-wasm") as WasmModule;
  const threaded = async (): Promise<tf.KernelBackend> => {
    const threads = wasmThreadsWanted();
    if (threads <= 1) return stock();
    tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", true);
    wasm.setThreadsCount(threads);
    try {
      return await withThreadedGlue(threads, async () => stock());
    } catch (e) {
      lastProblem = e instanceof Error ? e.message : String((e as { message?: unknown }).message ?? e);
      tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
      wasm.setThreadsCount(1);
      return stock();
    }
  };
  entry.factory = Object.assign(threaded, { threaded: true });
}

/** The threads the started wasm backend computes on (1 before it starts, or on the single-threaded build). */
export function wasmThreadCount(): number {
  try {
    return (require("@tensorflow/tfjs-backend-wasm") as WasmModule).getThreadsCount();
  } catch {
    return 1;
  }
}

/** Why the threaded build did not start, or null. */
export function wasmThreadsProblem(): string | null {
  return lastProblem;
}

/** How many pthread workers this process has started (0 on the single-threaded build). */
export function wasmThreadsStarted(): number {
  return threadsStarted;
}
