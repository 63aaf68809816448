/**
 * Running cells: compile with tslab's converter (type-check against the earlier cells' declarations),
 * run the output in this context, and return what IPython's kernel returns: the last expression's value
 * or an error. Modules resolve to the kernel's own deepdeck and tfjs (kernel_modules.ts).
 */
import Module, { createRequire } from "node:module";
import { dirname, extname, join, resolve } from "node:path";
import vm from "node:vm";
import { stopRunningFits } from "../models/running_fits";
import { hasKeptCells, lookupCell, touchCell } from "./cell_cache";
import { startCompiler } from "./compiler_client";
import {
  tslabPublicApi,
  type CellSourceMaps,
  type CodeMetadata,
  type ConvertResult,
  type Diagnostic,
  type SideOutput,
} from "./internals";
import { compilerSetup, kernelModule } from "./kernel_modules";
import { diagnosticsContent, errorContent, registerCellScript, type ErrorContent } from "./traceback";

export type CellOutcome = { status: "ok"; value: unknown; hasValue: boolean } | ({ status: "error" } & ErrorContent);

export interface CellRunner {
  run(code: string, count: number): Promise<CellOutcome>;
  complete(code: string, cursor: number): Promise<{ start: number; end: number; candidates: string[] }>;
  inspect(code: string, cursor: number): Promise<string | null>;
  isComplete(code: string): Promise<{ completed: boolean; indent?: string }>;
  interrupt(): void;
  close(): void;
}

/** The header line the cell's output is wrapped in (its own line, so the source maps' lines stay whole). */
const headerLines = 1;

export interface CellRunnerOptions {
  /** Called when a cell's compile was asked for: this thread then only waits for the compiler. */
  whileCompiling?: () => void;
}

export function createCellRunner(rootDir = process.cwd(), options: CellRunnerOptions = {}): CellRunner {
  // The compiler works in this process's folder, which is what its answers depend on.
  const setup = compilerSetup(process.cwd());
  const cellCache = setup.cellCache;
  // With a kept first cell the compiler waits for the first cell: a restart runs it without TypeScript.
  const deferWarmUp = hasKeptCells(cellCache.file);
  const compiler = startCompiler({ ...setup, deferWarmUp });
  let warm = !deferWarmUp;
  /** Once the first cell ran (and its result is on its way), the compiler gets ready for the next. */
  const warmUpLater = () => {
    if (warm) return;
    warm = true;
    compiler.ask({ method: "warmUp" }).catch(() => {
      // A compiler that failed says so on the next cell.
    });
  };

  const sideOutputs = new Map<string, string>();
  const sideModules = new Map<string, Module>();
  const locals: Record<string, unknown> = {};
  // Named imports compile to defineProperty; locals must stay assignable from later cells.
  const exportsProxy = new Proxy(locals, {
    defineProperty(_target, prop, attrs) {
      if (prop === "__esModule") return true;
      locals[prop as string] = attrs.get ? (attrs.get as () => unknown)() : attrs.value;
      return true;
    },
  });

  function wrapRequire(base: NodeJS.Require, dir: string): NodeJS.Require {
    const fromSideOutputs = (id: string): unknown => {
      if (!id.startsWith(".") && !id.startsWith("/")) return undefined;
      let filename = resolve(dir, id);
      if (extname(filename) === "") filename += ".js";
      const cached = sideModules.get(filename);
      if (cached) return cached.exports;
      const source = sideOutputs.get(filename);
      if (source === undefined) return undefined;
      const mod = new Module(filename);
      mod.filename = filename;
      mod.paths = (Module as unknown as { _nodeModulePaths(d: string): string[] })._nodeModulePaths(dirname(filename));
      (mod as { require: unknown }).require = wrapRequire(createRequire(filename), dirname(filename));
      (mod as unknown as { _compile(code: string, f: string): void })._compile(source, filename);
      sideModules.set(filename, mod);
      return mod.exports;
    };
    return new Proxy(base, {
      apply(_target, thisArg, args: unknown[]) {
        const id = args[0];
        if (args.length !== 1 || typeof id !== "string") return Reflect.apply(base, thisArg, args) as unknown;
        if (id === "tslab") return tslabPublicApi();
        const side = fromSideOutputs(id);
        if (side !== undefined) return side;
        return base(kernelModule(id) ?? id) as unknown;
      },
    });
  }

  const cellRequire = wrapRequire(createRequire(join(rootDir, "src.js")), rootDir);
  const setGlobal = vm.runInThisContext("(x) => { globalThis.__tslab__ = x; }") as (x: unknown) => void;
  setGlobal({ exports: exportsProxy, require: cellRequire });

  let prevDecl = "";
  let interruptNow: (e: Error) => void = () => {};
  let interrupted = new Promise<never>((_, reject) => (interruptNow = reject));
  const resetInterrupt = () => {
    interrupted = new Promise<never>((_, reject) => (interruptNow = reject));
    interrupted.catch(() => {});
  };
  resetInterrupt();

  /** The first cell, when it came from the cell cache: marked used once its result is out. */
  let keptRan: string | null = null;

  /** What the cell compiles to: the kept compile of a first cell, else the compiler's; null for a module or browser cell. */
  async function compile(code: string): Promise<CellOutcome | { result: ConvertResult; maps: CellSourceMaps | null }> {
    // A first cell compiled in an earlier session, with every file it depended on unchanged (cell_cache.ts).
    const kept = prevDecl === "" ? lookupCell(cellCache.file, cellCache.context, code) : null;
    if (kept) {
      keptRan = code;
      return kept;
    }
    warm = true;
    const meta = await compiler.ask<CodeMetadata>({ method: "metadata", src: code });
    if (meta.module) {
      const diagnostics = await compiler.ask<Diagnostic[]>({ method: "addModule", name: meta.module, src: code, meta });
      return diagnostics.length > 0
        ? { status: "error", ...diagnosticsContent(diagnostics) }
        : { status: "ok", value: undefined, hasValue: false };
    }
    if (meta.mode === "browser") return { status: "ok", value: undefined, hasValue: false };
    const converted = compiler.ask<{ result: ConvertResult; maps: CellSourceMaps | null }>({
      method: "convert",
      prevDecl,
      src: code,
    });
    options.whileCompiling?.();
    return converted;
  }

  async function run(code: string, count: number): Promise<CellOutcome> {
    try {
      return await runCell(code, count);
    } finally {
      warmUpLater();
      const src = keptRan;
      keptRan = null;
      if (src !== null) setImmediate(() => touchCell(cellCache.file, cellCache.context, src));
    }
  }

  async function runCell(code: string, count: number): Promise<CellOutcome> {
    const compiled = await compile(code);
    if ("status" in compiled) return compiled;
    const { result: converted, maps } = compiled;
    for (const out of converted.sideOutputs ?? ([] as SideOutput[])) {
      sideModules.delete(out.path);
      sideOutputs.set(out.path, out.data);
    }
    if (converted.diagnostics.length > 0) return { status: "error", ...diagnosticsContent(converted.diagnostics) };
    if (!converted.output) {
      prevDecl = converted.declOutput ?? "";
      return { status: "ok", value: undefined, hasValue: false };
    }
    const filename = `deepdeck-cell-${count}-${Date.now().toString(36)}.js`;
    registerCellScript({
      filename,
      label: `In[${count}]`,
      headerLines,
      outputLines: converted.output.split("\n").length,
      maps,
    });
    const wrapped =
      (converted.hasToplevelAwait ? "(async function (exports, require) {\n" : "(function (exports, require) {\n") +
      converted.output +
      "\n})(__tslab__.exports, __tslab__.require)";
    try {
      const ret = vm.runInThisContext(wrapped, { filename, breakOnSigint: true }) as unknown;
      if (converted.hasToplevelAwait) await Promise.race([ret, interrupted]);
    } catch (e) {
      // vm's breakOnSigint stops synchronous code with a plain Error; name it as an interrupt.
      if (e instanceof Error && e.message === "Script execution was interrupted by `SIGINT`")
        return {
          status: "error",
          ...errorContent(new InterruptError("Interrupted: the cell was stopped by the user")),
        };
      return { status: "error", ...errorContent(e) };
    }
    prevDecl = converted.declOutput ?? "";
    const name = converted.lastExpressionVar;
    if (!name || !(name in locals)) return { status: "ok", value: undefined, hasValue: false };
    const value = locals[name];
    Reflect.deleteProperty(locals, name);
    return { status: "ok", value, hasValue: value !== undefined && value !== null };
  }

  return {
    run,
    complete: (code, cursor) => compiler.ask({ method: "complete", prevDecl, src: code, position: cursor }),
    inspect: (code, cursor) => compiler.ask({ method: "inspect", prevDecl, src: code, position: cursor }),
    isComplete: (code) => compiler.ask({ method: "isComplete", src: code }),
    interrupt() {
      // A fit the cell awaited would train on in the background; it stops after its current batch.
      stopRunningFits();
      interruptNow(new InterruptError("Interrupted: the cell was stopped by the user"));
      resetInterrupt();
    },
    close: () => compiler.close(),
  };
}

export class InterruptError extends Error {
  override name = "KeyboardInterrupt";
}
