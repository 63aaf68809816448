/**
 * The kernel's compiler: a warm one from `deepdeck start`'s pool (src/project/compiler_pool.ts) when the kernel was
 * started by it and it has one for this folder, else the kernel's own in a worker thread. Either answers
 * the same requests (compiler_service.ts), one at a time, in order.
 */
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { CompilerAnswer, CompilerRequest } from "./compiler_service";
import type { CompilerWorkerData } from "./compiler_worker";
import {
  askOnce,
  onMessages,
  poolVariable,
  sendMessage,
  type Claim,
  type ClaimAnswer,
} from "../project/compiler_socket";
import { compilerKey, deepdeckRoot } from "./kernel_modules";

export type Request = CompilerRequest extends infer R ? (R extends CompilerRequest ? Omit<R, "id"> : never) : never;

export interface Compiler {
  ask<T>(req: Request): Promise<T>;
  /** Where the compiler runs: "pool" (a warm one from `deepdeck start`) or "worker" (the kernel's own). */
  where(): Promise<"pool" | "worker">;
  close(): void;
}

/** How long a kernel waits for the pool's answer before it starts its own compiler (the pool is local). */
const claimTimeoutMs = 1000;

interface Channel {
  send(req: CompilerRequest): void;
  close(): void;
}

/** The worker thread's channel (compiler_worker.ts). */
function workerChannel(
  data: CompilerWorkerData,
  receive: (m: CompilerAnswer) => void,
  fail: (e: Error) => void,
): Channel {
  // Always the built file: tests import this module from src/ through tsx, which a worker would not have.
  const worker = new Worker(join(deepdeckRoot, "dist", "tslab", "compiler_worker.js"), {
    workerData: data,
    stdout: true,
    stderr: true,
  });
  // The compiler's own chatter is not the cell's output.
  worker.stdout.resume();
  worker.stderr.resume();
  worker.unref();
  worker.on("message", receive);
  worker.on("error", fail);
  worker.on("exit", (code) => fail(new Error(`deepdeck kernel: the TypeScript compiler stopped (exit ${code}).`)));
  return { send: (req) => worker.postMessage(req), close: () => void worker.terminate() };
}

/** A claimed spare's channel, or null when it cannot be reached. */
function socketChannel(
  path: string,
  receive: (m: CompilerAnswer) => void,
  fail: (e: Error) => void,
): Promise<Channel | null> {
  return new Promise((resolve) => {
    const socket: Socket = connect(path);
    socket.once("error", () => resolve(null));
    socket.once("connect", () => {
      socket.unref();
      socket.on("error", () => {});
      socket.on("close", () =>
        fail(new Error("deepdeck kernel: the TypeScript compiler stopped (its process ended).")),
      );
      onMessages(socket, (m) => receive(m as CompilerAnswer));
      resolve({ send: (req) => sendMessage(socket, req), close: () => socket.destroy() });
    });
  });
}

/** A spare from the pool at `poolSocket` set up as `data` would be, or null. */
async function claimSpare(
  poolSocket: string,
  data: CompilerWorkerData,
  receive: (m: CompilerAnswer) => void,
  fail: (e: Error) => void,
): Promise<Channel | null> {
  if (!data.cellCache) return null;
  const claim: Claim = {
    key: compilerKey({ cellCache: data.cellCache }),
    cwd: process.cwd(),
    execPath: process.execPath,
  };
  const answer = (await askOnce(poolSocket, claim, claimTimeoutMs)) as ClaimAnswer | null;
  return answer?.socket ? socketChannel(answer.socket, receive, fail) : null;
}

export function startCompiler(data: CompilerWorkerData, poolSocket = process.env[poolVariable]): Compiler {
  let next = 1;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  const receive = (m: CompilerAnswer) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.error !== undefined) p.reject(new Error(`deepdeck kernel: the TypeScript compiler failed: ${m.error}`));
    else p.resolve(m.result);
  };
  let where: "pool" | "worker" = "worker";
  let closed = false;
  /** Why the compiler stopped, once it did: later requests fail at once instead of waiting forever. */
  let stopped: Error | null = null;
  const fail = (e: Error) => {
    for (const p of pending.values()) p.reject(e);
    pending.clear();
    // A warm compiler that ended (killed, out of memory) leaves this kernel its own for the next cells.
    if (where === "pool" && !closed) {
      where = "worker";
      channel = Promise.resolve(workerChannel(data, receive, fail));
    } else stopped = e;
  };
  let channel: Promise<Channel> = (async () => {
    const spare = poolSocket ? await claimSpare(poolSocket, data, receive, fail) : null;
    if (spare) where = "pool";
    return spare ?? workerChannel(data, receive, fail);
  })();
  return {
    async ask<T>(req: Request): Promise<T> {
      const c = await channel;
      if (stopped) throw stopped;
      const id = next++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        c.send({ ...req, id });
      });
    },
    where: async () => (await channel, where),
    close: () => {
      closed = true;
      void channel.then((c) => c.close());
    },
  };
}
