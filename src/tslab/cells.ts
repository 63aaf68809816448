/**
 * Running cells: compile with tslab's converter (type-check against the earlier cells' declarations),
 * run the output in this context, and return what IPython's kernel returns: the last expression's value
 * or an error. Modules resolve to the kernel's own deepdeck and tfjs, whatever the notebook's folder has,
 * so there is one tfjs in the process.
 */
import Module, { createRequire } from "node:module";
import { dirname, extname, join, resolve } from "node:path";
import vm from "node:vm";
import { createMappedConverter, tslabModules, type Converter, type SideOutput } from "./internals";
import { diagnosticsContent, errorContent, registerCellScript, type ErrorContent } from "./traceback";

/** deepdeck's root: the package this kernel belongs to (dist/tslab/ or src/tslab/ is two levels down). */
export const deepdeckRoot = resolve(__dirname, "..", "..");

/**
 * The modules the kernel resolves from deepdeck rather than from the notebook's folder: deepdeck itself
 * and every @tensorflow package deepdeck can resolve (one tfjs, one set of registered kernels).
 */
export function kernelModule(id: string, root = deepdeckRoot): string | null {
  if (id === "deepdeck" || id.startsWith("deepdeck/")) return join(root, id.slice("deepdeck".length));
  if (!id.startsWith("@tensorflow/")) return null;
  try {
    return require.resolve(id, { paths: [root] });
  } catch {
    return null;
  }
}

/** The compiler `paths` that make TypeScript see the same modules as {@link kernelModule}. */
export function kernelPaths(root = deepdeckRoot): Record<string, string[]> {
  const paths: Record<string, string[]> = { deepdeck: [root], "deepdeck/*": [join(root, "*")] };
  try {
    const tfjs = dirname(require.resolve("@tensorflow/tfjs/package.json", { paths: [root] }));
    paths["@tensorflow/*"] = [join(dirname(tfjs), "*")];
  } catch {
    // deepdeck without tfjs cannot run; the import error will say so.
  }
  return paths;
}

export type CellOutcome = { status: "ok"; value: unknown; hasValue: boolean } | ({ status: "error" } & ErrorContent);

export interface CellRunner {
  run(code: string, count: number): Promise<CellOutcome>;
  complete(code: string, cursor: number): { start: number; end: number; candidates: string[] };
  inspect(code: string, cursor: number): string | null;
  isComplete(code: string): { completed: boolean; indent?: string };
  interrupt(): void;
  close(): void;
}

/** The header line the cell's output is wrapped in (its own line, so the source maps' lines stay whole). */
const headerLines = 1;

export function createCellRunner(rootDir = process.cwd()): CellRunner {
  const tslab = tslabModules();
  let converter: Converter | null = null;
  let lastMaps: () => ReturnType<ReturnType<typeof createMappedConverter>["lastMaps"]> = () => null;
  const conv = (): Converter => {
    if (!converter) {
      const c = createMappedConverter({ paths: kernelPaths() });
      converter = c.converter;
      lastMaps = c.lastMaps;
    }
    return converter;
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
        if (id === "tslab") return tslab.publicApi;
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

  async function run(code: string, count: number): Promise<CellOutcome> {
    const meta = tslab.getCodeMetadata(code);
    if (meta.module) {
      const diagnostics = conv().addModule(meta.module, code, meta);
      return diagnostics.length > 0
        ? { status: "error", ...diagnosticsContent(diagnostics) }
        : { status: "ok", value: undefined, hasValue: false };
    }
    if (meta.mode === "browser") return { status: "ok", value: undefined, hasValue: false };
    const converted = conv().convert(prevDecl, code);
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
      maps: lastMaps(),
    });
    const wrapped =
      (converted.hasToplevelAwait ? "(async function (exports, require) {\n" : "(function (exports, require) {\n") +
      converted.output +
      "\n})(__tslab__.exports, __tslab__.require)";
    try {
      const ret = vm.runInThisContext(wrapped, { filename, breakOnSigint: true }) as unknown;
      if (converted.hasToplevelAwait) await Promise.race([ret, interrupted]);
    } catch (e) {
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
    complete: (code, cursor) => conv().complete(prevDecl, code, cursor),
    inspect(code, cursor) {
      const info = conv().inspect(prevDecl, code, cursor);
      return info ? tslab.printQuickInfo(info) : null;
    },
    isComplete: (code) => tslab.isCompleteCode(code),
    interrupt() {
      interruptNow(new InterruptError("Interrupted: the cell was stopped by the user"));
      resetInterrupt();
    },
    close: () => converter?.close(),
  };
}

export class InterruptError extends Error {
  override name = "KeyboardInterrupt";
}
