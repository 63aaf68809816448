/**
 * Cold start of the deepdeck kernel: from asking Jupyter's client library for a kernel to the first
 * deepdeck result, as a student's first cell sees it. jupyter_client starts the registered kernel
 * (src/executor/kernel_session.py) and runs `import * as dd from "deepdeck"; await dd.ready();`.
 *
 *   node --import tsx bench/cold-start.ts [runs=5] [--baseline]
 *   DEEPDECK_BACKEND=wasm node --import tsx bench/cold-start.ts ...   (the kernel inherits the environment)
 *
 * Three rows for deepdeck's kernel, alternating in each run so the machine's load affects them alike:
 * - "restart": the cell the last session in this folder started with, as after a kernel restart and Run All;
 *   its compile comes from the kernel's cell cache (src/tslab/cell_cache.ts) when nothing it depends on changed;
 * - "new cell": a first cell this folder never ran (the same cell with a new comment), which the compiler
 *   type-checks against deepdeck's and tfjs's declarations while the kernel starts;
 * - "new cell, warm": the same, for a kernel started by `deepdeck start`, whose pool of warm compilers
 *   (src/project/compiler_pool.ts) has one ready for this folder, as it does a few seconds after a kernel
 *   last started here (the run waits for the spare, untimed).
 * One untimed session first fills the caches (V8's code cache of TypeScript, the cell cache), as any
 * earlier use of the kernel on the machine would.
 * --baseline also times stock tslab's kernel (what deepdeck's kernel ran before it served the protocol
 * itself) on the same cell, in the same runs.
 * Prints each run and the medians: "ready" is the kernel_info reply, "first result" the cell's reply (both
 * from asking for the kernel; the cell is sent the moment the kernel is ready, so it waits for everything a
 * start does), "kernel CPU" the kernel process's user + system time by then (all threads; a busy machine
 * stretches the wall times, less so this), and how long the kernel's main thread was ready to run but waited
 * for a CPU (/proc's schedstat): the first result less that wait is what a machine with a free core for it
 * would roughly give (an estimate: it does not remove the waits of the compiler thread or of Python's client).
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { installKernelSpec } from "../src/project/kernelspec";
import { runKernelSessionAsync, type SessionStep } from "../src/executor/kernel_session";
import { startCompilerPool, type CompilerPool } from "../src/project/compiler_pool";
import { poolVariable } from "../src/project/compiler_socket";

const args = process.argv.slice(2);
const runs = Number(args.find((a) => /^\d+$/.test(a)) ?? 5);
const baseline = args.includes("--baseline");
const scratch = mkdtempSync(join(tmpdir(), "deepdeck-cold-"));
const dataDir = join(scratch, "jupyter");
installKernelSpec({ dataDir });
if (baseline) {
  const dir = join(dataDir, "kernels", "stock-tslab");
  mkdirSync(dir, { recursive: true });
  const tslab = join(__dirname, "..", "node_modules", "tslab", "bin", "tslab");
  writeFileSync(
    join(dir, "kernel.json"),
    JSON.stringify({
      argv: [process.execPath, tslab, "kernel", "--config-path", "{connection_file}"],
      display_name: "tslab",
      language: "typescript",
    }),
  );
}
// A folder outside the checkout, as a student's own notebook would be (stock tslab needs the checkout's node_modules).
const folder = join(scratch, "notebook");
mkdirSync(folder);
const cacheDir = join(scratch, "cache");
const cell = 'import * as dd from "deepdeck";\nawait dd.ready();';

interface Times {
  ready: number;
  result: number;
  /** The kernel process's CPU time (user + system, every thread) when the result came; NaN off Linux. */
  cpu: number;
  /** How long the kernel's main thread, ready to run, waited for a CPU by then (the machine's load); NaN off Linux. */
  wait: number;
}

type Row = "restart" | "new cell" | "new cell, warm" | "stock-tslab";
let newCells = 0;
let backendReport = "";

async function once(row: Row, pool: CompilerPool, linger = 0): Promise<Times> {
  const kernel = row === "stock-tslab" ? "stock-tslab" : "deepdeck";
  const code = row.startsWith("new cell") ? `${cell}\n// new cell ${++newCells} ${Date.now()}` : cell;
  // As `deepdeck start` would have it a few seconds after the last kernel started here: a spare warmed, and
  // no spare warming while any row is timed.
  await pool.spareReady(folder);
  // Lingering lets the kernel write V8's code cache of TypeScript, a second after the compiler's first answer.
  const steps: SessionStep[] = [
    { type: "execute", code },
    ...(linger ? [{ type: "sleep" as const, seconds: linger }] : []),
  ];
  const run = await runKernelSessionAsync(steps, {
    kernel,
    cwd: kernel === "deepdeck" ? folder : join(__dirname, "..", "notebooks"),
    timeout: 120,
    // The kernel's caches in the scratch folder: the untimed first session fills them, the end removes them.
    env: {
      ...process.env,
      JUPYTER_DATA_DIR: dataDir,
      DEEPDECK_CACHE_DIR: cacheDir,
      ...(row === "new cell, warm" ? { [poolVariable]: pool.socket } : {}),
    },
  });
  const reply = run.results[0]?.reply?.content;
  if (reply?.["status"] !== "ok") throw new Error(`${kernel}: the cell failed: ${JSON.stringify(run.results[0])}`);
  const result = run.results[0]?.iopub.find((m) => m.msg_type === "execute_result");
  const text = (result?.content["data"] as Record<string, unknown> | undefined)?.["text/plain"];
  if (kernel === "deepdeck" && typeof text === "string") backendReport = text.split("\n")[0]!;
  return {
    ready: run.timing.ready,
    result: run.timing.steps[0]!,
    cpu: run.timing.cpu ?? NaN,
    wait: run.timing.main_wait ?? NaN,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows: Row[] = ["restart", "new cell", "new cell, warm", ...(baseline ? (["stock-tslab"] as const) : [])];
const times = new Map(rows.map((k) => [k, [] as Times[]]));
console.log(
  `${cpus().length} cores, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
);
async function main(): Promise<void> {
  // The pool's spares keep first cells where the kernels do.
  process.env["DEEPDECK_CACHE_DIR"] = cacheDir;
  const pool = await startCompilerPool({ folders: [folder] });
  try {
    await once("restart", pool, 3);
    console.log(`untimed first session done; the kernel reports: ${backendReport}`);
    for (let i = 0; i < runs; i++) {
      for (const k of rows) {
        const t = await once(k, pool);
        times.get(k)!.push(t);
        console.log(
          `${k.padEnd(14)} run ${i + 1}: ready ${t.ready.toFixed(2)} s, first result ${t.result.toFixed(2)} s, kernel CPU ${t.cpu.toFixed(2)} s, main thread waited for a CPU ${t.wait.toFixed(2)} s`,
        );
      }
    }
    for (const [k, ts] of times)
      console.log(
        `${k.padEnd(14)} median of ${ts.length}: ready ${median(ts.map((t) => t.ready)).toFixed(2)} s, first result ${median(ts.map((t) => t.result)).toFixed(2)} s, kernel CPU ${median(ts.map((t) => t.cpu)).toFixed(2)} s, main thread waited ${median(ts.map((t) => t.wait)).toFixed(2)} s, first result less that wait ${median(ts.map((t) => t.result - t.wait)).toFixed(2)} s`,
      );
    console.log(
      `load average after: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}`,
    );
  } finally {
    await pool.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

void main();
