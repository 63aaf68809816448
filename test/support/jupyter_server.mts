/**
 * A real Jupyter server for the browser tests, started the way `npm start` starts it: the `deepdeck start`
 * command itself (which registers the kernel and builds Jupyter's arguments in src/cli/start.ts), with
 * every Jupyter folder (data, runtime, config, JupyterLab settings and workspaces) in a temporary
 * directory, so neither the user's Jupyter setup nor a previous run leaks in.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { delimiter, dirname, join } from "node:path";
import { jupyterCommand } from "../../src/cli/start.js";
import { packageRoot } from "../../src/project/link.js";

export const skipBrowser =
  process.env["DEEPDECK_SKIP_BROWSER"] === "1"
    ? "DEEPDECK_SKIP_BROWSER=1"
    : process.env["DEEPDECK_SKIP_JUPYTER"] === "1"
      ? "DEEPDECK_SKIP_JUPYTER=1"
      : false;

const install =
  "run .ci/run, or python3 -m venv .venv && .venv/bin/pip install jupyterlab notebook (or set DEEPDECK_SKIP_BROWSER=1 to skip the browser tests)";

/** jupyter-lab as `npm start` finds it (PATH, then .venv/); an error saying what to install otherwise. */
export function requireJupyterLab(): string {
  const lab = jupyterCommand([], packageRoot, { frontEnd: "lab" });
  if (!lab) throw new Error(`JupyterLab not found: ${install}`);
  return lab.command;
}

/**
 * Notebook 7's jupyter-notebook: the one installed beside jupyter-lab (Notebook 7 is built on JupyterLab
 * and installs with it), since an earlier jupyter-notebook on PATH may be Debian's classic Notebook 6.
 */
export function requireNotebook7(): string {
  const command = join(dirname(requireJupyterLab()), "jupyter-notebook");
  let version = "";
  try {
    version = execFileSync(command, ["--version"], { encoding: "utf8" }).trim();
  } catch {
    // Not installed beside JupyterLab.
  }
  if (!/^([7-9]|\d\d+)\./.test(version))
    throw new Error(`Notebook 7 not found beside JupyterLab (${command}: ${version || "missing"}): ${install}`);
  return command;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") resolve(address.port);
        else reject(new Error("no port"));
      });
    });
  });
}

export interface JupyterServer {
  /** The URL Jupyter printed, with its token. */
  url: URL;
  token: string;
  base: string;
  /** What `deepdeck start` and Jupyter printed so far (shown when a test fails). */
  log(): string;
  stop(): Promise<void>;
}

/**
 * `deepdeck start [--notebook] -- --no-browser --port=P --notebook-dir=DIR` in `scratch`, with the
 * kernel's environment `env`. For Notebook 7, jupyter-notebook's folder goes first on PATH, as in a
 * student's activated venv.
 */
export async function startJupyter(options: {
  frontEnd: "lab" | "notebook";
  notebookDir: string;
  scratch: string;
  env?: Record<string, string>;
}): Promise<JupyterServer> {
  const { scratch } = options;
  const settings = join(scratch, "lab-settings");
  // A fresh profile would ask "Would you like to get notified about official Jupyter news?" over the
  // notebook and try to reach the internet; a student answers once, the tests answer here.
  const notification = join(settings, "@jupyterlab", "apputils-extension", "notification.jupyterlab-settings");
  mkdirSync(dirname(notification), { recursive: true });
  writeFileSync(notification, JSON.stringify({ fetchNews: "false", checkForUpdates: false }));
  const port = await freePort();
  // The kernel inherits the server's environment: no Jupyter folder of the user's, no quick mode unless asked.
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith("JUPYTER") && k !== "DEEPDECK_QUICK"),
  );
  Object.assign(env, {
    JUPYTER_DATA_DIR: join(scratch, "data"),
    JUPYTER_RUNTIME_DIR: join(scratch, "runtime"),
    JUPYTER_CONFIG_DIR: join(scratch, "config"),
    JUPYTERLAB_SETTINGS_DIR: settings,
    JUPYTERLAB_WORKSPACES_DIR: join(scratch, "workspaces"),
    ...options.env,
  });
  if (options.frontEnd === "notebook") env["PATH"] = [dirname(requireNotebook7()), env["PATH"]].join(delimiter);
  else requireJupyterLab();
  const args = [
    join(packageRoot, "dist", "cli", "main.js"),
    "start",
    ...(options.frontEnd === "notebook" ? ["--notebook"] : []),
    "--",
    "--no-browser",
    `--port=${port}`,
    "--port-retries=0",
    `--notebook-dir=${options.notebookDir}`,
  ];
  const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<URL>((resolve, reject) => {
    const pattern = new RegExp(`(http://127\\.0\\.0\\.1:${port}/\\S*\\?token=[0-9a-f]+)`);
    const timer = setTimeout(() => {
      done();
      reject(new Error(`Jupyter did not print its URL within 60 s:\n${output}`));
    }, 60_000);
    const onData = () => {
      const m = pattern.exec(output);
      if (m) {
        done();
        resolve(new URL(m[1]!));
      }
    };
    const onExit = (code: number | null) => {
      done();
      reject(new Error(`deepdeck start exited with ${code}:\n${output}`));
    };
    const done = () => {
      clearTimeout(timer);
      child.stdout.off("data", onData);
      child.stderr.off("data", onData);
      child.off("exit", onExit);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", onExit);
  });
  return {
    url,
    token: url.searchParams.get("token")!,
    base: `http://127.0.0.1:${port}`,
    log: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), 30_000)));
      const how = await Promise.race([exited, late]);
      clearTimeout(timer);
      if (how === "late") {
        // Jupyter's pid is in the name of the file it prints (jpserver-<pid>-open.html).
        const pid = /jpserver-(\d+)-open\.html/.exec(output)?.[1];
        if (pid) process.kill(Number(pid), "SIGKILL");
        child.kill("SIGKILL");
        await exited;
        throw new Error(`Jupyter did not stop within 30 s of SIGTERM, so it was killed:\n${output}`);
      }
    },
  };
}
