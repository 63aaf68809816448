/**
 * Everything deepdeck does differently from one backend to another, decided here and nowhere else
 * (the tests run this module on every backend): library code asks for a trait, never for a name.
 */
import * as tf from "@tensorflow/tfjs";
import { isWasmBackend } from "./kernel_registry";

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
  /**
   * deepdeck's wasm kernel replacements apply (wasm only; native TensorFlow has its own few, each a TensorFlow op
   * or two in place of tfjs-node's: no-op Cast and Reshape, MaxPoolGrad as oneDNN's, BatchMatMul as MatMul).
   */
  replacementKernels: boolean;
}

/** The traits of the active backend. */
export function backendTraits(): BackendTraits {
  const name = tf.getBackend();
  const backend = tf.backend();
  const heap: HeapTensors | null =
    name === "wasm" && isWasmBackend(backend)
      ? {
          int32(shape) {
            const info = backend.makeOutput(shape, "int32");
            return { info, values: backend.typedArrayFromHeap(info) as Int32Array };
          },
        }
      : null;
  return { name, native: name === "tensorflow", heap, replacementKernels: name === "wasm" };
}
