/**
 * Every change deepdeck makes to TensorFlow.js's own objects, in one place and in the order that
 * matters, applied once when deepdeck is imported. Backend kernels are not here: they go on a backend
 * when it starts (src/backend/kernel_registry.ts).
 */
import * as tf from "@tensorflow/tfjs";
import { inspect } from "node:util";
import { installGradients } from "./backend/kernel_registry";
import { deepdeckGradients } from "./backend/kernels";
import { NativeAdamOptimizer, kerasAdam } from "./backend/native_adam";
import { setProgressLine } from "./data/progress";
import { inPlaceLine } from "./display/display";
import { inspectTensor } from "./format/inspect";
import { withFitCache, type Fit } from "./models/fit_cache";
import { useKerasCrossentropy } from "./models/keras_crossentropy";
import { withParallelFit } from "./models/parallel_fit";
import { withRunningFits } from "./models/running_fits";
import { inspectModel } from "./models/summary";
import { withQuickMode } from "./quick";

let installed = false;

/** Layers whose kernels Keras initializes with glorot_uniform where tfjs uses a truncated glorotNormal. */
const kerasUniformKernels = [
  "Dense",
  "Conv1D",
  "Conv2D",
  "Conv3D",
  "Conv2DTranspose",
  "Conv3DTranspose",
  "SeparableConv2D",
  "DepthwiseConv2D",
  "SimpleRNNCell",
  "GRUCell",
  "LSTMCell",
  "ConvLSTM2DCell",
];

/**
 * Keras's default kernel initializer. tfjs-layers defaults to glorotNormal, a normal truncated at two
 * standard deviations and not rescaled, so its initial weights spread 12% less than Keras's
 * glorot_uniform: the same model starts elsewhere. The constructors assign their default to the
 * instance, so an accessor on each class's prototype answers instead; an initializer the user names wins.
 */
function useKerasKernelDefaults(): void {
  const classes = tf.serialization.SerializationMap.getMap().classNameMap;
  for (const name of kerasUniformKernels) {
    const entry = classes[name];
    if (!entry) continue;
    Object.defineProperty((entry[0] as { prototype: object }).prototype, "DEFAULT_KERNEL_INITIALIZER", {
      configurable: true,
      get: () => "glorotUniform",
      set: () => undefined,
    });
  }
}

/** Apply deepdeck's patches; calling it again does nothing. */
export function installPatches(): void {
  if (installed) return;
  installed = true;
  // Gradients hold on every backend, so they go in before any backend is chosen.
  installGradients(deepdeckGradients);
  useKerasKernelDefaults();
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
  // Adam with Keras's update on every backend (on native TensorFlow in two TensorFlow ops per weight and
  // step); compile's "adam" goes through tf.train.adam, and loaded models make theirs from the class name
  // "Adam" (fromConfig): the same choice.
  tf.train.adam = kerasAdam;
  tf.serialization.SerializationMap.register(NativeAdamOptimizer);
  // Downloads report progress through the display layer: one bar updated in place in a notebook.
  setProgressLine(inPlaceLine);
  // Sequential.fit delegates to LayersModel.fit, so wrapping the latter covers both. The cache wraps
  // the stock fit first, so quick mode's cap on epochs (the outer wrapper) is part of the cache's key;
  // data parallelism on wasm goes innermost, so the cache stores and restores its runs like any other;
  // the kernel's interrupt stops the fits that run (not those the cache restores).
  const proto = tf.LayersModel.prototype as unknown as { fit: Fit; compile: tf.LayersModel["compile"] };
  proto.fit = withQuickMode(withFitCache(withRunningFits(withParallelFit(proto.fit))));
  // Cross-entropy on a softmax output trains as in Keras (src/models/keras_crossentropy.ts says why).
  const compile = proto.compile;
  proto.compile = function (this: tf.LayersModel, args: tf.ModelCompileArgs): void {
    compile.call(this, args);
    useKerasCrossentropy(this);
  };
}
