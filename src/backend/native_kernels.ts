/**
 * Kernels tfjs-node 4.22 lacks, run as the TensorFlow ops that do the same. `Transform`
 * (tf.image.transform, which dd.augment uses) has no tensorflow-backend kernel; TensorFlow's own
 * ImageProjectiveTransformV3 is the op tfjs's cpu kernel was ported from.
 */
import * as tf from "@tensorflow/tfjs";

interface OpAttr {
  name: string;
  type: number;
  value: unknown;
}

interface NodeBackend {
  binding: { TF_ATTR_STRING: number; TF_ATTR_TYPE: number };
  executeSingleOutput(name: string, attrs: OpAttr[], inputs: tf.TensorInfo[]): tf.TensorInfo;
}

/** TensorFlow's DataType enum values for the dtypes tfjs images come in. */
const tfDType: Record<string, number> = { float32: 1, int32: 3 };

const transformConfig: tf.KernelConfig = {
  kernelName: tf.Transform,
  backendName: "tensorflow",
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { image, transforms } = inputs as { image: tf.TensorInfo; transforms: tf.TensorInfo };
    const { interpolation, fillMode, fillValue, outputShape } = attrs as unknown as tf.TransformAttrs;
    const node = backend as unknown as NodeBackend;
    const [, height, width] = image.shape as [number, number, number, number];
    const size = tf.tensor1d(outputShape ?? [height, width], "int32");
    const fill = tf.scalar(fillValue, "float32");
    try {
      return node.executeSingleOutput(
        "ImageProjectiveTransformV3",
        [
          { name: "dtype", type: node.binding.TF_ATTR_TYPE, value: tfDType[image.dtype] ?? 1 },
          { name: "interpolation", type: node.binding.TF_ATTR_STRING, value: interpolation.toUpperCase() },
          { name: "fill_mode", type: node.binding.TF_ATTR_STRING, value: fillMode.toUpperCase() },
        ],
        [image, transforms, size, fill],
      );
    } finally {
      tf.dispose([size, fill]);
    }
  },
};

/** Register the kernels above for tfjs-node's `tensorflow` backend, once, where it has none of its own. */
export function installNativeKernels(): void {
  for (const k of [transformConfig]) if (!tf.getKernel(k.kernelName, k.backendName)) tf.registerKernel(k);
}
