/**
 * `deepdeck start`'s warm compilers (src/project/compiler_pool.ts): real kernels, started by Jupyter's
 * client library with the pool's variable set as Jupyter passes it, compile on a spare process the pool
 * warmed in their folder, or on their own compiler when it has none; spares end with the pool, a claimed
 * one with its kernel. Messages between them survive any chunking of the socket's stream.
 */
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { createServer, connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import { runKernelSessionAsync, type SessionResult } from "../../src/executor/kernel_session";
import { startCompilerPool, type CompilerPool } from "../../src/project/compiler_pool";
import { onMessages, poolVariable, sendMessage } from "../../src/project/compiler_socket";
import { installKernelSpec } from "../../src/project/kernelspec";
import { startCompiler } from "../../src/tslab/compiler_client";
import { compilerSetup } from "../../src/tslab/kernel_modules";

const scratch = mkdtempSync(join(tmpdir(), "deepdeck-pool-"));
const dataDir = join(scratch, "jupyter");
const cacheDir = join(scratch, "cache");
installKernelSpec({ dataDir });
// The pools' spares keep first cells where these kernels do.
process.env["DEEPDECK_CACHE_DIR"] = cacheDir;
const folder = (name: string) => {
  const dir = join(scratch, name);
  mkdirSync(dir);
  return realpathSync(dir);
};

async function session(cwd: string, pool: string | undefined, cells: string[]): Promise<SessionResult> {
  return runKernelSessionAsync(
    [
      ...cells.map((code) => ({ type: "execute" as const, code })),
      { type: "complete", code: "Math.fl", cursor_pos: 7 },
    ],
    {
      cwd,
      timeout: 120,
      env: {
        ...process.env,
        JUPYTER_DATA_DIR: dataDir,
        DEEPDECK_CACHE_DIR: cacheDir,
        ...(pool === undefined ? {} : { [poolVariable]: pool }),
      },
    },
  );
}

const resultOf = (run: SessionResult, i: number) =>
  (run.results[i]?.iopub.find((m) => m.msg_type === "execute_result")?.content["data"] as Record<string, string>)?.[
    "text/plain"
  ];

/** Check what a session's cells gave: a value, a type error with its place, and a completion. */
function assertCompiled(run: SessionResult): void {
  assert.equal(resultOf(run, 0), "42");
  const error = run.results[1]?.reply?.content;
  assert.equal(error?.["status"], "error");
  assert.match(String(error?.["evalue"]), /^1:7 - Type 'number' is not assignable to type 'string'\./);
  assert.ok((run.results[2]?.reply?.content["matches"] as string[]).includes("floor"), "completion answers");
}

const cells = (tag: string) => [
  `import * as dd from "deepdeck";\nconst n: number = 6 * 7; // ${tag}\nn`,
  "const s: string = 5;",
];

/** The compiler processes still running whose command line names `dir`. */
function compilersIn(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      if (cmdline.includes("compiler_process.js") && cmdline.includes(dir)) pids.push(Number(entry));
    } catch {
      // Ended meanwhile.
    }
  }
  return pids;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; !(await ok());) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

after(() => rmSync(scratch, { recursive: true, force: true }));

describe("warm compilers for kernels, from deepdeck start's pool", { timeout: 300_000 }, () => {
  let pool: CompilerPool;
  const served = folder("served");
  before(async () => {
    pool = await startCompilerPool({ folders: [served], replaceAfterMs: 100 });
  });
  after(async () => {
    await pool.close();
  });

  test("a kernel in the served folder compiles on the spare warmed there, which ends with the kernel", async () => {
    await pool.spareReady(served);
    const run = await session(served, pool.socket, cells("first"));
    assertCompiled(run);
    assert.equal(pool.stats.given, 1, "the kernel asked the pool and got its spare");
    assert.equal(pool.stats.handedOver.length, 1, "the kernel connected to the spare");
    const [pid] = pool.stats.handedOver;
    await until("the kernel's compiler ends after its kernel", () => !alive(pid!));
  });
  test("the pool warms a replacement there, for the next kernel", async () => {
    await pool.spareReady(served);
    const run = await session(served, pool.socket, cells("second"));
    assertCompiled(run);
    assert.equal(pool.stats.given, 2);
  });
  test("a kernel in another folder starts its own compiler, and the pool then warms one there", async () => {
    const other = folder("other");
    const missed = pool.stats.missed;
    const run = await session(other, pool.socket, cells("other"));
    assertCompiled(run);
    assert.equal(pool.stats.missed, missed + 1);
    await pool.spareReady(other);
  });
  test("spares end with the pool", async () => {
    const dir = join(pool.socket, "..");
    assert.ok(compilersIn(dir).length >= 1, "the spares are running");
    await pool.close();
    await until("no spare left", () => compilersIn(dir).length === 0);
  });
});

test("a served folder that is not there costs its spare only", async () => {
  const pool = await startCompilerPool({ folders: [join(scratch, "not-there")] });
  try {
    await assert.rejects(
      pool.spareReady(join(scratch, "not-there")),
      /the warm compiler for .*not-there ended before it was ready/,
    );
    assert.deepEqual(pool.stats, { given: 0, missed: 0, handedOver: [] });
  } finally {
    await pool.close();
  }
});

test("a kernel whose warm compiler ends compiles its next cells on its own", async () => {
  const here = process.cwd();
  const pool = await startCompilerPool({ folders: [here] });
  try {
    await pool.spareReady(here);
    const compiler = startCompiler(compilerSetup(here), pool.socket);
    const convert = (src: string) =>
      compiler.ask<{ result: { diagnostics: unknown[]; output?: string } }>({ method: "convert", prevDecl: "", src });
    assert.match((await convert("const a: number = 1;")).result.output ?? "", /const a = 1/);
    assert.equal(await compiler.where(), "pool");
    await until("the spare was taken over", () => pool.stats.handedOver.length === 1);
    process.kill(pool.stats.handedOver[0]!, "SIGKILL");
    await until("the kernel saw its compiler end", async () => (await compiler.where()) === "worker");
    const again = await convert("const b: string = 2;");
    assert.equal(again.result.diagnostics.length, 1, "the next cell is type-checked on the kernel's own compiler");
    compiler.close();
  } finally {
    await pool.close();
  }
});
test("a kernel whose pool is gone starts its own compiler", async () => {
  const run = await session(folder("gone"), join(scratch, "no-such-pool"), cells("gone"));
  assertCompiled(run);
});

test("messages arrive whole and in order however the stream is cut", async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(join(scratch, "frames"), resolve));
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.jsonValue(), { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 }),
        async (values, cuts) => {
          const received: unknown[] = [];
          const accepted = new Promise<Socket>((resolve) => server.once("connection", resolve));
          const client = connect(join(scratch, "frames"));
          const peer = await accepted;
          onMessages(peer, (v) => received.push(v));
          // The stream as one sender writes it, cut into pieces of the sizes drawn.
          const bytes: Buffer[] = [];
          const capture = { write: (b: Buffer) => bytes.push(b) } as unknown as Socket;
          for (const v of values) sendMessage(capture, v);
          const all = Buffer.concat(bytes);
          for (let at = 0, i = 0; at < all.length; i++) {
            const size = cuts[i % cuts.length]!;
            client.write(all.subarray(at, at + size));
            at += size;
            await new Promise((resolve) => setImmediate(resolve));
          }
          await until("every message", () => received.length >= values.length, 5000);
          client.destroy();
          peer.destroy();
          assert.deepEqual(received, values);
        },
      ),
      { numRuns: 30 },
    );
  } finally {
    server.close();
  }
});
