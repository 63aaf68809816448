/**
 * Every change deepdeck makes to TensorFlow.js's own objects, in one place and in the order that
 * matters, applied once when deepdeck is imported. Backend kernels are not here: they go on a backend
 * when it starts (src/backend/kernel_registry.ts).
 */
import * as tf from "@tensorflow/tfjs";
import { inspect } from "node:util";
import { installGradients } from "./backend/kernel_registry";
import { deepdeckGradients } from "./backend/kernels";
import { setProgressLine } from "./data/progress";
import { inPlaceLine } from "./display/display";
import { inspectTensor } from "./format/inspect";
import { withFitCache, type Fit } from "./models/fit_cache";
import { withParallelFit } from "./models/parallel_fit";
import { withRunningFits } from "./models/running_fits";
import { inspectModel } from "./models/summary";
import { withQuickMode } from "./quick";

let installed = false;

/** Apply deepdeck's patches; calling it again does nothing. */
export function installPatches(): void {
  if (installed) return;
  installed = true;
  // Gradients hold on every backend, so they go in before any backend is chosen.
  installGradients(deepdeckGradients);
  Object.defineProperty(tf.Tensor.prototype, inspect.custom, {
    configurable: true,
    writable: true,
    enumerable: false,
    value: inspectTensor,
  });
  // A model that ends a cell (or is logged) shows Keras's summary instead of its object tree.
  Object.defineProperty(tf.LayersModel.prototype, inspect.custom, {
    configurable: true,
    writable: true,
    enumerable: false,
    value: inspectModel,
  });
  // Downloads report progress through the display layer: one bar updated in place in a notebook.
  setProgressLine(inPlaceLine);
  // Sequential.fit delegates to LayersModel.fit, so wrapping the latter covers both. The cache wraps
  // the stock fit first, so quick mode's cap on epochs (the outer wrapper) is part of the cache's key;
  // data parallelism on wasm goes innermost, so the cache stores and restores its runs like any other;
  // the kernel's interrupt stops the fits that run (not those the cache restores).
  const proto = tf.LayersModel.prototype as unknown as { fit: Fit };
  proto.fit = withQuickMode(withFitCache(withRunningFits(withParallelFit(proto.fit))));
}
