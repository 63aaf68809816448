/**
 * Loading a big CommonJS module with V8's code cache kept on disk. tslab's TypeScript is 9 MB of
 * JavaScript that every kernel start compiled again; with the cache V8 skips parsing it and gets the
 * functions the last start compiled lazily (the cache is made after the warm-up, so it holds them).
 * Node 20 has no module.enableCompileCache, so this does what it does for one file, through vm.Script.
 * The cache is an optimisation only: one that is missing, stale or unreadable is compiled afresh and
 * rewritten, and one that cannot be written is skipped.
 */
import { createHash } from "node:crypto";
import Module, { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, join } from "node:path";
import vm from "node:vm";
import { writeFileAtomic } from "../io/atomic_write";

/**
 * deepdeck's cache folder for code caches: the same base as the datasets' cache (src/data/datasets.ts,
 * which a compiler worker cannot import: it loads tfjs), DEEPDECK_CACHE_DIR first.
 */
export function codeCacheDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home = homedir(),
): string {
  if (env["DEEPDECK_CACHE_DIR"]) return join(env["DEEPDECK_CACHE_DIR"], "code-cache");
  if (platform === "darwin") return join(home, "Library", "Caches", "deepdeck", "code-cache");
  if (platform === "win32")
    return join(env["LOCALAPPDATA"] ?? join(home, "AppData", "Local"), "deepdeck", "code-cache");
  return join(env["XDG_CACHE_HOME"] || join(home, ".cache"), "deepdeck", "code-cache");
}

/** The cache file for `file` at `version`: V8's cache is valid for one Node (V8) build and architecture only. */
export function codeCacheFile(file: string, version: string, dir = codeCacheDir()): string {
  return join(dir, `${basename(file, ".js")}-${version}-node${process.versions.node}-${process.arch}.v8cache`);
}

export interface CachedModule {
  exports: unknown;
  /** Whether V8 took the cache (false: there was none, or it was stale and the module compiled afresh). */
  usedCache: boolean;
  /** Write the cache now, with every function compiled so far, unless the load used a valid one. */
  saveCache: () => void;
}

const moduleInternals = Module as unknown as {
  _cache: Record<string, Module | undefined>;
  _nodeModulePaths(dir: string): string[];
};

/**
 * `require(file)` through V8's code cache in `cacheFile`. The module goes into require's cache under its
 * own path, so a later `require` of it (tslab's converter requires TypeScript) gets this instance.
 */
export function requireWithCodeCache(file: string, cacheFile: string): CachedModule {
  const loaded = moduleInternals._cache[file];
  if (loaded) return { exports: loaded.exports as unknown, usedCache: false, saveCache: () => {} };
  const source = readFileSync(file, "utf8");
  // V8 checks only the source's length; the digest in front of its data makes a cache fit one source.
  const digest = createHash("sha1").update(source).digest();
  let cachedData: Buffer | undefined;
  try {
    const stored = readFileSync(cacheFile);
    cachedData = stored.subarray(0, digest.length).equals(digest) ? stored.subarray(digest.length) : undefined;
  } catch {
    cachedData = undefined;
  }
  // Node's own wrapper, on the module's first line, so line numbers in stack traces stay the file's.
  const wrapped = `(function (exports, require, module, __filename, __dirname) { ${source}\n})`;
  const script = new vm.Script(wrapped, { filename: file, ...(cachedData ? { cachedData } : {}) });
  const usedCache = cachedData !== undefined && !script.cachedDataRejected;
  const mod = new Module(file);
  mod.filename = file;
  mod.paths = moduleInternals._nodeModulePaths(dirname(file));
  moduleInternals._cache[file] = mod;
  try {
    const body = script.runInThisContext() as (...args: unknown[]) => void;
    body.call(mod.exports, mod.exports, createRequire(file), mod, file, dirname(file));
  } catch (e) {
    Reflect.deleteProperty(moduleInternals._cache, file);
    throw e;
  }
  mod.loaded = true;
  return {
    exports: mod.exports as unknown,
    usedCache,
    saveCache: () => {
      if (usedCache) return;
      try {
        writeFileAtomic(cacheFile, Buffer.concat([digest, script.createCachedData()]));
      } catch {
        // A read-only or full cache folder only costs the next start its compile time.
      }
    },
  };
}
