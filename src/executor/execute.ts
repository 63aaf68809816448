/**
 * Running a notebook on a Jupyter kernel from TypeScript, through run_notebook.py (nbclient). One code
 * path executes notebook code everywhere: tests, and later the deck's knit step.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** A Jupyter notebook (nbformat 4), as far as deepdeck reads it. */
export interface Notebook {
  cells: NotebookCell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

export interface NotebookCell {
  id?: string;
  cell_type: "code" | "markdown" | "raw";
  source: string | string[];
  metadata: Record<string, unknown>;
  outputs?: CellOutput[];
  execution_count?: number | null;
  /** A markdown cell's pictures, by file name (`![...](attachment:NAME)`): MIME type to base64 data. */
  attachments?: Record<string, Record<string, string>>;
}

export interface CellOutput {
  output_type: "stream" | "display_data" | "execute_result" | "error";
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  transient?: { display_id?: string };
  ename?: string;
  evalue?: string;
}

/** One iopub message a cell received, as run_notebook.py logs it. */
export interface MessageLogEntry {
  msg_type: string;
  mime_types?: string[];
  display_id?: string;
  name?: string;
  ename?: string;
}

export interface ExecuteOptions {
  /** Kernel name. Default "deepdeck". */
  kernel?: string;
  /** Seconds each cell may take. Default 600. */
  timeout?: number;
  /** Keep going after a cell fails (its error is recorded in the outputs). Default false. */
  allowErrors?: boolean;
  /** Directory the kernel runs in, where `import` looks for packages. Default: the notebook's folder (a notebook object: this process's cwd). */
  cwd?: string;
  /** Environment of the kernel (and Jupyter's lookup of kernelspecs). Default: this process's. */
  env?: NodeJS.ProcessEnv;
}

export interface ExecuteResult {
  notebook: Notebook;
  /** The iopub messages per cell index. */
  messages: Record<string, MessageLogEntry[]>;
  /** Set when execution stopped on an error. */
  error: string | null;
}

const runner = join(dirname(__filename), "..", "..", "src", "executor", "run_notebook.py");

/** A Python that has nbclient: DEEPDECK_PYTHON, Debian's /usr/bin/python3, or python3 on PATH. */
export function findPython(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = [env["DEEPDECK_PYTHON"], "/usr/bin/python3", "python3"].filter((c): c is string => !!c);
  for (const python of candidates) {
    const probe = spawnSync(python, ["-c", "import nbclient, nbformat"], { env, stdio: "ignore" });
    if (probe.status === 0) return python;
  }
  throw new Error(
    "No Python with nbclient was found (tried " +
      candidates.join(", ") +
      "). Install it: sudo apt-get install python3-nbclient jupyter-nbconvert, or pip install nbclient; or set DEEPDECK_PYTHON.",
  );
}

/** Execute a notebook (an object or a path) on a Jupyter kernel and return it with its outputs. */
export function executeNotebook(input: Notebook | string, options: ExecuteOptions = {}): ExecuteResult {
  const env = options.env ?? process.env;
  const python = findPython(env);
  const dir = mkdtempSync(join(tmpdir(), "deepdeck-nb-"));
  try {
    let inputPath: string;
    if (typeof input === "string") {
      inputPath = input;
    } else {
      inputPath = join(dir, "input.ipynb");
      writeFileSync(inputPath, JSON.stringify(input));
    }
    const outPath = join(dir, "output.ipynb");
    const logPath = join(dir, "log.json");
    const args = [
      runner,
      inputPath,
      outPath,
      logPath,
      "--kernel",
      options.kernel ?? "deepdeck",
      "--timeout",
      String(options.timeout ?? 600),
    ];
    if (options.allowErrors) args.push("--allow-errors");
    const cwd = options.cwd ?? (typeof input === "string" ? undefined : process.cwd());
    if (cwd) args.push("--cwd", cwd);
    const run = spawnSync(python, args, { env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    let log: { error: string | null; cells: Record<string, MessageLogEntry[]> };
    try {
      log = JSON.parse(readFileSync(logPath, "utf8")) as typeof log;
    } catch {
      throw new Error(`run_notebook.py failed before executing (exit ${run.status}):\n${run.stderr}`);
    }
    const notebook = JSON.parse(readFileSync(outPath, "utf8")) as Notebook;
    return { notebook, messages: log.cells, error: log.error };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A new notebook for the deepdeck kernel from cell sources (strings are code cells). */
export function makeNotebook(cells: (string | { markdown: string })[]): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: "deepdeck", display_name: "TypeScript (deepdeck)", language: "typescript" },
      language_info: { name: "typescript", file_extension: ".ts", mimetype: "text/typescript" },
    },
    cells: cells.map((c, i) =>
      typeof c === "string"
        ? { cell_type: "code", source: c, metadata: {}, outputs: [], execution_count: null, id: `cell-${i}` }
        : { cell_type: "markdown", source: c.markdown, metadata: {}, id: `cell-${i}` },
    ),
  };
}

/** The text a cell printed (stream output and text/plain results), joined. */
export function cellText(cell: NotebookCell, stream?: "stdout" | "stderr"): string {
  const parts: string[] = [];
  for (const o of cell.outputs ?? []) {
    if (o.output_type === "stream" && (!stream || o.name === stream)) parts.push(joinText(o.text));
    else if (
      !stream &&
      (o.output_type === "execute_result" || o.output_type === "display_data") &&
      o.data?.["text/plain"] !== undefined
    )
      parts.push(joinText(o.data["text/plain"] as string | string[]));
    else if (!stream && o.output_type === "error") parts.push(`${o.ename}: ${o.evalue}`);
  }
  return parts.join("");
}

function joinText(t: string | string[] | undefined): string {
  return Array.isArray(t) ? t.join("") : (t ?? "");
}
