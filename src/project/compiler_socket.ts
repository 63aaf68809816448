/**
 * Messages between a kernel and a compiler in another process, over a Unix socket (a named pipe on
 * Windows): each is V8's serialization, the structured clone a worker's postMessage uses, so an answer
 * arrives the same either way, behind its length as 4 bytes.
 */
import { connect, type Socket } from "node:net";
import { deserialize, serialize } from "node:v8";

export function sendMessage(socket: Socket, value: unknown): void {
  const body = serialize(value);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length);
  socket.write(Buffer.concat([head, body]));
}

/** Call `handle` with each message that arrives on `socket`, in order. */
export function onMessages(socket: Socket, handle: (value: unknown) => void): void {
  let pending: Buffer = Buffer.alloc(0);
  socket.on("data", (chunk: Buffer) => {
    pending = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= 4) {
      const end = 4 + pending.readUInt32BE(0);
      if (pending.length < end) break;
      const body = pending.subarray(4, end);
      pending = pending.subarray(end);
      handle(deserialize(body));
    }
  });
}

/** Connect to `path`, send `request`, and resolve to the one answer; null when nobody answers within `ms`. */
export function askOnce(path: string, request: unknown, ms: number): Promise<unknown> {
  return new Promise((resolve) => {
    const socket = connect(path);
    const done = (value: unknown) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
    const timer = setTimeout(() => done(null), ms);
    socket.on("error", () => done(null));
    socket.on("connect", () => sendMessage(socket, request));
    onMessages(socket, done);
  });
}

/** What the pool hears from a spare (src/tslab/compiler_process.ts) once it is warm: its {@link Claim} key. */
export type SpareReport = { ready: string };

/** The environment variable that tells a kernel where the pool listens. */
export const poolVariable = "DEEPDECK_COMPILERS";

/** A kernel's request: the compiler it would start itself. */
export interface Claim {
  /** The compiler's key (src/tslab/kernel_modules.ts's compilerKey), which a spare reports when warm. */
  key: string;
  /** The kernel's folder, where a spare for the next kernel is warmed. */
  cwd: string;
  /** The kernel's Node, which the spare must run on too (tslab compiles for the Node it runs on). */
  execPath: string;
}

/** The pool's answer: a spare's socket, for the kernel to connect to, or null. */
export interface ClaimAnswer {
  socket: string | null;
}
