/**
 * Which deepdeck and tfjs a kernel's cells get: the kernel's own, by absolute path, whatever the
 * notebook's folder has, so there is one tfjs in the process; and what the compiler's answers depend on.
 */
import { dirname, join, resolve } from "node:path";
import { cellCacheContext, cellCacheFile } from "./cell_cache";
import { tslabTypeScriptVersion, tslabVersion } from "./internals";

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

/** The cell most notebooks on this kernel start with, compiled at start so its declarations are ready. */
export const warmUpCell = 'import * as dd from "deepdeck";\nimport * as tf from "@tensorflow/tfjs";\n';

/**
 * What a compiler in folder `cwd` is set up with, and `context`: everything its answers depend on (the
 * folder, tslab, its TypeScript, the module paths), so a compile kept or prepared under it fits.
 */
export function compilerSetup(cwd: string): {
  paths: Record<string, string[]>;
  warmUp: string;
  cellCache: { file: string; context: string };
} {
  const paths = kernelPaths();
  const context = cellCacheContext({ cwd, tslab: tslabVersion, typescript: tslabTypeScriptVersion, paths });
  return { paths, warmUp: warmUpCell, cellCache: { file: cellCacheFile(context), context } };
}

/**
 * What a compiler set up by {@link compilerSetup} is matched by, when a kernel asks `deepdeck start`'s pool
 * for one: its context, and the file it keeps first cells in (which follows DEEPDECK_CACHE_DIR).
 */
export function compilerKey(setup: { cellCache: { file: string; context: string } }): string {
  return JSON.stringify([setup.cellCache.context, setup.cellCache.file]);
}
