/**
 * The deepdeck kernel over the real Jupyter protocol: jupyter_client (Debian's python3-jupyter-client)
 * starts the registered kernel and sends what a front-end sends, from a notebook folder outside the
 * checkout that has its own (wrong) deepdeck and @tensorflow/tfjs. DEEPDECK_SKIP_JUPYTER=1 opts out.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { installKernelSpec } from "../../src/project/kernelspec";
import { findPython } from "../../src/executor/execute";
import {
  runKernelSession,
  type SessionResult,
  type SessionStep,
  type StepResult,
  type WireMessage,
} from "../../src/executor/kernel_session";
import { skipJupyter as skip } from "../support/jupyter";

const cells = [
  'import * as dd from "deepdeck";\nimport * as tf from "@tensorflow/tfjs";\nawait dd.ready();',
  "6 * 7",
  'function f(n: number): number {\n\n  if (n > 1) throw new Error("boom");\n  return n;\n}\nconst y: number = 3;\nf(y);',
  "const wrong: string = 5;",
  'Promise.reject(new Error("left behind"));\n"after"',
  'setTimeout(() => Promise.reject(new Error("late")), 10);\nawait new Promise((r) => setTimeout(r, 100));',
  'tf.tensor2d([[1, 2, 3], [4, 5, 6]], undefined, "int32")',
  "dd.imshow(tf.zeros([4, 4]))",
  "dd.imageFigure(tf.zeros([4, 4]))",
  "undefined",
  'const t: tf.Tensor1D = tf.tensor1d([1, 2]);\nconst cores = new Set(Object.keys(require.cache).filter((k) => k.includes("tfjs-core")).map((k) => k.slice(0, k.indexOf("tfjs-core"))));\n`${t.shape} ${cores.size} ${dd.datasets !== undefined}`',
];

const fitCell = [
  "const m = tf.sequential({ layers: [",
  '  tf.layers.conv2d({ inputShape: [12, 12, 8], filters: 16, kernelSize: 3, activation: "relu" }),',
  '  tf.layers.globalAveragePooling2d({}), tf.layers.dense({ units: 3, activation: "softmax" })] });',
  'm.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });',
  'const data = [tf.randomUniform([384, 12, 12, 8]), tf.oneHot(tf.randomUniform([384], 0, 3, "int32"), 3)];',
  "await m.fit(data[0]!, data[1]!, { epochs: 1000, batchSize: 128, verbose: 0, callbacks: {",
  "  onBatchEnd: async () => { counter.batches++; } } });",
].join("\n");

const steps: SessionStep[] = [
  ...cells.map((code) => ({ type: "execute" as const, code, stop_on_error: false })),
  { type: "history", hist_access_type: "tail", n: 2, output: false, raw: true },
  { type: "history", hist_access_type: "range", session: 0, start: 2, stop: 3, output: true, raw: true },
  { type: "complete", code: "dd.imsh", cursor_pos: 7 },
  { type: "inspect", code: "dd.imshow", cursor_pos: 5 },
  { type: "is_complete", code: "function g() {" },
  { type: "is_complete", code: "1 + 1" },
  { type: "execute", code: "while (true) {}", interrupt_after: 2, stop_on_error: false },
  {
    type: "execute",
    code: "await new Promise((r) => setTimeout(r, 60000));",
    interrupt_after: 1,
    stop_on_error: false,
  },
  { type: "execute", code: "`${dd.datasets !== undefined}`" },
  // A fit the interrupted cell awaited stops too (data-parallel on wasm: its batches pay), not training on.
  { type: "execute", code: "const counter = { batches: 0 };", stop_on_error: false },
  {
    type: "execute",
    code: fitCell,
    interrupt_after: 4,
    stop_on_error: false,
  },
  {
    type: "execute",
    code: "const seen = counter.batches;\nawait new Promise((r) => setTimeout(r, 2000));\n`${seen > 0} ${counter.batches === seen}`",
  },
];

describe("the deepdeck kernel speaks the Jupyter protocol", { skip }, () => {
  let run: SessionResult;
  const scratch = mkdtempSync(join(tmpdir(), "deepdeck-protocol-"));
  after(() => rmSync(scratch, { recursive: true, force: true }));
  before(() => {
    findPython();
    const dataDir = join(scratch, "jupyter");
    installKernelSpec({ dataDir });
    // The notebook's folder has its own deepdeck and tfjs; loading either would print this on stderr.
    const folder = join(scratch, "notebooks");
    for (const pkg of ["deepdeck", "@tensorflow/tfjs"]) {
      const dir = join(folder, "node_modules", ...pkg.split("/"));
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        join(dir, "package.json"),
        JSON.stringify({ name: pkg, version: "0.0.0", main: "index.js", types: "index.d.ts" }),
      );
      writeFileSync(join(dir, "index.js"), `console.error("the folder's own ${pkg} was loaded");`);
      writeFileSync(join(dir, "index.d.ts"), "export declare const wrongCopy: true;\n");
    }
    run = runKernelSession(steps, { cwd: folder, timeout: 120, env: { ...process.env, JUPYTER_DATA_DIR: dataDir } });
  });
  const step = (i: number): StepResult & { reply: WireMessage } => {
    const r = run.results[i];
    assert.ok(r, `step ${i} ran`);
    assert.ok(!r.timed_out && r.reply, `step ${i} was answered: ${JSON.stringify(r)}`);
    return { ...r, reply: r.reply };
  };
  const of = (r: StepResult, type: string): WireMessage[] => r.iopub.filter((m) => m.msg_type === type);
  const stderr = (r: StepResult) =>
    of(r, "stream")
      .filter((m) => m.content["name"] === "stderr")
      .map((m) => m.content["text"])
      .join("");

  test("imports deepdeck and tfjs by name, with types, from a folder outside the checkout, the kernel's own copies", () => {
    const first = step(0);
    assert.equal(first.reply.content["status"], "ok", JSON.stringify(first));
    assert.equal(stderr(first), "", "no second tfjs, no wrong copy");
    const last = step(10);
    assert.equal(last.reply.content["status"], "ok", JSON.stringify(last));
    assert.deepEqual(of(last, "execute_result")[0]?.content["data"], { "text/plain": "2 1 true" });
  });
  test("every execute_request is broadcast as execute_input with its count", () => {
    for (let i = 0; i < cells.length; i++) {
      const input = of(step(i), "execute_input");
      assert.deepEqual(
        input.map((m) => m.content),
        [{ code: cells[i], execution_count: i + 1 }],
      );
    }
  });
  test("a cell's last value is an execute_result with the cell's count; undefined gives none", () => {
    const r = step(1);
    assert.deepEqual(
      of(r, "execute_result").map((m) => m.content),
      [{ execution_count: 2, data: { "text/plain": "42" }, metadata: {} }],
    );
    assert.equal(r.reply.content["execution_count"], 2);
    assert.deepEqual(
      step(0).iopub.map((m) => m.msg_type),
      ["execute_input", "execute_result"],
    );
    assert.deepEqual(
      step(9).iopub.map((m) => m.msg_type),
      ["execute_input"],
    );
  });
  test("a tensor as the last value prints numpy-style", () => {
    assert.deepEqual(of(step(6), "execute_result")[0]?.content["data"], {
      "text/plain": "Tensor int32 [2, 3]\n[[1, 2, 3],\n [4, 5, 6]]",
    });
  });
  test("dd.imshow shows one PNG; a figure as the last value is a result with its whole bundle", () => {
    const shown = step(7).iopub.filter((m) => m.msg_type !== "execute_input");
    assert.equal(shown.length, 1, JSON.stringify(shown.map((m) => m.msg_type)));
    assert.equal(shown[0]!.msg_type, "display_data");
    assert.ok(Object.keys(shown[0]!.content["data"] as object).includes("image/png"));
    const result = of(step(8), "execute_result");
    assert.equal(result.length, 1);
    const data = result[0]!.content["data"] as Record<string, string>;
    assert.match(data["image/png"]!, /^iVBORw0KGgo/, "base64 PNG");
    assert.equal(typeof data["text/plain"], "string");
    assert.equal(result[0]!.content["execution_count"], 9);
  });
  test("an exception is an error message and an error reply, with the cell's frames only, at the cell's lines", () => {
    const r = step(2);
    const [error] = of(r, "error");
    assert.ok(error, JSON.stringify(r));
    assert.equal(error.content["ename"], "Error");
    assert.equal(error.content["evalue"], "boom");
    assert.deepEqual(error.content["traceback"], ["Error: boom", "    at f (In[3]:3:20)", "    at In[3]:7:1"]);
    const reply = r.reply.content;
    assert.equal(reply["status"], "error");
    assert.equal(reply["ename"], "Error");
    assert.equal(reply["evalue"], "boom");
    assert.deepEqual(reply["traceback"], error.content["traceback"]);
    assert.equal(stderr(r), "", "the error is not also printed");
    assert.doesNotMatch(JSON.stringify(r), /sigintHandlersWrap|runInThisContext|tslab\/dist|kernel_patches|node:vm/);
  });
  test("a TypeScript diagnostic fails the cell with line:column and the message", () => {
    const r = step(3);
    assert.equal(r.reply.content["status"], "error");
    assert.equal(r.reply.content["ename"], "TypeScriptError");
    assert.equal(r.reply.content["evalue"], "1:7 - Type 'number' is not assignable to type 'string'.");
    assert.equal(of(r, "error").length, 1);
  });
  test("a promise left rejected, or rejected while the cell still runs, fails that cell", () => {
    const left = step(4);
    assert.equal(left.reply.content["status"], "error");
    assert.equal(left.reply.content["evalue"], "left behind");
    assert.equal(of(left, "execute_result").length, 0, "a failed cell has no result");
    const late = step(5);
    assert.equal(late.reply.content["status"], "error");
    assert.equal(late.reply.content["evalue"], "late");
    assert.equal(step(6).reply.content["status"], "ok", "the next cell runs normally");
  });
  test("history_request is answered from the session's cells", () => {
    const tail = step(cells.length);
    assert.equal(tail.reply.msg_type, "history_reply");
    assert.deepEqual(tail.reply.content["history"], [
      [1, 10, cells[9]],
      [1, 11, cells[10]],
    ]);
    const range = step(cells.length + 1);
    assert.deepEqual(range.reply.content["history"], [[1, 2, [cells[1], "42"]]]);
  });
  test("complete, inspect and is_complete keep working", () => {
    const complete = step(cells.length + 2).reply;
    assert.equal(complete.msg_type, "complete_reply");
    assert.equal(complete.content["status"], "ok");
    assert.ok((complete.content["matches"] as string[]).includes("imshow"), JSON.stringify(complete.content));
    assert.equal(complete.content["cursor_start"], 3);
    assert.equal(complete.content["cursor_end"], 7);
    const inspect = step(cells.length + 3).reply;
    assert.equal(inspect.content["found"], true);
    assert.match((inspect.content["data"] as Record<string, string>)["text/plain"]!, /function imshow\(x: tf\.Tensor/);
    assert.deepEqual(step(cells.length + 4).reply.content, { status: "incomplete", indent: "  " });
    assert.deepEqual(step(cells.length + 5).reply.content, { status: "complete" });
  });
  test("an interrupt stops a busy loop and an await; the variables stay", () => {
    for (const i of [cells.length + 6, cells.length + 7]) {
      const r = step(i);
      assert.equal(r.reply.content["status"], "error");
      assert.equal(r.reply.content["ename"], "KeyboardInterrupt");
    }
    assert.deepEqual(of(step(cells.length + 8), "execute_result")[0]?.content["data"], { "text/plain": "true" });
  });
  test("an interrupt stops the fit the cell awaited, after the batch it is on", () => {
    assert.equal(step(cells.length + 9).reply.content["status"], "ok");
    const fit = step(cells.length + 10);
    assert.equal(fit.reply.content["ename"], "KeyboardInterrupt", JSON.stringify(fit.reply.content));
    assert.equal(stderr(fit), "", "nothing on stderr");
    const after = step(cells.length + 11);
    assert.deepEqual(
      of(after, "execute_result")[0]?.content["data"],
      { "text/plain": "true true" },
      "trained, then stopped",
    );
  });
});

describe("the deepdeck kernel loads what a first cell needs while it compiles", { skip }, () => {
  const scratch = mkdtempSync(join(tmpdir(), "deepdeck-preload-"));
  after(() => rmSync(scratch, { recursive: true, force: true }));
  test("deepdeck's runtime, and the native addon unless DEEPDECK_BACKEND says otherwise, before a cell asks", () => {
    findPython();
    const dataDir = join(scratch, "jupyter");
    installKernelSpec({ dataDir });
    // A first cell that imports nothing: what it finds loaded, the kernel loaded on its own.
    const code =
      "const loaded = Object.keys(require.cache);\n" +
      `\`\${loaded.includes(${JSON.stringify(join(__dirname, "..", "..", "dist", "index.js"))})} ` +
      "${loaded.some((f) => /tfjs-node.*\\.node$/.test(f))}`";
    const run = runKernelSession([{ type: "execute", code }], {
      cwd: scratch,
      timeout: 120,
      env: { ...process.env, JUPYTER_DATA_DIR: dataDir },
    });
    const reply = run.results[0]?.reply;
    assert.equal(reply?.content["status"], "ok", JSON.stringify(run.results[0]));
    const native = process.env["DEEPDECK_BACKEND"] !== "wasm" && process.env["DEEPDECK_BACKEND"] !== "cpu";
    const result = run.results[0]!.iopub.find((m) => m.msg_type === "execute_result");
    assert.deepEqual(result?.content["data"], { "text/plain": `true ${native}` });
  });
});

describe("a restarted kernel takes its first cell's compile from the cell cache", { skip }, () => {
  const scratch = mkdtempSync(join(tmpdir(), "deepdeck-restart-"));
  after(() => rmSync(scratch, { recursive: true, force: true }));
  const dataDir = join(scratch, "jupyter");
  const folder = join(scratch, "notebook");
  const cacheDir = join(scratch, "cache");
  const first = 'import * as dd from "deepdeck";\n6 * 7';
  const session = () =>
    runKernelSession(
      [
        { type: "execute", code: first },
        { type: "execute", code: "typeof dd.ready" },
        { type: "history", hist_access_type: "tail", n: 10, output: false, raw: true },
      ],
      { cwd: folder, timeout: 120, env: { ...process.env, JUPYTER_DATA_DIR: dataDir, DEEPDECK_CACHE_DIR: cacheDir } },
    );
  const results = (run: SessionResult) =>
    run.results.slice(0, 2).map((r) => r?.iopub.filter((m) => m.msg_type === "execute_result").map((m) => m.content));

  test("the kept compile is what runs, with the user's numbering, history and declarations", () => {
    findPython();
    installKernelSpec({ dataDir });
    mkdirSync(folder, { recursive: true });
    const fresh = session();
    const expected = (answer: string) => [
      [{ execution_count: 1, data: { "text/plain": answer }, metadata: {} }],
      [{ execution_count: 2, data: { "text/plain": "function" }, metadata: {} }],
    ];
    assert.deepEqual(results(fresh), expected("42"));
    const dir = join(cacheDir, "cell-cache");
    const files = readdirSync(dir);
    assert.equal(files.length, 1, "one cache file for the folder");
    // Only the session's first cell is kept; the second had declarations before it.
    const file = join(dir, files[0]!);
    const kept = JSON.parse(readFileSync(file, "utf8")) as { entries: { src: string; result: { output: string } }[] };
    assert.deepEqual(
      kept.entries.map((e) => e.src),
      [first],
    );
    // A restart runs the kept output: altered here, so the answer shows it was taken.
    assert.match(kept.entries[0]!.result.output, /6 \* 7/);
    kept.entries[0]!.result.output = kept.entries[0]!.result.output.replace("6 * 7", "6 * 8");
    writeFileSync(file, JSON.stringify(kept));
    const restarted = session();
    assert.deepEqual(results(restarted), expected("48"));
    assert.deepEqual(
      restarted.results[2]?.reply?.content["history"],
      [
        [1, 1, first],
        [1, 2, "typeof dd.ready"],
      ],
      "the history holds the user's cells only",
    );
    // Another first cell in the same folder: the compiler, which waited, compiles it (and keeps no error).
    const other = runKernelSession(
      [
        { type: "execute", code: "const wrong: string = 5;" },
        { type: "execute", code: first },
      ],
      { cwd: folder, timeout: 120, env: { ...process.env, JUPYTER_DATA_DIR: dataDir, DEEPDECK_CACHE_DIR: cacheDir } },
    );
    const failed = other.results[0]?.reply?.content;
    assert.equal(failed?.["status"], "error", JSON.stringify(other.results[0]));
    assert.equal(failed["evalue"], "1:7 - Type 'number' is not assignable to type 'string'.");
    assert.equal(failed["execution_count"], 1);
    assert.deepEqual(
      other.results[1]?.iopub.filter((m) => m.msg_type === "execute_result").map((m) => m.content["data"]),
      [{ "text/plain": "48" }],
      "after a failed cell there are still no declarations before it: the kept compile again",
    );
    const entries = (JSON.parse(readFileSync(file, "utf8")) as { entries: { src: string }[] }).entries;
    assert.deepEqual(
      entries.map((e) => e.src),
      [first],
      "the failed cell was not kept",
    );
  });
});
