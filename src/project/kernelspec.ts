/**
 * Registering the `deepdeck` Jupyter kernel: a kernel.json that starts this project's own tslab by
 * absolute path, written straight into Jupyter's data directory so no Python is needed.
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "../io/atomic_write";

export const kernelName = "deepdeck";
export const kernelDisplayName = "TypeScript (deepdeck)";

/** Jupyter's per-user data directory, as `jupyter --data-dir` computes it (JUPYTER_DATA_DIR wins). */
export function jupyterDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home = homedir(),
): string {
  if (env["JUPYTER_DATA_DIR"]) return env["JUPYTER_DATA_DIR"];
  if (platform === "darwin") return join(home, "Library", "Jupyter");
  if (platform === "win32") return join(env["APPDATA"] ?? join(home, "AppData", "Roaming"), "jupyter");
  return join(env["XDG_DATA_HOME"] || join(home, ".local", "share"), "jupyter");
}

/** Where to register the kernel: the user's data directory (default), or `{prefix}/share/jupyter` like `jupyter kernelspec install --prefix`. */
export interface KernelSpecTarget {
  prefix?: string;
  dataDir?: string;
}

export function kernelSpecDir(target: KernelSpecTarget = {}): string {
  const base = target.prefix ? join(target.prefix, "share", "jupyter") : (target.dataDir ?? jupyterDataDir());
  return join(base, "kernels", kernelName);
}

/** The script that starts this package's tslab with deepdeck's kernel fixes (src/tslab/launch.ts). */
export function kernelLauncher(): string {
  // Resolved from the package root, so it names the built file from src/ (tests) and dist/ alike.
  return join(dirname(__filename), "..", "..", "dist", "tslab", "launch.js");
}

/** The kernel.json contents: this node, by absolute path, running the launcher. */
export function kernelSpec(node = process.execPath, launcher = kernelLauncher()): Record<string, unknown> {
  return {
    argv: [node, launcher, "--config-path", "{connection_file}"],
    display_name: kernelDisplayName,
    language: "typescript",
    interrupt_mode: "signal",
    metadata: { deepdeck: { tslab: dirname(require.resolve("tslab/package.json")) } },
  };
}

/** Register (or refresh) the kernelspec. Idempotent: an identical kernel.json is left untouched. */
export function installKernelSpec(target: KernelSpecTarget = {}): { dir: string; changed: boolean } {
  const dir = kernelSpecDir(target);
  const file = join(dir, "kernel.json");
  const content = JSON.stringify(kernelSpec(), null, 2) + "\n";
  if (existsSync(file) && readFileSync(file, "utf8") === content) return { dir, changed: false };
  writeFileAtomic(file, content);
  return { dir, changed: true };
}

/** Whether a kernelspec at `target` starts this install's tslab. */
export function kernelSpecIsCurrent(target: KernelSpecTarget = {}): boolean {
  const file = join(kernelSpecDir(target), "kernel.json");
  return existsSync(file) && readFileSync(file, "utf8") === JSON.stringify(kernelSpec(), null, 2) + "\n";
}
