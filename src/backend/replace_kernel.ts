/** Replacing a backend's kernel by ours, keeping the original for the cases ours hands back. */
import * as tf from "@tensorflow/tfjs";

export type KernelParams = { inputs: tf.NamedTensorInfoMap; attrs: tf.NamedAttrMap; backend: tf.KernelBackend };
export type KernelFunc = (params: KernelParams) => tf.TensorInfo | tf.TensorInfo[];

/** The wasm backend's view of its heap, which the replacements read and write in place. */
export interface WasmBackendLike extends tf.KernelBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): tf.TypedArray;
}

/**
 * Register `run` as `kernelName` on `backendName`, with the original kernel as its fallback. Marked, so
 * installing twice (or after the backend re-registers) replaces once. No-op where the kernel is missing.
 */
export function replaceKernel(
  kernelName: string,
  backendName: string,
  run: (params: KernelParams, original: KernelFunc) => tf.TensorInfo | tf.TensorInfo[],
): void {
  const original = tf.getKernel(kernelName, backendName);
  if (!original || (original as { deepdeck?: boolean }).deepdeck) return;
  const fallback = original.kernelFunc as KernelFunc;
  tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel({
    ...original,
    deepdeck: true,
    kernelFunc: (params) => run(params as KernelParams, fallback),
  } as tf.KernelConfig);
}

/** Whether `backend` is the wasm backend (the one with a heap to view). */
export function isWasmBackend(backend: tf.KernelBackend): backend is WasmBackendLike {
  return typeof (backend as Partial<WasmBackendLike>).typedArrayFromHeap === "function";
}

/** `run` on the wasm heap where the backend is wasm and `run` takes the case (non-null); the original kernel otherwise. */
export function replaceOnHeap(
  kernelName: string,
  backendName: string,
  run: (params: KernelParams & { backend: WasmBackendLike }) => tf.TensorInfo | null,
): void {
  replaceKernel(
    kernelName,
    backendName,
    (params, original) =>
      (isWasmBackend(params.backend) && run(params as KernelParams & { backend: WasmBackendLike })) || original(params),
  );
}

/** Register a kernel the backend lacks, computed on the wasm heap; no-op where the backend has one. */
export function addHeapKernel(
  kernelName: string,
  backendName: string,
  run: (params: KernelParams & { backend: WasmBackendLike }) => tf.TensorInfo,
): void {
  if (tf.getKernel(kernelName, backendName)) return;
  tf.registerKernel({
    kernelName,
    backendName,
    kernelFunc: (params) => {
      const p = params as KernelParams;
      if (!isWasmBackend(p.backend)) throw new Error(`${kernelName}: deepdeck's kernel runs on the wasm backend only.`);
      return run(p as KernelParams & { backend: WasmBackendLike });
    },
  });
}
