/**
 * tslab's TypeScript compiler in a worker thread. Loading TypeScript and type-checking the first cell
 * against deepdeck's and tfjs's declarations is most of a cold start; in a worker it runs on another
 * core while the kernel binds its sockets, answers kernel_info and loads deepdeck's runtime.
 * Requests come from cells.ts ({@link CompilerRequest}); every answer is plain data.
 */
import { parentPort, workerData } from "node:worker_threads";
import { ProbeLog, storeCell } from "./cell_cache";
import {
  createMappedConverter,
  saveTslabTypeScriptCache,
  tslabModules,
  type CellSourceMaps,
  type Converter,
} from "./internals";

export type CompilerRequest =
  | { id: number; method: "convert"; prevDecl: string; src: string }
  | { id: number; method: "metadata"; src: string }
  | { id: number; method: "addModule"; name: string; src: string; meta: unknown }
  | { id: number; method: "complete" | "inspect"; prevDecl: string; src: string; position: number }
  | { id: number; method: "isComplete"; src: string }
  | { id: number; method: "warmUp" };

export interface CompilerWorkerData {
  paths: Record<string, string[]>;
  /** A cell compiled once at start, so its declarations are parsed before the first cell needs them. */
  warmUp?: string;
  /** Where a session's first cell is kept once compiled (cell_cache.ts), and the context it is kept under. */
  cellCache?: { file: string; context: string };
  /**
   * Start nothing until asked (the first request, or "warmUp"): the folder's first cell is likely kept, and
   * the thread running it should not share the cores with seconds of TypeScript meanwhile.
   */
  deferWarmUp?: boolean;
}

if (parentPort) {
  const port = parentPort;
  const data = workerData as CompilerWorkerData;
  let converter: Converter | null = null;
  let lastMaps: () => CellSourceMaps | null = () => null;
  const probes = data.cellCache ? new ProbeLog() : undefined;
  const conv = (): Converter => {
    if (!converter) {
      const c = createMappedConverter({ paths: data.paths, ...(probes ? { probes } : {}) });
      converter = c.converter;
      lastMaps = c.lastMaps;
    }
    return converter;
  };
  let modules: ReturnType<typeof tslabModules> | null = null;
  const tslab = () => (modules ??= tslabModules());
  let warmedUp = false;
  const warmUp = () => {
    if (warmedUp) return;
    warmedUp = true;
    conv();
    if (data.warmUp) conv().convert("", data.warmUp);
  };
  // After a warm-up the code cache holds the functions a start compiles; written once the first cell had its turn.
  let saveScheduled = false;
  const scheduleCacheSave = () => {
    if (saveScheduled || !modules) return;
    saveScheduled = true;
    setTimeout(saveTslabTypeScriptCache, 1000).unref();
  };
  const answer = (req: CompilerRequest): unknown => {
    switch (req.method) {
      case "convert": {
        const result = conv().convert(req.prevDecl, req.src);
        const compiled = { result, maps: lastMaps() };
        const cache = data.cellCache;
        // Kept after the answer is sent: fingerprinting the compiler's ~4000 probes is not the cell's wait.
        if (cache && probes && req.prevDecl === "")
          setImmediate(() => storeCell(cache.file, cache.context, req.src, compiled, probes));
        return compiled;
      }
      case "metadata":
        return tslab().getCodeMetadata(req.src);
      case "addModule":
        return conv().addModule(req.name, req.src, req.meta);
      case "complete": {
        const { start, end, candidates } = conv().complete(req.prevDecl, req.src, req.position);
        return { start, end, candidates };
      }
      case "inspect": {
        const info = conv().inspect(req.prevDecl, req.src, req.position);
        return info ? tslab().printQuickInfo(info) : null;
      }
      case "isComplete":
        return tslab().isCompleteCode(req.src);
      case "warmUp":
        tslab();
        warmUp();
        return null;
    }
  };
  port.on("message", (req: CompilerRequest) => {
    try {
      port.postMessage({ id: req.id, result: answer(req) });
    } catch (e) {
      port.postMessage({ id: req.id, error: (e as Error).stack ?? String(e) });
    }
    scheduleCacheSave();
  });
  if (!data.deferWarmUp) {
    tslab();
    warmUp();
    scheduleCacheSave();
  }
  port.postMessage({ id: 0, result: "ready" });
}
