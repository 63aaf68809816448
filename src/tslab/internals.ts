/**
 * Every use of tslab's undocumented internals, in one place. deepdeck's kernel (kernel.ts) is its own
 * Jupyter server but compiles cells with tslab's converter: the TypeScript type-check of a cell against
 * the declarations of the cells before it, the transpile to a function body, and the name of the
 * variable holding the last expression. test/tslab/internals.test.ts fails when any of this moves.
 *
 * Two things tslab does not offer are added by giving its converter module a proxied `typescript`:
 * - source maps (inline in the first emit, separate in the ESM-to-CommonJS pass), so tracebacks give
 *   the cell's own line numbers;
 * - compiler `paths` for "deepdeck" and "@tensorflow/*", so a notebook in any folder type-checks against
 *   the kernel's own deepdeck and tfjs (tslab fixes moduleResolution node10 and ignores tsconfig.json).
 */
import Module, { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { ProbeKind, ProbeLog } from "./cell_cache";
import { codeCacheFile, requireWithCodeCache } from "./code_cache";

export const tslabDir = dirname(require.resolve("tslab/package.json"));
const tslabRequire = createRequire(join(tslabDir, "package.json"));

export interface Diagnostic {
  start: { offset: number; line: number; character: number };
  end: { offset: number; line: number; character: number };
  messageText: string;
  category: number;
  code: number;
  fileName?: string;
}

export interface SideOutput {
  path: string;
  data: string;
}

/** What tslab's converter returns for a cell. */
export interface ConvertResult {
  output?: string;
  declOutput?: string;
  diagnostics: Diagnostic[];
  hasToplevelAwait?: boolean;
  sideOutputs?: SideOutput[];
  lastExpressionVar?: string;
}

/** The two source maps of a cell's output: output → first emit → the cell (with tslab's one-line prefix). */
export interface CellSourceMaps {
  /** Maps the CommonJS output to the first emit. */
  toEmit: object;
  /** Maps the first emit to tslab's source file, whose first line is tslab's `export {};` prefix. */
  toSource: object;
}

export interface CompletionInfo {
  start: number;
  end: number;
  candidates: string[];
}

export interface Converter {
  convert(prevDecl: string, src: string): ConvertResult;
  inspect(prevDecl: string, src: string, position: number): unknown;
  complete(prevDecl: string, src: string, position: number): CompletionInfo;
  addModule(name: string, src: string, meta?: unknown): Diagnostic[];
  close(): void;
}

export interface CodeMetadata {
  mode?: "node" | "browser";
  module?: string;
  jsx?: boolean;
}

/** The TypeScript tslab compiles with (its own fork, @tslab/typescript-for-tslab). */
export interface TslabTypeScript {
  version: string;
  createWatchCompilerHost(...args: unknown[]): unknown;
  transpileModule(
    input: string,
    options: { fileName?: string; compilerOptions?: Record<string, unknown> },
  ): {
    outputText: string;
    sourceMapText?: string;
  };
}

let typescript: TslabTypeScript | null = null;
let saveTypeScriptCache = (): void => {};
/**
 * tslab's TypeScript, loaded on first use (it is most of a kernel's start; the compiler worker loads it),
 * through V8's code cache (code_cache.ts).
 */
export function tslabTypeScript(): TslabTypeScript {
  if (!typescript) {
    const file = tslabRequire.resolve("@tslab/typescript-for-tslab");
    const loaded = requireWithCodeCache(file, codeCacheFile(file, tslabTypeScriptVersion));
    typescript = loaded.exports as TslabTypeScript;
    saveTypeScriptCache = loaded.saveCache;
  }
  return typescript;
}

/** Write the code cache of tslab's TypeScript when the load had none; after a warm-up it holds what that compiled. */
export function saveTslabTypeScriptCache(): void {
  saveTypeScriptCache();
}

/** The version of tslab's TypeScript, without loading it. */
export const tslabTypeScriptVersion = (
  JSON.parse(readFileSync(tslabRequire.resolve("@tslab/typescript-for-tslab/package.json"), "utf8")) as {
    version: string;
  }
).version;

const inlineMapPattern = /\n?\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/;
const mapCommentPattern = /\n?\/\/# sourceMappingURL=\S+\s*$/;

/**
 * No watcher on declaration files under node_modules: a start compiles ~900 of them (tfjs, @types/node,
 * TypeScript's lib) and a watcher each costs time and a file handle, while the kernel would not reload the
 * JavaScript of a package changed under it anyway. Folders stay watched, so a package installed while the
 * kernel runs still resolves; the notebook's own .ts files stay watched too.
 */
export const watchOptions = { excludeFiles: ["/**/node_modules"] };

export interface ConverterOptions {
  /** Compiler `paths` added to tslab's options (absolute targets). */
  paths: Record<string, string[]>;
  /** Where to log what the compiler asks the file system (cell_cache.ts keeps a compile with it). */
  probes?: ProbeLog;
}

const probedMethods: readonly ProbeKind[] = ["readFile", "fileExists", "directoryExists", "getDirectories", "realpath"];

/** TypeScript's `sys` with the methods a compile depends on logged in `probes`. */
function probedSys(sys: Record<string, unknown>, probes: ProbeLog): Record<string, unknown> {
  const logged = Object.create(sys) as Record<string, unknown>;
  for (const kind of probedMethods) {
    const method = sys[kind];
    if (typeof method !== "function") continue;
    logged[kind] = (path: string, ...rest: unknown[]) => {
      probes.add(kind, path);
      return (method as (...a: unknown[]) => unknown).call(sys, path, ...rest);
    };
  }
  return logged;
}

/**
 * A tslab converter with source maps and `paths`. It is tslab's converter.js compiled once more as its
 * own module, whose `require("@tslab/typescript-for-tslab")` returns a proxy, so tslab's own copy is untouched.
 * `lastMaps()` gives the source maps of the latest `convert`'s main output.
 */
export function createMappedConverter(options: ConverterOptions): {
  converter: Converter;
  lastMaps: () => CellSourceMaps | null;
} {
  let last: CellSourceMaps | null = null;
  const ts = tslabTypeScript();
  // tslab's converter reads and probes files through `ts.sys` (its own sys inherits from it).
  const sys = options.probes
    ? probedSys((ts as unknown as { sys: Record<string, unknown> }).sys, options.probes)
    : null;
  const proxied = new Proxy(ts, {
    get(target, key, receiver) {
      if (key === "sys" && sys) return sys;
      if (key === "createWatchCompilerHost")
        return (rootFiles: unknown, compilerOptions: Record<string, unknown>, ...rest: unknown[]) =>
          target.createWatchCompilerHost(
            rootFiles,
            { ...compilerOptions, inlineSourceMap: true, paths: { ...options.paths } },
            // system, createProgram, reportDiagnostic, reportWatchStatus, projectReferences, watchOptions.
            ...[...rest.slice(0, 4), undefined, watchOptions],
          );
      if (key === "transpileModule")
        return (input: string, opts: { fileName?: string; compilerOptions?: Record<string, unknown> }) => {
          // tslab's second pass (ES module to CommonJS); the last call of a convert is the cell itself.
          const inline = inlineMapPattern.exec(input);
          const source = inline ? input.slice(0, inline.index) : input;
          const result = target.transpileModule(source, {
            ...opts,
            compilerOptions: { ...opts.compilerOptions, sourceMap: true },
          });
          if (inline?.[1] && result.sourceMapText) {
            last = {
              toEmit: JSON.parse(result.sourceMapText) as object,
              toSource: JSON.parse(Buffer.from(inline[1], "base64").toString("utf8")) as object,
            };
          } else {
            last = null;
          }
          return { ...result, outputText: result.outputText.replace(mapCommentPattern, "\n") };
        };
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  const file = join(tslabDir, "dist", "converter.js");
  const mod = new Module(file);
  mod.filename = file;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(file));
  const ownRequire = createRequire(file);
  (mod as { require: unknown }).require = Object.assign(
    (id: string) => (id === "@tslab/typescript-for-tslab" ? proxied : (ownRequire(id) as unknown)),
    ownRequire,
  );
  (mod as unknown as { _compile(code: string, filename: string): void })._compile(readFileSync(file, "utf8"), file);
  const { createConverter } = mod.exports as {
    createConverter: (o: { isJS: boolean; isBrowser: boolean }) => Converter;
  };
  const converter = createConverter({ isJS: false, isBrowser: false });
  const convert = converter.convert.bind(converter);
  converter.convert = (prevDecl, src) => {
    last = null;
    return convert(prevDecl, src);
  };
  return { converter, lastMaps: () => last };
}

/** tslab's line offset of a cell in its source file (`export {};` + newline before the cell). */
export const sourcePrefixLines = 1;

interface TslabJupyterModule {
  lastWriteDisplayData: ((message: unknown, update: boolean) => void) | null;
}
interface TslabConverterModule {
  isCompleteCode: (code: string) => { completed: boolean; indent?: string };
}

/** tslab's own modules the compiler worker uses as they are: cell metadata, is-complete, quick-info printing. */
export function tslabModules(): {
  getCodeMetadata: (src: string) => CodeMetadata;
  isCompleteCode: (code: string) => { completed: boolean; indent?: string };
  printQuickInfo: (info: unknown) => string;
} {
  // Their modules require TypeScript; loaded first here, it comes through the code cache.
  tslabTypeScript();
  const metadata = tslabRequire("./dist/metadata.js") as { getCodeMetadata: (src: string) => CodeMetadata };
  const converterModule = tslabRequire("./dist/converter.js") as TslabConverterModule;
  const inspect = tslabRequire("./dist/inspect.js") as { printQuickInfo: (info: unknown) => string };
  return {
    getCodeMetadata: metadata.getCodeMetadata,
    isCompleteCode: converterModule.isCompleteCode,
    printQuickInfo: inspect.printQuickInfo,
  };
}

/** `require("tslab")` in a cell: tslab's public API. Loaded on demand, as it loads TypeScript. */
export function tslabPublicApi(): unknown {
  return tslabRequire("./dist/public.js");
}

/**
 * tslab's display slot (`jupyter.lastWriteDisplayData`), which its public `display` writes through, when
 * a cell has loaded tslab's API; null otherwise.
 */
export function loadedTslabJupyter(): TslabJupyterModule | null {
  const cached = require.cache[join(tslabDir, "dist", "jupyter.js")];
  return cached ? (cached.exports as TslabJupyterModule) : null;
}

/** The ZeroMQ binding tslab depends on (deepdeck does not depend on it directly). */
export function loadZeromq(): typeof import("zeromq") {
  return tslabRequire("zeromq") as typeof import("zeromq");
}

export const tslabVersion = (JSON.parse(readFileSync(join(tslabDir, "package.json"), "utf8")) as { version: string })
  .version;
