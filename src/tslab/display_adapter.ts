/**
 * Where displays go in a kernel. tslab's public `display` sends one MIME type per message, and a chart
 * needs several at once (Vega-Lite for JupyterLab, SVG/PNG for the rest, text for terminals). deepdeck's
 * kernel keeps the running cell's writer in a global slot; under tslab's own kernel, tslab's module keeps
 * it in `jupyter.lastWriteDisplayData`. We call either with the whole bundle. test/tslab/tslab.test.ts fails
 * if tslab stops keeping that function.
 */
import type { WireBundle } from "../display/bundle";

export interface DisplayMessage {
  data: WireBundle;
  metadata: Record<string, unknown>;
  transient: { display_id?: string };
}

type WriteDisplayData = (message: DisplayMessage, update: boolean) => void;
interface TslabJupyterModule {
  lastWriteDisplayData: WriteDisplayData | null;
}

/**
 * Where deepdeck's own kernel (kernel.ts) keeps the running cell's display writer. Checked first, on every
 * message, because it changes with each cell.
 */
export const kernelDisplaySlot = Symbol.for("deepdeck.kernel.writeDisplayData");

function kernelWriter(): WriteDisplayData | null {
  const w = (globalThis as Record<symbol, unknown>)[kernelDisplaySlot];
  return typeof w === "function" ? (w as WriteDisplayData) : null;
}

const jupyterModulePattern = /[\\/]tslab[\\/]dist[\\/]jupyter\.js$/;

/**
 * The tslab module of the running kernel. It is found among loaded modules rather than required,
 * because a kernel started from another install of tslab has its own copy, and requiring ours
 * would find one that never ran a cell.
 */
let found: TslabJupyterModule | null = null;

function findRunningTslab(): TslabJupyterModule | null {
  // Scanning require.cache on every message would slow live displays; the module, once found, stays.
  if (found) return typeof found.lastWriteDisplayData === "function" ? found : null;
  for (const [file, mod] of Object.entries(require.cache)) {
    if (!jupyterModulePattern.test(file) || !mod) continue;
    const exp = mod.exports as Partial<TslabJupyterModule>;
    if (typeof exp.lastWriteDisplayData === "function") return (found = exp as TslabJupyterModule);
  }
  return null;
}

/** Whether this process is a tslab kernel that has run a cell (and so can display). */
export function inTslabKernel(): boolean {
  return kernelWriter() !== null || findRunningTslab() !== null;
}

/** Send a display_data (or update_display_data) message to the cell that is running. Returns false outside tslab. */
export function sendToTslab(message: DisplayMessage, update: boolean): boolean {
  const own = kernelWriter();
  if (own) {
    own(message, update);
    return true;
  }
  const tslab = findRunningTslab();
  if (!tslab || !tslab.lastWriteDisplayData) return false;
  tslab.lastWriteDisplayData(message, update);
  return true;
}
