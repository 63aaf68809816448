/**
 * The compiled first cell of a session, kept on disk. A notebook is restarted and run again far more often
 * than its first cell changes, and that cell (`import * as dd from "deepdeck"` and friends) is what makes the
 * compiler parse and check deepdeck's and tfjs's ~900 declaration files: seconds of a cold start. Its
 * compile result is a pure function of the cell's text and of the files the compiler looked at, so it is
 * kept with a fingerprint of every one of them (what was read: size and mtime; what was probed: exists, is
 * a file or a folder; folder listings; real paths) and taken only when all of them still answer the same.
 * Only a first cell (no earlier declarations) that compiled without diagnostics or side modules is kept;
 * anything else goes to the compiler as before. Like the code cache, an unreadable or unwritable cache only
 * costs the time it would have saved.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, realpathSync, statSync, unlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "../io/atomic_write";
import { codeCacheDir } from "./code_cache";
import type { CellSourceMaps, ConvertResult } from "./internals";

/** How the compiler asked the file system: the methods of TypeScript's `sys` whose answers a compile depends on. */
export type ProbeKind = "readFile" | "fileExists" | "directoryExists" | "getDirectories" | "realpath";

type Stat = ReturnType<typeof statSync>;

/** The file system's answer to one probe, as this module computes it (the same way when kept and when checked). */
export function fingerprint(kind: ProbeKind, path: string, stat: (path: string) => Stat = statOf): string {
  try {
    switch (kind) {
      case "readFile": {
        const st = stat(path);
        return st?.isFile() ? `${st.size}:${st.mtimeMs}` : "-";
      }
      case "fileExists":
        return stat(path)?.isFile() ? "f" : "-";
      case "directoryExists":
        return stat(path)?.isDirectory() ? "d" : "-";
      case "getDirectories":
        return readdirSync(path, { withFileTypes: true })
          .filter((e) => e.isDirectory() || e.isSymbolicLink())
          .map((e) => e.name)
          .sort()
          .join("/");
      case "realpath":
        return realpathSync(path);
    }
  } catch {
    return "!";
  }
}

const statOf = (path: string): Stat => statSync(path, { throwIfNoEntry: false });

/** One stat per path: a compiler probes most files twice (exists, then read). */
function memoStat(): (path: string) => Stat {
  const seen = new Map<string, Stat>();
  return (path) => {
    if (seen.has(path)) return seen.get(path);
    const st = statOf(path);
    seen.set(path, st);
    return st;
  };
}

/** The probes a compiler made, each once (kind and path). */
export class ProbeLog {
  private readonly seen = new Map<string, [ProbeKind, string]>();

  add(kind: ProbeKind, path: string): void {
    const key = `${kind}\0${path}`;
    if (!this.seen.has(key)) this.seen.set(key, [kind, path]);
  }

  /** Every probe with its answer now: [kind, path, fingerprint]. */
  fingerprints(): [ProbeKind, string, string][] {
    const stat = memoStat();
    return [...this.seen.values()].map(([kind, path]) => [kind, path, fingerprint(kind, path, stat)]);
  }
}

/** What a cell compiled to, as cells.ts uses it. */
export interface CompiledCell {
  result: ConvertResult;
  maps: CellSourceMaps | null;
}

interface Entry extends CompiledCell {
  src: string;
  probes: [ProbeKind, string, string][];
}

interface CacheFile {
  format: number;
  context: string;
  entries: Entry[];
}

const format = 1;
/** Different first cells kept per folder (a course has a handful of notebooks per folder). */
const maxEntries = 6;
/** Folders (contexts) kept: the most recently used; temporary folders' files go in time. */
export const maxCacheFiles = 32;

/** Where the compiled first cells of one context (folder, compiler, module paths) are kept. */
export function cellCacheFile(context: string, dir = join(dirname(codeCacheDir()), "cell-cache")): string {
  return join(dir, `${createHash("sha1").update(context).digest("hex").slice(0, 20)}.json`);
}

/**
 * The context a compile result depends on besides the files: the notebook's folder (tslab's type roots
 * and relative imports start there), the compiler's versions and the module paths it was given.
 */
export function cellCacheContext(parts: { cwd: string; tslab: string; typescript: string; paths: object }): string {
  return JSON.stringify([format, parts.cwd, parts.tslab, parts.typescript, parts.paths]);
}

function readCache(file: string, context: string): Entry[] {
  try {
    const data = JSON.parse(readFileSync(file, "utf8")) as CacheFile;
    return data.format === format && data.context === context && Array.isArray(data.entries) ? data.entries : [];
  } catch {
    return [];
  }
}

/** Whether any first cell is kept for this context (a restart is likely to find its own). */
export function hasKeptCells(file: string): boolean {
  return statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
}

/** The kept compile of `src` as a first cell, when every file the compiler looked at still answers the same. */
export function lookupCell(file: string, context: string, src: string): CompiledCell | null {
  const entry = readCache(file, context).find((e) => e.src === src);
  if (!entry) return null;
  const stat = memoStat();
  for (const [kind, path, answer] of entry.probes) if (fingerprint(kind, path, stat) !== answer) return null;
  return { result: entry.result, maps: entry.maps };
}

/** Whether a compile result can be kept: it compiled cleanly and brought no modules of the notebook's own. */
export function keepable(result: ConvertResult): boolean {
  return result.diagnostics.length === 0 && (result.sideOutputs ?? []).length === 0 && result.output !== undefined;
}

/** Keep the compile of `src` (a first cell) with the probes the compiler made up to it; the newest entries win. */
export function storeCell(file: string, context: string, src: string, compiled: CompiledCell, probes: ProbeLog): void {
  if (!keepable(compiled.result)) return;
  const entry: Entry = { src, result: compiled.result, maps: compiled.maps, probes: probes.fingerprints() };
  writeCache(file, context, [entry, ...readCache(file, context).filter((e) => e.src !== src)].slice(0, maxEntries));
}

function writeCache(file: string, context: string, entries: Entry[]): void {
  try {
    writeFileAtomic(file, JSON.stringify({ format, context, entries } satisfies CacheFile));
    pruneCacheFiles(dirname(file));
  } catch {
    // A read-only or full cache folder only costs the next start its compile time.
  }
}

/** Mark the kept `src` as just used, so the cells a folder restarts with outlive the ones it ran once. */
export function touchCell(file: string, context: string, src: string): void {
  const entries = readCache(file, context);
  const i = entries.findIndex((e) => e.src === src);
  if (i > 0) writeCache(file, context, [entries[i]!, ...entries.filter((e) => e.src !== src)]);
}

/** Keep the {@link maxCacheFiles} most recently written cache files of `dir`, removing the others. */
export function pruneCacheFiles(dir: string, keep = maxCacheFiles): void {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith(".json"))
    .map((name) => ({
      path: join(dir, name),
      mtime: statSync(join(dir, name), { throwIfNoEntry: false })?.mtimeMs ?? 0,
    }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const { path } of files.slice(keep)) {
    try {
      unlinkSync(path);
    } catch {
      // Another kernel removed it first.
    }
  }
}
