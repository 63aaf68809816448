/**
 * Cross-entropy on a softmax output as Keras computes it. Keras (on TensorFlow, JAX and PyTorch alike)
 * notices that the probabilities come from a softmax and computes the loss from the logits, so the
 * gradient that reaches the logits is exactly `p - y`. tfjs-layers clips the probabilities to
 * [1e-7, 1 - 1e-7] first, and the clip's gradient is zero outside that band: a training example the
 * model gets confidently wrong (p of its class below 1e-7) stops teaching it anything, and its loss reads
 * 16.1 however wrong it is. Late in training those few examples carry most of Keras's gradient.
 *
 * deepdeck's version keeps tfjs's graph (the loss still receives probabilities) and gives the loss the
 * gradient whose image through softmax's own gradient is `p - y`: d/dp = -y / p, with p kept above the
 * smallest normal float so that only a probability that underflowed to 0 (a logit gap beyond ~87) loses
 * its gradient, as it does in float32 anyway. The value is -sum(y log p), unclipped, as Keras reports it.
 */
import * as tf from "@tensorflow/tfjs";

const smallestNormal = 1.1754943508222875e-38;

type LossFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/** -sum(y log p) over the last axis, with the gradient -y / p for p (y is treated as a constant). */
const fromSoftmax: LossFn = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [yTrue, yPred, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  const y = tf.cast(yTrue, "float32");
  const p = tf.maximum(yPred, smallestNormal);
  save([y, p]);
  return {
    value: tf.neg(tf.sum(tf.mul(y, tf.log(p)), -1)),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [ys, ps] = saved as [tf.Tensor, tf.Tensor];
      return [tf.zerosLike(ys), tf.mul(tf.expandDims(dy, -1), tf.neg(tf.div(ys, ps)))];
    },
  };
});

/** Keras's categorical cross-entropy for a softmax output (targets one-hot or soft, summing to 1). */
export function categoricalCrossentropyFromSoftmax(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return fromSoftmax(yTrue, yPred);
}

/** Keras's sparse categorical cross-entropy for a softmax output (targets are class numbers). */
export function sparseCategoricalCrossentropyFromSoftmax(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const classes = yPred.shape[yPred.shape.length - 1]!;
    const labels = tf.cast(tf.floor(tf.reshape(yTrue, [-1])), "int32");
    const oneHot = tf.reshape(tf.oneHot(labels, classes), yPred.shape);
    return fromSoftmax(oneHot, yPred);
  });
}

interface LayerLike {
  getClassName(): string;
  getConfig(): tf.serialization.ConfigDict;
  activation?: { getClassName(): string };
}

/** Whether a model output is made by a softmax over its last axis (through nested models too). */
function isSoftmaxOutput(output: tf.SymbolicTensor): boolean {
  let source: unknown = output.sourceLayer;
  // A nested model's output is made by that model's own last layer.
  while (source instanceof tf.LayersModel && source.outputs.length === 1) source = source.outputs[0]!.sourceLayer;
  const layer = source as LayerLike;
  if (layer.getClassName() === "Softmax") {
    const axis = layer.getConfig()["axis"];
    return axis === undefined || axis === -1 || axis === output.shape.length - 1;
  }
  return layer.activation?.getClassName() === "softmax";
}

interface Compiled {
  loss: unknown;
  outputs: tf.SymbolicTensor[];
  outputNames: string[];
  lossFunctions?: LossFn[];
  feedLossFns?: LossFn[];
}

const fromSoftmaxByName: Record<string, LossFn> = {
  categoricalCrossentropy: categoricalCrossentropyFromSoftmax,
  sparseCategoricalCrossentropy: sparseCategoricalCrossentropyFromSoftmax,
};

/** The loss name compile was given for output `i` (a string, one per output, or one per output name). */
function lossName(m: Compiled, i: number): unknown {
  if (typeof m.loss === "string") return m.loss;
  if (Array.isArray(m.loss)) return m.loss[i];
  if (m.loss && typeof m.loss === "object") return (m.loss as Record<string, unknown>)[m.outputNames[i]!];
  return undefined;
}

/**
 * After `compile`: each output made by a softmax whose loss was given as "categoricalCrossentropy" or
 * "sparseCategoricalCrossentropy" gets Keras's version. compile has already chosen the accuracy metric
 * from tfjs's function, and `model.loss` keeps the name the user gave, so saved files, summaries and the
 * metrics are unchanged. A loss given as a function is the user's and is left alone.
 */
export function useKerasCrossentropy(model: tf.LayersModel): void {
  const m = model as unknown as Compiled;
  m.outputs.forEach((output, i) => {
    const name = lossName(m, i);
    const fn = typeof name === "string" ? fromSoftmaxByName[name] : undefined;
    if (!fn || !isSoftmaxOutput(output)) return;
    if (m.lossFunctions) m.lossFunctions[i] = fn;
    if (m.feedLossFns) m.feedLossFns[i] = fn;
  });
}
