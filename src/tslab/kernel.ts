/**
 * The `deepdeck` Jupyter kernel: a Jupyter messaging-protocol 5.3 server speaking as IPython's kernel
 * does, around tslab's TypeScript compiler (cells.ts). tslab's own server sends a cell's value and its
 * errors as stream text; the reference front-ends, nbclient and papermill expect `execute_result`,
 * `error` and an execute_reply with ename/evalue, `execute_input`, and answers to `history_request`.
 */
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { inspect } from "node:util";
import { createCellRunner, type CellOutcome, type CellRunner } from "./cells";
import { deepdeckRoot } from "./kernel_modules";
import { loadedTslabJupyter, loadZeromq, tslabTypeScriptVersion, tslabVersion } from "./internals";
import { kernelDisplaySlot } from "./display_adapter";
import { errorContent, type ErrorContent } from "./traceback";
// Loaded at start, after the sockets are bound (it loads tfjs).
import type * as Backend from "../backend/ready";

interface ConnectionInfo {
  transport: string;
  ip: string;
  key: string;
  signature_scheme?: string;
  shell_port: number;
  control_port: number;
  iopub_port: number;
  stdin_port: number;
  hb_port: number;
}

type Json = Record<string, unknown>;

interface Message {
  identities: Buffer[];
  header: Json & { msg_id: string; msg_type: string; session?: string; username?: string };
  parent: Json;
  metadata: Json;
  content: Json;
}

const delimiter = Buffer.from("<IDS|MSG>");
const text = (value: unknown, otherwise = ""): string => (typeof value === "string" ? value : otherwise);
const displaySymbol = Symbol.for("Jupyter.display");

interface HistoryEntry {
  line: number;
  input: string;
  output: string | null;
}

/** What a cell's last value looks like: its display hook's bundle, and text/plain as console.log prints it. */
export function resultBundle(value: unknown): { data: Json; metadata: Json } {
  const text = typeof value === "string" ? value : inspect(value);
  const hook =
    typeof value === "object" || typeof value === "function"
      ? (value as { [displaySymbol]?: unknown } | null)?.[displaySymbol]
      : undefined;
  if (typeof hook === "function") {
    const bundle = (hook as () => unknown).call(value) as Json | null | undefined;
    if (bundle && typeof bundle === "object") {
      const data: Json = { ...bundle };
      if (typeof data["text/plain"] !== "string") data["text/plain"] = text;
      return { data, metadata: {} };
    }
  }
  return { data: { "text/plain": text }, metadata: {} };
}

/** The kernel's state and message handlers; {@link startKernel} connects it to the sockets. */
export class DeepdeckKernel {
  readonly session = randomUUID();
  private executionCount = 0;
  private readonly history: HistoryEntry[] = [];
  /** The execute_request whose cell runs now, or ran last (late output goes to it, as in IPython). */
  private current: Message | null = null;
  private running = false;
  /** The first error a running cell left behind (a rejection nobody handled, an exception in a callback). */
  private pendingFailure: unknown = undefined;
  private hasPendingFailure = false;
  private queue: Promise<void> = Promise.resolve();
  /** Execute requests waiting behind the running one; aborted after an error when the client asks. */
  private waiting = new Set<Message>();
  private aborting = new Set<Message>();
  private readonly runner: CellRunner;

  constructor(
    private readonly send: (channel: "shell" | "control" | "iopub", msg: Message) => void,
    runner?: CellRunner,
  ) {
    this.runner = runner ?? createCellRunner(process.cwd(), { whileCompiling: () => this.whileCompiling() });
  }

  /** Called once a cell's compile was asked for, while this thread would only wait for it. */
  whileCompiling: () => void = () => {};

  reply(parent: Message, msgType: string, content: Json, channel: "shell" | "control" | "iopub" = "shell"): void {
    this.send(channel, {
      identities: channel === "iopub" ? [Buffer.from(`kernel.${this.session}.${msgType}`)] : parent.identities,
      header: {
        msg_id: randomUUID(),
        msg_type: msgType,
        session: this.session,
        username: parent.header.username ?? "kernel",
        date: new Date().toISOString(),
        version: "5.3",
      },
      parent: parent.header,
      metadata: {},
      content,
    });
  }

  /** The `iopub_welcome` ipykernel sends a new iopub subscriber (no parent; the topic it subscribed to). */
  welcome(subscription: string): Message {
    return {
      identities: [Buffer.from(subscription || `kernel.${this.session}.iopub_welcome`)],
      header: {
        msg_id: randomUUID(),
        msg_type: "iopub_welcome",
        session: this.session,
        username: "kernel",
        date: new Date().toISOString(),
        version: "5.3",
      },
      parent: {},
      metadata: {},
      content: { subscription },
    };
  }

  private publish(parent: Message, msgType: string, content: Json): void {
    this.reply(parent, msgType, content, "iopub");
  }

  private status(parent: Message, state: "busy" | "idle"): void {
    this.publish(parent, "status", { execution_state: state });
  }

  /** Handle one message from the shell or control channel. */
  async handle(channel: "shell" | "control", msg: Message): Promise<void> {
    const type = msg.header.msg_type;
    if (type === "execute_request") {
      this.waiting.add(msg);
      this.queue = this.queue
        .then(() => this.execute(msg))
        .catch((e: unknown) => {
          this.log(`deepdeck kernel: execute_request failed: ${(e as Error).stack ?? String(e)}`);
        });
      return this.queue;
    }
    this.status(msg, "busy");
    try {
      switch (type) {
        case "kernel_info_request":
          this.reply(msg, "kernel_info_reply", this.kernelInfo(), channel);
          break;
        case "complete_request": {
          const code = text(msg.content["code"]);
          const cursor = Number(msg.content["cursor_pos"] ?? code.length);
          const info = await this.runner.complete(code, cursor);
          this.reply(msg, "complete_reply", {
            status: "ok",
            matches: info.candidates,
            cursor_start: info.start,
            cursor_end: info.end,
            metadata: {},
          });
          break;
        }
        case "inspect_request": {
          const code = text(msg.content["code"]);
          const info = await this.runner.inspect(code, Number(msg.content["cursor_pos"] ?? code.length));
          this.reply(msg, "inspect_reply", {
            status: "ok",
            found: info !== null,
            data: info !== null ? { "text/plain": info } : {},
            metadata: {},
          });
          break;
        }
        case "is_complete_request": {
          const res = await this.runner.isComplete(text(msg.content["code"]));
          this.reply(
            msg,
            "is_complete_reply",
            res.completed ? { status: "complete" } : { status: "incomplete", indent: res.indent ?? "" },
          );
          break;
        }
        case "history_request":
          this.reply(msg, "history_reply", { status: "ok", history: this.historyFor(msg.content) });
          break;
        case "comm_info_request":
          this.reply(msg, "comm_info_reply", { status: "ok", comms: {} });
          break;
        case "interrupt_request":
          this.interrupt();
          this.reply(msg, "interrupt_reply", { status: "ok" }, channel);
          break;
        case "shutdown_request":
          this.reply(msg, "shutdown_reply", { status: "ok", restart: !!msg.content["restart"] }, channel);
          this.status(msg, "idle");
          setTimeout(() => this.onShutdown(), 50);
          return;
        default:
          // IPython ignores what it does not know (comm messages without widgets, for instance).
          break;
      }
    } catch (e) {
      const err = errorContent(e);
      this.log(`deepdeck kernel: ${type} failed: ${err.traceback.join("\n")}`);
    }
    this.status(msg, "idle");
  }

  onShutdown: () => void = () => process.exit(0);
  log: (text: string) => void = (text) => console.error(text);

  interrupt(): void {
    this.runner.interrupt();
  }

  kernelInfo(): Json {
    const { version } = JSON.parse(readFileSync(`${deepdeckRoot}/package.json`, "utf8")) as { version: string };
    return {
      status: "ok",
      protocol_version: "5.3",
      implementation: "deepdeck",
      implementation_version: version,
      language_info: {
        name: "typescript",
        version: tslabTypeScriptVersion,
        mimetype: "text/typescript",
        file_extension: ".ts",
        // tslab's setting, which turns on TypeScript highlighting in both Notebook and JupyterLab.
        codemirror_mode: { mode: "typescript", name: "javascript", typescript: true },
      },
      banner: `TypeScript ${tslabTypeScriptVersion} (deepdeck ${version}, tslab ${tslabVersion})`,
      help_links: [{ text: "deepdeck", url: "https://github.com/yunabe/tslab" }],
    };
  }

  /** Stream output of the running (or last) cell. */
  write(name: "stdout" | "stderr", text: string): void {
    if (this.current) this.publish(this.current, "stream", { name, text });
  }

  /** Called by the process-wide handlers: a rejection or exception no cell code caught. */
  failure(reason: unknown): void {
    if (this.running) {
      if (!this.hasPendingFailure) {
        this.hasPendingFailure = true;
        this.pendingFailure = reason;
      }
      return;
    }
    // After the cell's reply went out, its status cannot change; show the error in it as IPython shows late output.
    if (this.current) this.publish(this.current, "error", { ...errorContent(reason) });
    else this.log(`deepdeck kernel: ${errorContent(reason).traceback.join("\n")}`);
  }

  private async execute(msg: Message): Promise<void> {
    this.waiting.delete(msg);
    this.status(msg, "busy");
    try {
      const silent = !!msg.content["silent"];
      const storeHistory = !silent && msg.content["store_history"] !== false;
      const code = text(msg.content["code"]);
      if (this.aborting.has(msg)) {
        this.aborting.delete(msg);
        // As ipykernel: no execution_count, so front-ends show the skipped cell unnumbered ([ ]) and save null.
        this.reply(msg, "execute_reply", { status: "aborted" });
        return;
      }
      if (storeHistory) this.executionCount++;
      const count = this.executionCount;
      // IPython broadcasts the input of every execution but a silent one.
      if (!silent) this.publish(msg, "execute_input", { code, execution_count: count });
      this.current = msg;
      const writeDisplayData = (data: unknown, update: boolean) =>
        this.publish(msg, update ? "update_display_data" : "display_data", data as Json);
      (globalThis as Record<symbol, unknown>)[kernelDisplaySlot] = writeDisplayData;
      // tslab's own `display`, for cells that import "tslab", writes through tslab's slot.
      const tslabJupyter = loadedTslabJupyter();
      if (tslabJupyter) tslabJupyter.lastWriteDisplayData = writeDisplayData;
      this.running = true;
      this.hasPendingFailure = false;
      this.pendingFailure = undefined;
      let outcome;
      try {
        // A failure of the kernel itself (the compiler worker gone) still answers the request.
        outcome = await this.runner
          .run(code, count)
          .catch((e: unknown): CellOutcome => ({ status: "error", ...errorContent(e) }));
        // Node reports a rejection nobody handled once the microtasks drain; two macrotasks later it has.
        await new Promise((resolve) => setImmediate(resolve));
        await new Promise((resolve) => setImmediate(resolve));
      } finally {
        this.running = false;
      }
      const failure = this.takeFailure();
      let error: ErrorContent | null = null;
      if (outcome.status === "error")
        error = { ename: outcome.ename, evalue: outcome.evalue, traceback: outcome.traceback };
      else if (failure) error = errorContent(failure.reason);
      let output: string | null = null;
      if (!error && outcome.status === "ok" && outcome.hasValue && !silent) {
        try {
          const { data, metadata } = resultBundle(outcome.value);
          output = typeof data["text/plain"] === "string" ? data["text/plain"] : null;
          this.publish(msg, "execute_result", { execution_count: count, data, metadata });
        } catch (e) {
          error = errorContent(e);
        }
      }
      if (storeHistory) this.history.push({ line: count, input: code, output });
      if (error) {
        this.publish(msg, "error", { ...error });
        this.reply(msg, "execute_reply", { status: "error", execution_count: count, ...error });
        if (msg.content["stop_on_error"] !== false) for (const m of this.waiting) this.aborting.add(m);
      } else {
        this.reply(msg, "execute_reply", {
          status: "ok",
          execution_count: count,
          payload: [],
          user_expressions: {},
        });
      }
    } finally {
      this.status(msg, "idle");
    }
  }

  private takeFailure(): { reason: unknown } | null {
    if (!this.hasPendingFailure) return null;
    this.hasPendingFailure = false;
    return { reason: this.pendingFailure };
  }

  private historyFor(req: Json): unknown[] {
    const withOutput = !!req["output"];
    const entry = (h: HistoryEntry) => [1, h.line, withOutput ? [h.input, h.output] : h.input];
    const kind = req["hist_access_type"];
    let entries = this.history;
    if (kind === "tail") {
      const n = Number(req["n"] ?? 10);
      entries = n > 0 ? entries.slice(-n) : [];
    } else if (kind === "range") {
      const session = Number(req["session"] ?? 0);
      // IPython numbers sessions; 0 (or negative, counting back) means this one, and this kernel has only it.
      if (session > 1) return [];
      const start = Number(req["start"] ?? 0);
      const stop = req["stop"] === null || req["stop"] === undefined ? Infinity : Number(req["stop"]);
      entries = entries.filter((h) => h.line >= start && h.line < stop);
    } else if (kind === "search") {
      const glob = text(req["pattern"], "*");
      const re = new RegExp(
        "^" +
          glob
            .split("")
            .map((c) => (c === "*" ? "[\\s\\S]*" : c === "?" ? "[\\s\\S]" : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
            .join("") +
          "$",
      );
      entries = entries.filter((h) => re.test(h.input));
      if (req["unique"]) {
        const seen = new Set<string>();
        entries = entries.filter((h) => (seen.has(h.input) ? false : (seen.add(h.input), true)));
      }
      const n = Number(req["n"] ?? 0);
      if (n > 0) entries = entries.slice(-n);
    }
    return entries.map(entry);
  }
}

function signer(info: ConnectionInfo): (parts: string[]) => string {
  if (!info.key) return () => "";
  const algorithm = (info.signature_scheme ?? "hmac-sha256").replace(/^hmac-/, "");
  return (parts) => {
    const h = createHmac(algorithm, info.key);
    for (const p of parts) h.update(p);
    return h.digest("hex");
  };
}

/** Parse a wire message; throws when its signature is wrong. */
function parse(frames: Buffer[], sign: (parts: string[]) => string): Message {
  const at = frames.findIndex((f) => f.equals(delimiter));
  if (at < 0) throw new Error("message without <IDS|MSG> delimiter");
  const signature = frames[at + 1]?.toString() ?? "";
  const parts = frames.slice(at + 2, at + 6).map((f) => f.toString());
  if (parts.length < 4) throw new Error("message with fewer than four parts");
  const expected = sign(parts);
  if (
    expected &&
    !(expected.length === signature.length && timingSafeEqual(Buffer.from(expected), Buffer.from(signature)))
  )
    throw new Error("message with a bad signature");
  const [header, parent, metadata, content] = parts.map((p) => JSON.parse(p) as Json);
  return {
    identities: frames.slice(0, at),
    header: header as Message["header"],
    parent: parent!,
    metadata: metadata!,
    content: content!,
  };
}

function serialize(msg: Message, sign: (parts: string[]) => string): Buffer[] {
  const parts = [msg.header, msg.parent, msg.metadata, msg.content].map((p) => JSON.stringify(p));
  return [...msg.identities, delimiter, Buffer.from(sign(parts)), ...parts.map((p) => Buffer.from(p))];
}

/** Start the kernel on the connection file Jupyter passed. */
export async function startKernel(connectionFile: string): Promise<void> {
  const info = JSON.parse(readFileSync(connectionFile, "utf8")) as ConnectionInfo;
  const sign = signer(info);
  const zmq = loadZeromq();
  // An XPUB socket sees each subscription, so a subscriber gets a welcome as soon as it is connected (below).
  const iopub = new zmq.XPublisher();
  iopub.verbosity = "allSubs";
  const shell = new zmq.Router();
  const control = new zmq.Router();
  const stdin = new zmq.Router();
  const hb = new zmq.Reply();

  // zeromq allows one pending send per socket; chain them so bursts of output never fail with EBUSY.
  const chains = new Map<object, Promise<void>>();
  const sockets = { shell, control, iopub };
  const realStderr = process.stderr.write.bind(process.stderr);
  const sendOn = (channel: "shell" | "control" | "iopub", msg: Message) => {
    const socket = sockets[channel];
    const frames = serialize(msg, sign);
    const next = (chains.get(socket) ?? Promise.resolve())
      .then(() => socket.send(frames))
      .catch((e: unknown) => {
        realStderr(`deepdeck kernel: could not send ${msg.header.msg_type}: ${String(e)}\n`);
      });
    chains.set(socket, next);
  };
  // Created before the sockets are bound: it starts the compiler worker, the longest part of a start.
  const kernel = new DeepdeckKernel(sendOn);
  kernel.log = (text) => realStderr(text + "\n");
  const address = (port: number) => `${info.transport}://${info.ip}:${port}`;
  await Promise.all([
    iopub.bind(address(info.iopub_port)),
    shell.bind(address(info.shell_port)),
    control.bind(address(info.control_port)),
    stdin.bind(address(info.stdin_port)),
    hb.bind(address(info.hb_port)),
  ]);

  const close = () => {
    for (const s of [iopub, shell, control, stdin, hb]) s.close();
    process.exit(0);
  };
  kernel.onShutdown = close;

  // Output goes to the running cell, and after it ends to the last one, as in IPython.
  for (const name of ["stdout", "stderr"] as const) {
    process[name].write = (chunk: string | Uint8Array, encoding?: unknown, cb?: unknown) => {
      kernel.write(name, typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
      const done = typeof encoding === "function" ? encoding : cb;
      if (typeof done === "function") (done as () => void)();
      return true;
    };
  }
  process.on("SIGINT", () => kernel.interrupt());
  process.on("unhandledRejection", (reason) => kernel.failure(reason));
  process.on("uncaughtException", (error) => kernel.failure(error));

  // While the worker compiles, this thread loads deepdeck's runtime, which the first cell usually imports,
  // and the native TensorFlow its `dd.ready()` will most likely choose (seconds together on a busy machine).
  // Both block this thread, so they start once a front-end can see the kernel ready: its first request
  // answered, and its iopub subscription welcomed (jupyter_client's wait_for_ready, which JupyterLab and
  // nbclient use, wants an iopub message within 0.2 s of the kernel_info reply, else it asks again; a reply
  // stuck behind the preload cost a start a second). A client that never subscribes gets it after a second.
  // A cell that arrives first starts it too, once its compile is asked for: the compile runs in another
  // thread or process meanwhile (a warm compiler's 0.2 s would otherwise come after the preload).
  let answered = false;
  let subscribed = false;
  let preloading = false;
  const startPreload = () => {
    if (preloading) return;
    preloading = true;
    void Promise.all(chains.values()).then(() =>
      setImmediate(() => {
        try {
          require(deepdeckRoot);
        } catch {
          // The cell that imports it reports why.
        }
        try {
          (require("../backend/ready") as typeof Backend).preloadNativeBackend();
        } catch {
          // Its dd.ready() reports it.
        }
      }),
    );
  };
  const preload = () => {
    if (answered && subscribed) startPreload();
  };
  kernel.whileCompiling = startPreload;
  const firstAnswer = () => {
    if (answered) return;
    answered = true;
    preload();
    setTimeout(() => {
      subscribed = true;
      preload();
    }, 1000).unref();
  };

  // As ipykernel (7): an `iopub_welcome` to each new subscriber, the slow joiner's first message (JEP 65).
  void (async () => {
    for await (const [frame] of iopub) {
      if (frame?.[0] !== 1) continue;
      const topic = frame.subarray(1).toString("utf8");
      const welcome = kernel.welcome(topic);
      sendOn("iopub", welcome);
      subscribed = true;
      preload();
    }
  })();

  const serve = async (channel: "shell" | "control", socket: typeof shell) => {
    for await (const frames of socket) {
      let msg: Message;
      try {
        msg = parse(frames, sign);
      } catch (e) {
        realStderr(`deepdeck kernel: dropped a message: ${(e as Error).message}\n`);
        continue;
      }
      // Not awaited: completion and inspection answer while a cell runs (cells queue among themselves).
      void kernel.handle(channel, msg);
      firstAnswer();
    }
  };
  void serve("shell", shell);
  void serve("control", control);
  void (async () => {
    for await (const frames of hb) await hb.send(frames);
  })();
}
