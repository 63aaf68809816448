/**
 * One session of a Jupyter kernel driven over ZeroMQ by jupyter_client (kernel_session.py): requests
 * sent as a front-end sends them, replies and iopub messages recorded. The protocol tests and the
 * cold-start benchmark use it.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { findPython } from "./execute";

export type SessionStep =
  | {
      type: "execute";
      code: string;
      silent?: boolean;
      store_history?: boolean;
      stop_on_error?: boolean;
      /** Seconds after which to interrupt the kernel (SIGINT, as a front-end's interrupt button). */
      interrupt_after?: number;
      timeout?: number;
    }
  | { type: "complete" | "inspect"; code: string; cursor_pos: number; timeout?: number }
  | { type: "is_complete"; code: string; timeout?: number }
  | ({ type: "history"; hist_access_type: "tail" | "range" | "search"; timeout?: number } & Record<string, unknown>)
  | { type: "kernel_info"; timeout?: number }
  | { type: "sleep"; seconds: number };

export interface WireMessage {
  msg_type: string;
  content: Record<string, unknown>;
}

export interface StepResult {
  reply: WireMessage | null;
  iopub: WireMessage[];
  timed_out?: boolean;
}

export interface SessionResult {
  /**
   * Seconds from asking for the kernel: `ready` when it answered kernel_info, `steps` after each step;
   * `cpu` is the kernel process's CPU time (user + system) after the steps, `main_wait` how long its main
   * thread was ready to run but waited for a CPU (a busy machine's share of the wall time), where /proc has
   * them (Linux).
   */
  timing: { ready: number; steps: number[]; cpu?: number; main_wait?: number };
  results: (StepResult | null)[];
}

export interface SessionOptions {
  kernel?: string;
  /** The folder the kernel runs in (the notebook's folder). */
  cwd?: string;
  /** Seconds each step may take. */
  timeout?: number;
  env?: NodeJS.ProcessEnv;
}

const driver = join(dirname(__filename), "..", "..", "src", "executor", "kernel_session.py");

/** What a session runs: kernel_session.py reads `input` and writes its record to `out`, in `dir`. */
function sessionCommand(steps: SessionStep[], options: SessionOptions) {
  const env = options.env ?? process.env;
  const input = JSON.stringify({
    kernel: options.kernel ?? "deepdeck",
    cwd: options.cwd,
    timeout: options.timeout ?? 60,
    steps,
  });
  const dir = mkdtempSync(join(tmpdir(), "deepdeck-session-"));
  return { python: findPython(env), env, input, dir, out: join(dir, "session.json") };
}

function sessionRecord(out: string, status: number | null, stderr: string): SessionResult {
  if (status !== 0 || !existsSync(out)) throw new Error(`kernel_session.py failed (exit ${status}):\n${stderr}`);
  return JSON.parse(readFileSync(out, "utf8")) as SessionResult;
}

export function runKernelSession(steps: SessionStep[], options: SessionOptions = {}): SessionResult {
  const { python, env, input, dir, out } = sessionCommand(steps, options);
  try {
    const run = spawnSync(python, [driver, out], { input, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    return sessionRecord(out, run.status, run.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** {@link runKernelSession} without blocking this process (which may be serving the kernel something). */
export async function runKernelSessionAsync(
  steps: SessionStep[],
  options: SessionOptions = {},
): Promise<SessionResult> {
  const { python, env, input, dir, out } = sessionCommand(steps, options);
  try {
    const child = spawn(python, [driver, out], { env, stdio: ["pipe", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.stdin.end(input);
    const status = await new Promise<number | null>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", resolve);
    });
    return sessionRecord(out, status, stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
