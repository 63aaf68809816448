/**
 * `npm start`: register the kernel if needed and open Jupyter (JupyterLab when installed, else the
 * classic Notebook) in notebooks/, on 127.0.0.1 with token authentication.
 */
import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { messages } from "../messages";
import { installedLauncher, installKernelSpec, kernelLauncher, kernelSpecDir } from "./kernelspec";
import { linkSelf, packageRoot } from "./link";

/** The first executable called `name` on PATH. */
export function which(name: string, path = process.env["PATH"] ?? ""): string | null {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return null;
}

/** The Jupyter front-end to start and its arguments. */
export function jupyterCommand(
  extraArgs: string[] = [],
  root = packageRoot,
): { command: string; args: string[] } | null {
  const lab = which("jupyter-lab");
  const notebook = which("jupyter-notebook");
  const command = lab ?? notebook;
  if (!command) return null;
  const args = ["--ip=127.0.0.1", `--notebook-dir=${join(root, "notebooks")}`];
  if (typeof process.getuid === "function" && process.getuid() === 0) args.push("--allow-root");
  return { command, args: [...args, ...extraArgs] };
}

export function start(extraArgs: string[]): void {
  linkSelf();
  const other = installedLauncher();
  if (other !== null && other !== kernelLauncher()) {
    // Another checkout (or install) owns the kernel; taking it over silently would change what its notebooks run.
    console.log(messages.kernelElsewhere(kernelSpecDir(), other, kernelLauncher()));
  } else {
    const { dir, changed } = installKernelSpec();
    console.log(
      changed
        ? `Registered the Jupyter kernel "TypeScript (deepdeck)" in ${dir}`
        : `Jupyter kernel "TypeScript (deepdeck)": ${kernelSpecDir()}`,
    );
  }
  const jupyter = jupyterCommand(extraArgs);
  if (!jupyter) {
    console.error(messages.noJupyter());
    process.exit(1);
  }
  console.log(`Starting ${jupyter.command} ${jupyter.args.join(" ")}`);
  const child = spawn(jupyter.command, jupyter.args, { stdio: "inherit" });
  // Jupyter shuts down cleanly on SIGTERM; pass both signals on so no server outlives this command.
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
  child.on("exit", (code) => process.exit(code ?? 0));
}
