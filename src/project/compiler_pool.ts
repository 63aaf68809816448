/**
 * Warm compilers for kernels still to come. Type-checking a first cell against deepdeck's and tfjs's
 * declarations takes a cold process over two seconds, longer than the rest of a kernel's start; `deepdeck
 * start` keeps this pool for as long as Jupyter runs, and the kernels it starts find it through
 * DEEPDECK_COMPILERS (Jupyter passes its environment on). A kernel asks for a compiler set up exactly as
 * its own would be (same folder, tslab, TypeScript, module paths and Node) and gets a spare's socket, or
 * none and starts its own. A spare is then warmed for that folder, once the machine has a core to spare,
 * so the next kernel there (a restart, another notebook) finds one.
 */
import { fork, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { packageRoot } from "./link";
import {
  onMessages,
  poolVariable,
  sendMessage,
  type Claim,
  type ClaimAnswer,
  type SpareReport,
} from "./compiler_socket";

interface Spare {
  process: ChildProcess;
  socket: string;
  cwd: string;
  execPath: string;
  /** Set when the spare reported ready. */
  key: string | null;
}

export interface CompilerPool {
  /** Where kernels ask; pass it to them as {@link poolVariable}. */
  readonly socket: string;
  /**
   * How many claims were answered with a spare (`given`) and how many without (`missed`); the processes of
   * the spares whose kernels connected (each then leaves the pool).
   */
  readonly stats: { given: number; missed: number; handedOver: number[] };
  /** Resolve once a spare for `cwd` is ready (tests and the benchmark wait for one); reject if it ends first. */
  spareReady(cwd: string): Promise<void>;
  close(): Promise<void>;
}

export interface PoolOptions {
  /** Folders to warm a spare for at once (the server's root). */
  folders?: string[];
  /** Spares are kept for this many folders, the most recently claimed. Default 2. */
  maxFolders?: number;
  /** How long after a claim the pool waits before it warms the replacement. Default 3000 ms. */
  replaceAfterMs?: number;
}

/** How many of the machine's CPUs were idle, on average, over the next `ms`. */
async function idleCores(ms: number): Promise<number> {
  const idle = () => cpus().reduce((sum, c) => sum + c.times.idle, 0);
  const before = idle();
  await new Promise((resolve) => setTimeout(resolve, ms).unref());
  return (idle() - before) / ms;
}

export async function startCompilerPool(options: PoolOptions = {}): Promise<CompilerPool> {
  const maxFolders = options.maxFolders ?? 2;
  const replaceAfterMs = options.replaceAfterMs ?? 3000;
  // Private to this user (mkdtemp makes it 0700): only their kernels can ask, or reach a spare.
  const dir = mkdtempSync(join(tmpdir(), "deepdeck-compilers-"));
  const socketIn = (name: string) =>
    process.platform === "win32" ? `\\\\.\\pipe\\${dir.replace(/[\\/:]/g, "-")}-${name}` : join(dir, name);
  const spares: Spare[] = [];
  /** Folders by their last claim, oldest first; a spare is kept for the last `maxFolders`. */
  const folders: { cwd: string; execPath: string }[] = [];
  const waiters: { cwd: string; resolve(): void; reject(e: Error): void }[] = [];
  /** Why the last spare of a folder ended before it was ready, until another starts there. */
  const failed = new Map<string, Error>();
  const timers = new Set<NodeJS.Timeout>();
  /** Spares handed to a kernel that has not connected yet. */
  const given = new Set<ChildProcess>();
  let closed = false;
  let serial = 0;
  const stats = { given: 0, missed: 0, handedOver: [] as number[] };

  // A spare's own kernels are none: it does not ask the pool for a compiler.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== poolVariable));
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    t.unref();
    timers.add(t);
  };
  /** Warm a spare for `cwd` after a while, once a core is free: not while a kernel there is starting. */
  function replaceWhenIdle(cwd: string, execPath: string): void {
    later(replaceAfterMs, () => {
      void idleCores(1000).then((free) => {
        if (closed) return;
        if (free >= 0.8) spawnSpare(cwd, execPath);
        else replaceWhenIdle(cwd, execPath);
      });
    });
  }

  function spawnSpare(cwd: string, execPath: string): void {
    if (closed || spares.some((s) => s.cwd === cwd && s.execPath === execPath)) return;
    const socket = socketIn(`spare-${++serial}`);
    const child = fork(join(packageRoot, "dist", "tslab", "compiler_process.js"), [socket], {
      cwd,
      execPath,
      // As a kernel runs: plain Node (not this process's flags, such as a test runner's loader).
      execArgv: [],
      env,
      // Its own process group: the terminal's Ctrl-C is for Jupyter, not for a kernel's compiler.
      detached: true,
      stdio: ["ignore", "ignore", "ignore", "ipc"],
    });
    failed.delete(cwd);
    const spare: Spare = { process: child, socket, cwd, execPath, key: null };
    spares.push(spare);
    child.on("message", (m: SpareReport) => {
      spare.key = m.ready;
      for (const w of waiters.filter((w) => w.cwd === cwd)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    });
    const ended = (how: string) => {
      const i = spares.indexOf(spare);
      if (i >= 0) spares.splice(i, 1);
      if (spare.key !== null) return;
      const why = new Error(`deepdeck: the warm compiler for ${cwd} ended before it was ready (${how}).`);
      failed.set(cwd, why);
      for (const w of waiters.filter((w) => w.cwd === cwd)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.reject(why);
      }
    };
    child.on("exit", (code, signal) => ended(signal ?? `exit code ${String(code)}`));
    // A folder that went away, say: the kernels there compile on their own.
    child.on("error", (e) => ended(e.message));
  }

  /** Note a claim in `cwd`: warm its replacement, and drop the spares of folders claimed longest ago. */
  function remember(cwd: string, execPath: string): void {
    const i = folders.findIndex((f) => f.cwd === cwd && f.execPath === execPath);
    if (i >= 0) folders.splice(i, 1);
    folders.push({ cwd, execPath });
    for (const old of folders.splice(0, Math.max(0, folders.length - maxFolders)))
      for (const s of spares.filter((s) => s.cwd === old.cwd && s.execPath === old.execPath)) s.process.kill();
    replaceWhenIdle(cwd, execPath);
  }

  function claim(c: Claim): ClaimAnswer {
    const spare = spares.find((s) => s.key === c.key && s.execPath === c.execPath);
    if (spare) {
      spares.splice(spares.indexOf(spare), 1);
      // The spare leaves the pool (its IPC channel) once the kernel connects; one that never hears from
      // its kernel (gone before it connected) is stopped.
      given.add(spare.process);
      spare.process.once("disconnect", () => {
        given.delete(spare.process);
        if (spare.process.pid !== undefined) stats.handedOver.push(spare.process.pid);
      });
      later(30_000, () => {
        if (given.has(spare.process)) spare.process.kill();
      });
      stats.given++;
    } else stats.missed++;
    remember(c.cwd, c.execPath);
    return { socket: spare?.socket ?? null };
  }

  const server: Server = createServer((socket) => {
    socket.on("error", () => {});
    onMessages(socket, (m) => {
      const c = m as Partial<Claim>;
      const valid = typeof c.key === "string" && typeof c.cwd === "string" && typeof c.execPath === "string";
      sendMessage(socket, valid ? claim(c as Claim) : ({ socket: null } satisfies ClaimAnswer));
      socket.end();
    });
  });
  const socket = socketIn("pool");
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socket, resolve);
  });
  for (const cwd of options.folders ?? []) {
    folders.push({ cwd, execPath: process.execPath });
    spawnSpare(cwd, process.execPath);
  }

  return {
    socket,
    stats,
    spareReady(cwd) {
      if (spares.some((s) => s.cwd === cwd && s.key !== null)) return Promise.resolve();
      const why = failed.get(cwd);
      if (why && !spares.some((s) => s.cwd === cwd)) return Promise.reject(why);
      return new Promise((resolve, reject) => waiters.push({ cwd, resolve, reject }));
    },
    async close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      for (const s of spares) s.process.kill();
      for (const p of given) p.kill();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
