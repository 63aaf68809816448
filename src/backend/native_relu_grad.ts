/**
 * Relu's gradient on tfjs-node as TensorFlow's own `ReluGrad` op. tfjs's gradient, dy·cast(step(x)),
 * is seven TensorFlow ops on tfjs-node (its Step kernel alone runs IsNan, Greater, two Fills and two
 * Selects), each paying the per-op overhead; ReluGrad is one. Every ReLU of a model runs it once per
 * training step (the course's convnet has four). On the other backends tfjs's gradient is unchanged.
 *
 * The one difference: where x is NaN, TensorFlow's ReluGrad gives 0 and tfjs's gradient NaN (Keras on
 * TensorFlow gives 0, as here).
 */
import * as tf from "@tensorflow/tfjs";
import type { GradientDescriptor, KernelDescriptor, KernelFunc } from "./kernel_registry";
import { backendTraits } from "./traits";

interface NodeBackend {
  binding: { TF_ATTR_TYPE: number };
  executeSingleOutput(
    name: string,
    attrs: { name: string; type: number; value: unknown }[],
    inputs: tf.TensorInfo[],
  ): tf.TensorInfo;
}

/** deepdeck's kernel name for TensorFlow's ReluGrad (tfjs has none). */
export const reluGradKernel = "DeepdeckReluGrad";

/** TensorFlow's DataType enum values for the dtypes a ReLU takes in tfjs. */
const tfDType: Record<string, number> = { float32: 1, int32: 3 };

const reluGrad: KernelFunc = ({ inputs, backend }) => {
  const { dy, x } = inputs as { dy: tf.TensorInfo; x: tf.TensorInfo };
  const node = backend as unknown as NodeBackend;
  return node.executeSingleOutput(
    "ReluGrad",
    [{ name: "T", type: node.binding.TF_ATTR_TYPE, value: tfDType[x.dtype] ?? 1 }],
    [dy, x],
  );
};

export const nativeReluGradKernel: KernelDescriptor = {
  kernelName: reluGradKernel,
  backendName: "tensorflow",
  kind: "addition",
  reason: "Relu's gradient as TensorFlow's ReluGrad: one op instead of seven",
  make: () => reluGrad,
};

const runReluGrad = (dy: tf.Tensor, x: tf.Tensor): tf.Tensor =>
  tf.engine().runKernel<tf.Tensor>(reluGradKernel, { dy, x });

/** Relu's gradient: ReluGrad on native TensorFlow, tfjs's own everywhere else. */
export const nativeReluGradient: GradientDescriptor = {
  kernelName: tf.Relu,
  reason: "on native TensorFlow, Relu's gradient is one ReluGrad op instead of seven",
  make: (stock) => ({
    kernelName: tf.Relu,
    inputsToSave: ["x"],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved as [tf.Tensor];
      if (backendTraits().native) return { x: () => runReluGrad(dy as tf.Tensor, x) };
      return stock ? stock.gradFunc(dy, saved, attrs) : { x: () => tf.mul(dy as tf.Tensor, tf.step(x).toFloat()) };
    },
  }),
};

/** ReluGrad's own gradient, for gradients of gradients: ReluGrad again for dy, nothing for x. */
export const reluGradGradient: GradientDescriptor = {
  kernelName: reluGradKernel,
  reason: "gradients of gradients through deepdeck's ReluGrad",
  make: () => ({
    kernelName: reluGradKernel,
    inputsToSave: ["x"],
    gradFunc: (ddx, saved) => {
      const [x] = saved as [tf.Tensor];
      return { dy: () => runReluGrad(ddx as tf.Tensor, x), x: () => tf.zerosLike(x) };
    },
  }),
};
