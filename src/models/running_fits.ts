/**
 * The fits running now, so that the Jupyter kernel's interrupt can stop them (src/tslab/cells.ts). The
 * interrupt ends the cell at once, but a fit the cell awaited would otherwise train on in the background
 * until its last epoch, changing the model's weights and keeping the workers of a data-parallel fit busy.
 * Stopped, fit ends after the batch it is on, as Keras does on KeyboardInterrupt, and cleans up as always.
 * The set lives on globalThis: the kernel and its cells may load deepdeck from two places (src, dist).
 */
import type * as tf from "@tensorflow/tfjs";
import type { Fit } from "./fit_cache";

const key = Symbol.for("deepdeck.runningFits");

function running(): Set<tf.LayersModel> {
  const g = globalThis as unknown as Record<symbol, Set<tf.LayersModel> | undefined>;
  return (g[key] ??= new Set());
}

/** `fit`, known to {@link stopRunningFits} while it runs; src/install.ts applies it. */
export function withRunningFits(fit: Fit): Fit {
  return async function (this: tf.LayersModel, x, y, args) {
    const fits = running();
    fits.add(this);
    try {
      return await fit.call(this, x, y, args);
    } finally {
      fits.delete(this);
    }
  };
}

/** Ask every running fit to stop after its current batch; returns how many were running. */
export function stopRunningFits(): number {
  const fits = running();
  for (const model of fits) model.stopTraining = true;
  return fits.size;
}
