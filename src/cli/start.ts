/**
 * `npm start`: register the kernel if needed and open Jupyter (JupyterLab when installed, else the
 * classic Notebook) in notebooks/, on 127.0.0.1 with token authentication, with warm TypeScript
 * compilers ready for the kernels it starts (src/project/compiler_pool.ts).
 */
import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join, resolve } from "node:path";
import { startCompilerPool } from "../project/compiler_pool";
import { poolVariable } from "../project/compiler_socket";
import { installedLauncher, installKernelSpec, kernelLauncher, kernelSpecDir } from "../project/kernelspec";
import { linkSelf, packageRoot } from "../project/link";
import { cliMessages } from "./messages";

/** The first executable called `name` on PATH. */
export function which(name: string, path = process.env["PATH"] ?? ""): string | null {
  // Windows finds `jupyter-lab.exe` for `jupyter-lab`; elsewhere the name is the file.
  const names = process.platform === "win32" ? [`${name}.exe`, `${name}.cmd`, name] : [name];
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    for (const file of names) {
      const candidate = join(dir, file);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // Not here.
      }
    }
  }
  return null;
}

/**
 * Where Jupyter is looked for: PATH first (an activated venv or conda environment, `pip install --user`,
 * Debian's packages), then a venv that need not be activated: `$DEEPDECK_VENV`, else this checkout's own
 * `.venv/`, which `.ci/run` creates and the README suggests.
 */
export function jupyterSearchPath(
  path = process.env["PATH"] ?? "",
  root = packageRoot,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const venv = env["DEEPDECK_VENV"] || join(root, ".venv");
  const venvBin = join(venv, process.platform === "win32" ? "Scripts" : "bin");
  return [path, venvBin].filter(Boolean).join(delimiter);
}

/** `lab` is JupyterLab (`jupyter-lab`); `notebook` is `jupyter-notebook` (Notebook 7, or the classic Notebook 6). */
export type FrontEnd = "lab" | "notebook";

export interface JupyterCommand {
  frontEnd: FrontEnd;
  command: string;
  args: string[];
}

/** Options that set the served folder; Jupyter refuses a second one, so the user's replaces ours. */
const rootDirOption = /^--(notebook-dir|ServerApp\.root_dir|NotebookApp\.notebook_dir)(=|$)/;

/**
 * The arguments every front-end gets: local connections only (the token Jupyter prints stays on, as it
 * is by default), the notebook folder as the root unless `extraArgs` names another, and --allow-root
 * where Jupyter would refuse to start. `extraArgs` come last, so they override the rest.
 */
export function jupyterArgs(notebookDir: string, extraArgs: string[] = []): string[] {
  const args = ["--ip=127.0.0.1"];
  if (!extraArgs.some((a) => rootDirOption.test(a))) args.push(`--notebook-dir=${notebookDir}`);
  if (typeof process.getuid === "function" && process.getuid() === 0) args.push("--allow-root");
  return [...args, ...extraArgs];
}

/**
 * The Jupyter front-end to start and its arguments: `frontEnd` when given (null if it is not installed),
 * else JupyterLab when installed, else `jupyter-notebook`.
 */
export function jupyterCommand(
  extraArgs: string[] = [],
  root = packageRoot,
  options: { frontEnd?: FrontEnd; path?: string } = {},
): JupyterCommand | null {
  const path = jupyterSearchPath(options.path, root);
  const order: FrontEnd[] = options.frontEnd ? [options.frontEnd] : ["lab", "notebook"];
  for (const frontEnd of order) {
    const command = which(frontEnd === "lab" ? "jupyter-lab" : "jupyter-notebook", path);
    if (command) return { frontEnd, command, args: jupyterArgs(join(root, "notebooks"), extraArgs) };
  }
  return null;
}

/** The folder Jupyter serves with `args` (the last root-folder option wins, as in Jupyter). */
export function servedFolder(args: string[]): string | null {
  let folder: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const m = rootDirOption.exec(args[i]!);
    if (!m) continue;
    folder = m[2] === "=" ? args[i]!.slice(m[0].length) : (args[i + 1] ?? null);
  }
  return folder;
}

/** `deepdeck start [--lab | --notebook] [--] [JUPYTER ARGS]`: the front-end flag is deepdeck's, the rest Jupyter's. */
export function parseStartArgs(argv: string[]): { frontEnd?: FrontEnd; jupyterArgs: string[] } {
  let frontEnd: FrontEnd | undefined;
  let i = 0;
  for (; i < argv.length; i++) {
    if (argv[i] === "--lab") frontEnd = "lab";
    else if (argv[i] === "--notebook") frontEnd = "notebook";
    else break;
  }
  if (argv[i] === "--") i++;
  return { ...(frontEnd ? { frontEnd } : {}), jupyterArgs: argv.slice(i) };
}

export async function start(argv: string[]): Promise<void> {
  const { frontEnd, jupyterArgs: extraArgs } = parseStartArgs(argv);
  linkSelf();
  const other = installedLauncher();
  if (other !== null && other !== kernelLauncher()) {
    // Another checkout (or install) owns the kernel; taking it over silently would change what its notebooks run.
    console.log(cliMessages.kernelElsewhere(kernelSpecDir(), other, kernelLauncher()));
  } else {
    const { dir, changed } = installKernelSpec();
    console.log(
      changed
        ? `Registered the Jupyter kernel "TypeScript (deepdeck)" in ${dir}`
        : `Jupyter kernel "TypeScript (deepdeck)": ${kernelSpecDir()}`,
    );
  }
  const jupyter = jupyterCommand(extraArgs, packageRoot, frontEnd ? { frontEnd } : {});
  if (!jupyter) {
    console.error(frontEnd === "lab" ? cliMessages.noJupyterLab() : cliMessages.noJupyter());
    process.exit(1);
  }
  // Without JupyterLab, jupyter-notebook is the classic Notebook 6 (Notebook 7 installs JupyterLab too).
  if (jupyter.frontEnd === "notebook" && !frontEnd) console.log(cliMessages.classicNotebookOnly());
  // A spare for the served folder starts warming with the server; kernels elsewhere get theirs after their first start.
  const folder = servedFolder(jupyter.args);
  const pool = await startCompilerPool({ folders: folder ? [resolve(folder)] : [] });
  console.log(`Starting ${jupyter.command} ${jupyter.args.join(" ")}`);
  const child = spawn(jupyter.command, jupyter.args, {
    stdio: "inherit",
    env: { ...process.env, [poolVariable]: pool.socket },
  });
  // Jupyter shuts down cleanly on SIGTERM; pass both signals on so no server outlives this command.
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
  child.on("exit", (code) => {
    void pool.close().finally(() => process.exit(code ?? 0));
  });
}
