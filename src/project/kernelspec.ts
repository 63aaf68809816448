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

export function kernelSpecDir(target: KernelSpecTarget = {}, name = kernelName): string {
  const base = target.prefix ? join(target.prefix, "share", "jupyter") : (target.dataDir ?? jupyterDataDir());
  return join(base, "kernels", name);
}

/** A kernel name Jupyter accepts (kernelspec names: letters, digits, `.`, `_`, `-`). */
export function checkKernelName(name: string): string {
  if (!/^[a-z0-9._-]+$/i.test(name))
    throw new Error(
      `install-kernel: ${JSON.stringify(name)} is not a kernel name (use letters, digits, ".", "_" and "-").`,
    );
  return name;
}

/** The display name: the default kernel is "TypeScript (deepdeck)", a named one says its name. */
export function displayNameFor(name = kernelName): string {
  return name === kernelName ? kernelDisplayName : `TypeScript (deepdeck: ${name})`;
}

/** The script that starts this package's tslab with deepdeck's kernel fixes (src/tslab/launch.ts). */
export function kernelLauncher(): string {
  // Resolved from the package root, so it names the built file from src/ (tests) and dist/ alike.
  return join(dirname(__filename), "..", "..", "dist", "tslab", "launch.js");
}

/** The kernel.json contents: this node, by absolute path, running the launcher. */
export function kernelSpec(
  node = process.execPath,
  launcher = kernelLauncher(),
  name = kernelName,
): Record<string, unknown> {
  return {
    argv: [node, launcher, "--config-path", "{connection_file}"],
    display_name: displayNameFor(name),
    language: "typescript",
    interrupt_mode: "signal",
    metadata: { deepdeck: { tslab: dirname(require.resolve("tslab/package.json")) } },
  };
}

/** The launcher an installed kernel.json runs, or null when there is none (or it is not deepdeck's). */
export function installedLauncher(target: KernelSpecTarget = {}, name = kernelName): string | null {
  try {
    const spec = JSON.parse(readFileSync(join(kernelSpecDir(target, name), "kernel.json"), "utf8")) as {
      argv?: unknown;
    };
    return Array.isArray(spec.argv) && typeof spec.argv[1] === "string" ? spec.argv[1] : null;
  } catch {
    return null;
  }
}

/**
 * Register (or refresh) the kernelspec. Idempotent: an identical kernel.json is left untouched.
 * `previous` is the launcher the kernel ran before when this repointed it to another checkout.
 */
export function installKernelSpec(
  target: KernelSpecTarget = {},
  name = kernelName,
): { dir: string; changed: boolean; previous?: string } {
  const dir = kernelSpecDir(target, checkKernelName(name));
  const file = join(dir, "kernel.json");
  const content = JSON.stringify(kernelSpec(undefined, undefined, name), null, 2) + "\n";
  if (existsSync(file) && readFileSync(file, "utf8") === content) return { dir, changed: false };
  const before = installedLauncher(target, name);
  writeFileAtomic(file, content);
  return before !== null && before !== kernelLauncher()
    ? { dir, changed: true, previous: before }
    : { dir, changed: true };
}

/** Whether a kernelspec at `target` starts this install's tslab. */
export function kernelSpecIsCurrent(target: KernelSpecTarget = {}): boolean {
  const file = join(kernelSpecDir(target), "kernel.json");
  return existsSync(file) && readFileSync(file, "utf8") === JSON.stringify(kernelSpec(), null, 2) + "\n";
}
