/**
 * Everything deepdeck does differently from one backend to another, decided here and nowhere else
 * (the tests run this module on every backend): library code asks for a trait, never for a name.
 */
import * as tf from "@tensorflow/tfjs";

/** The wasm backend's own memory, where a tensor can be written in place. */
export interface HeapTensors {
  /** A new int32 tensor of `shape` whose values live in the backend's heap, and a view of them to fill. */
  int32(shape: number[]): { info: tf.TensorInfo; values: Int32Array };
}

export interface BackendTraits {
  /** TensorFlow.js's name of the backend (`tensorflow`, `wasm`, `cpu`). */
  name: string;
  /** Native TensorFlow (tfjs-node or tfjs-node-gpu): kernels in C++, tensors outside the JS heap. */
  native: boolean;
  /** Write tensors straight into the backend's memory (wasm); null where tfjs copies them in anyway. */
  heap: HeapTensors | null;
  /** deepdeck's replacement kernels apply (they are registered for wasm only, never for native TensorFlow). */
  replacementKernels: boolean;
}

interface WasmBackend {
  makeOutput(shape: number[], dtype: "int32"): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Int32Array;
}

/** The traits of the active backend. */
export function backendTraits(): BackendTraits {
  const name = tf.getBackend();
  const backend = tf.backend() as unknown as Partial<WasmBackend>;
  const { makeOutput, typedArrayFromHeap } = backend;
  const heap: HeapTensors | null =
    name === "wasm" && typeof makeOutput === "function" && typeof typedArrayFromHeap === "function"
      ? {
          int32(shape) {
            const info = makeOutput.call(backend, shape, "int32");
            return { info, values: typedArrayFromHeap.call(backend, info) };
          },
        }
      : null;
  return { name, native: name === "tensorflow", heap, replacementKernels: name === "wasm" };
}
