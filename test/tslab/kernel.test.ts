/**
 * The kernel's iopub channel over raw ZeroMQ (src/tslab/kernel.ts): a subscriber that connects to a
 * running kernel gets an `iopub_welcome` without asking anything (ipykernel 7, JEP 65), so a client
 * whose first status message was published before its subscription reached the kernel (ZeroMQ's slow
 * joiner) still sees iopub working; jupyter_client's wait_for_ready asks again, a second later, otherwise.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { kernelLauncher } from "../../src/project/kernelspec";
import { loadZeromq } from "../../src/tslab/internals";

const scratch = mkdtempSync(join(tmpdir(), "deepdeck-kernel-"));
let kernel: ChildProcess | null = null;
after(() => {
  kernel?.kill("SIGKILL");
  rmSync(scratch, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

const delimiter = "<IDS|MSG>";
type Frames = Buffer[];
const parts = (frames: Frames) => {
  const at = frames.findIndex((f) => f.toString() === delimiter);
  const [header, parent, , content] = frames.slice(at + 2, at + 6).map((f) => JSON.parse(f.toString()) as object);
  return { topic: frames.slice(0, at).map((f) => f.toString()), header, parent, content } as {
    topic: string[];
    header: { msg_type: string; session: string };
    parent: object;
    content: Record<string, unknown>;
  };
};

async function next(socket: AsyncIterable<Frames>, ms: number): Promise<ReturnType<typeof parts>> {
  const it = socket[Symbol.asyncIterator]();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no iopub message within ${ms} ms`)), ms);
  });
  try {
    const { value } = await Promise.race([it.next(), timeout]);
    return parts(value as Frames);
  } finally {
    clearTimeout(timer);
  }
}

describe("the kernel's iopub channel", () => {
  test("each subscriber gets an iopub_welcome as soon as it connects, without a request", async () => {
    const zmq = loadZeromq();
    const [shell, control, iopub, stdin, hb] = await Promise.all([1, 2, 3, 4, 5].map(() => freePort()));
    const key = randomUUID();
    const info = { transport: "tcp", ip: "127.0.0.1", key, signature_scheme: "hmac-sha256" };
    const ports = { shell_port: shell, control_port: control, iopub_port: iopub, stdin_port: stdin, hb_port: hb };
    const connection = join(scratch, "kernel.json");
    writeFileSync(connection, JSON.stringify({ ...info, ...ports }));
    kernel = spawn(process.execPath, [kernelLauncher(), "--config-path", connection], {
      cwd: scratch,
      stdio: "ignore",
      env: { ...process.env, DEEPDECK_CACHE_DIR: join(scratch, "cache") },
    });
    // Once the shell answers, the kernel's sockets are bound: a subscriber connecting now joins late.
    const dealer = new zmq.Dealer();
    dealer.connect(`tcp://127.0.0.1:${shell}`);
    const header = {
      msg_id: randomUUID(),
      msg_type: "kernel_info_request",
      session: "test",
      username: "t",
      version: "5.3",
    };
    const body = [header, {}, {}, {}].map((p) => JSON.stringify(p));
    const hmac = createHmac("sha256", key);
    for (const p of body) hmac.update(p);
    await dealer.send([delimiter, hmac.digest("hex"), ...body]);
    const [reply] = await Promise.race([
      dealer.receive(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no kernel_info_reply in 60 s")), 60000)),
    ]);
    assert.ok(reply, "the kernel answered kernel_info");
    const subscribers = [new zmq.Subscriber(), new zmq.Subscriber()];
    try {
      for (const sub of subscribers) {
        sub.subscribe();
        sub.connect(`tcp://127.0.0.1:${iopub}`);
        let welcome = await next(sub, 10000);
        // The kernel publishes kernel_info's idle status after the reply, so a subscriber that joined in
        // between may see it first; anything else before the welcome is a failure.
        if (welcome.header.msg_type === "status" && (welcome.parent as { msg_id?: string }).msg_id === header.msg_id)
          welcome = await next(sub, 10000);
        assert.equal(welcome.header.msg_type, "iopub_welcome");
        assert.deepEqual(welcome.content, { subscription: "" });
        assert.deepEqual(welcome.parent, {}, "a welcome has no parent request");
      }
    } finally {
      for (const s of [dealer, ...subscribers]) s.close();
    }
  });
});
