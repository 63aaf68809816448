/**
 * tslab's TypeScript compiler behind plain-data requests ({@link CompilerRequest}), wherever it runs: a
 * worker thread of the kernel (compiler_worker.ts) or a process `deepdeck start` keeps warm for the next
 * kernel (compiler_process.ts). Loading TypeScript and type-checking the first cell against deepdeck's
 * and tfjs's declarations is most of a cold start, so it never runs on the kernel's main thread.
 */
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

/** A request's answer: `result`, or `error` with the compiler's stack. */
export interface CompilerAnswer {
  id: number;
  result?: unknown;
  error?: string;
}

export interface CompilerOptions {
  paths: Record<string, string[]>;
  /** A cell compiled once at start, so its declarations are parsed before the first cell needs them. */
  warmUp?: string;
  /** Where a session's first cell is kept once compiled (cell_cache.ts), and the context it is kept under. */
  cellCache?: { file: string; context: string };
}

export interface CompilerService {
  answer(req: CompilerRequest): CompilerAnswer;
  /** Load TypeScript and compile the warm-up cell, once. */
  warmUp(): void;
}

export function createCompilerService(options: CompilerOptions): CompilerService {
  let converter: Converter | null = null;
  let lastMaps: () => CellSourceMaps | null = () => null;
  const probes = options.cellCache ? new ProbeLog() : undefined;
  const conv = (): Converter => {
    if (!converter) {
      const c = createMappedConverter({ paths: options.paths, ...(probes ? { probes } : {}) });
      converter = c.converter;
      lastMaps = c.lastMaps;
    }
    return converter;
  };
  let modules: ReturnType<typeof tslabModules> | null = null;
  const tslab = () => (modules ??= tslabModules());
  let warmedUp = false;
  const warmUp = () => {
    tslab();
    if (!warmedUp) {
      warmedUp = true;
      conv();
      if (options.warmUp) conv().convert("", options.warmUp);
    }
    scheduleCacheSave();
  };
  // After a warm-up the code cache holds the functions a start compiles; written once the first cell had its turn.
  let saveScheduled = false;
  const scheduleCacheSave = () => {
    if (saveScheduled || !modules) return;
    saveScheduled = true;
    setTimeout(saveTslabTypeScriptCache, 1000).unref();
  };
  const result = (req: CompilerRequest): unknown => {
    switch (req.method) {
      case "convert": {
        const converted = conv().convert(req.prevDecl, req.src);
        const compiled = { result: converted, maps: lastMaps() };
        const cache = options.cellCache;
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
        warmUp();
        return null;
    }
  };
  return {
    answer(req) {
      try {
        return { id: req.id, result: result(req) };
      } catch (e) {
        return { id: req.id, error: (e as Error).stack ?? String(e) };
      } finally {
        scheduleCacheSave();
      }
    },
    warmUp,
  };
}
