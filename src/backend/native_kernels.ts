/**
 * Kernels tfjs-node 4.22 lacks, run as the TensorFlow ops that do the same: `Transform`
 * (tf.image.transform, which dd.augment uses) as TensorFlow's ImageProjectiveTransformV3, the op tfjs's
 * cpu kernel was ported from, and `RotateWithOffset` (tf.image.rotateWithOffset, in the course's
 * augmentation cells) as that transform.
 */
import * as tf from "@tensorflow/tfjs";
import { messages } from "../messages";
import type { KernelDescriptor, KernelFunc, KernelParams } from "./kernel_registry";

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

const transform: KernelFunc = ({ inputs, backend, attrs }: KernelParams) => {
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
};

/**
 * tf.image.rotateWithOffset, as the projective transform tfjs's cpu kernel computes pixel by pixel:
 * each output pixel reads the input at its position rotated about the centre, nearest neighbour.
 */
const rotateWithOffset: KernelFunc = ({ inputs, backend, attrs }: KernelParams) => {
  const { image } = inputs as { image: tf.TensorInfo };
  const { radians, fillValue, center } = attrs as unknown as tf.RotateWithOffsetAttrs;
  const [batch, height, width] = image.shape as [number, number, number, number];
  const fills = typeof fillValue === "number" ? [fillValue] : fillValue;
  if (fills.some((v) => v !== fills[0])) throw new Error(messages.nativeRotateFill(fills));
  const [cx, cy] = tf.backend_util.getImageCenter(center, height, width);
  const cos = Math.cos(radians);
  const sin = Math.sin(radians);
  const row = [cos, -sin, cx - cos * cx + sin * cy, sin, cos, cy - sin * cx - cos * cy, 0, 0];
  const transforms = tf.tensor2d(
    Array.from({ length: batch }, () => row),
    [batch, 8],
  );
  try {
    return transform({
      inputs: { image, transforms },
      backend,
      attrs: {
        interpolation: "nearest",
        fillMode: "constant",
        fillValue: fills[0] ?? 0,
        outputShape: [height, width],
      },
    });
  } finally {
    transforms.dispose();
  }
};

/** The kernels above, for tfjs-node's `tensorflow` backend, which has none of its own. */
export const nativeKernels: readonly KernelDescriptor[] = [
  { kernelName: tf.Transform, reason: "tfjs-node has no Transform (tf.image.transform, dd.augment)", run: transform },
  {
    kernelName: tf.RotateWithOffset,
    reason: "tfjs-node has no RotateWithOffset (tf.image.rotateWithOffset)",
    run: rotateWithOffset,
  },
].map(({ run, ...d }) => ({ ...d, backendName: "tensorflow", kind: "addition" as const, make: () => run }));
