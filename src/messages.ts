/**
 * Every error message deepdeck raises, as sentences in one place: what was received, what was
 * expected, and what to do. Tests assert these exact texts.
 */

/** Describe a received value briefly, for error messages. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === "function") return "a function";
  const name = value.constructor?.name;
  return name && name !== "Object" ? `a ${name}` : "an object";
}

export const messages = {
  notATensor: (fn: string, arg: string, value: unknown) =>
    `${fn}: ${arg} must be a tf.Tensor, received ${describe(value)}.`,
  disposedTensor: (fn: string, arg: string) =>
    `${fn}: ${arg} is a tensor that was already disposed; keep it alive (tf.keep, or create it outside tf.tidy) until you are done with it.`,
  badOption: (fn: string, name: string, value: unknown, expected: string) =>
    `${fn}: option ${name} must be ${expected}, received ${describe(value)}.`,
  unknownOption: (fn: string, name: string, allowed: readonly string[]) =>
    `${fn}: unknown option ${JSON.stringify(name)}; known options are ${allowed.join(", ")}.`,
  badSlice: (fn: string, rank: number, value: unknown) =>
    `${fn}: option slice must list ${rank - 2} leading indices (one for each axis before the last two), received ${describe(value)}.`,
  sliceOutOfRange: (fn: string, axis: number, index: number, size: number) =>
    `${fn}: slice index ${index} on axis ${axis} is out of range [0, ${size - 1}].`,
  htmlRank: (fn: string, rank: number) =>
    `${fn}: a tensor of rank ${rank} has no table view; pass a 1-D or 2-D tensor, or a higher-rank one with option slice.`,
  badBackendName: (value: string, allowed: readonly string[]) =>
    `DEEPDECK_BACKEND=${value} is not a backend deepdeck knows; use one of ${allowed.join(", ")}.`,
  backendUnavailable: (name: string, why: string) =>
    `The backend ${JSON.stringify(name)} asked for by DEEPDECK_BACKEND is not available: ${why}`,
  kernelElsewhere: (dir: string, other: string, mine: string) =>
    [
      `The Jupyter kernel "TypeScript (deepdeck)" (${dir}) runs another copy of deepdeck:`,
      `  ${other}`,
      `so notebooks on it do not run this checkout (${mine}). It was left as it is. To change that:`,
      "  npm run install-kernel                              point it at this checkout",
      "  npx deepdeck install-kernel --name NAME             or add a second kernel for this checkout",
    ].join("\n"),
  noJupyter: () =>
    [
      "Jupyter was not found on this machine (neither jupyter-lab nor jupyter-notebook is on PATH or in .venv/).",
      "Install one of them, then run `npm start` again:",
      "  in this folder:  python3 -m venv .venv && .venv/bin/pip install jupyterlab   (npm start finds .venv/)",
      "  Debian/Ubuntu:   sudo apt-get install jupyter-notebook   (the classic Notebook)",
      "  pip:             python3 -m pip install jupyterlab",
      "  conda:           conda install -c conda-forge jupyterlab",
    ].join("\n"),
  noJupyterLab: () =>
    [
      "JupyterLab was not found (no jupyter-lab on PATH or in .venv/). Install it, then run `npm start` again:",
      "  in this folder:  python3 -m venv .venv && .venv/bin/pip install jupyterlab   (npm start finds .venv/)",
      "  pip:             python3 -m pip install jupyterlab",
    ].join("\n"),
  classicNotebookOnly: () =>
    [
      "JupyterLab is not installed, so this opens the classic Notebook. For JupyterLab (what the course uses):",
      "  python3 -m venv .venv && .venv/bin/pip install jupyterlab   (npm start finds .venv/), or pip install jupyterlab",
    ].join("\n"),
} as const;
