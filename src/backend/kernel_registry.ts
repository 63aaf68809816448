/**
 * The one place deepdeck registers kernels and gradients with TensorFlow.js. Each kernel module exports
 * descriptors (what it computes, on which backend, whether it replaces a stock kernel or adds a missing
 * one, and why); `src/backend/kernels.ts` lists them, and this module installs them. A replacement keeps
 * the stock kernel as its fallback for the cases it hands back; an addition has none.
 */
import * as tf from "@tensorflow/tfjs";
import { messages } from "../messages";

export interface KernelParams {
  inputs: tf.NamedTensorInfoMap;
  attrs: tf.NamedAttrMap;
  backend: tf.KernelBackend;
}
export type KernelFunc = (params: KernelParams) => tf.TensorInfo | tf.TensorInfo[];

/** The wasm backend's view of its heap, which the heap kernels read and write in place. */
export interface WasmBackendLike extends tf.KernelBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): tf.TypedArray;
}
export type HeapParams = KernelParams & { backend: WasmBackendLike };

/**
 * A kernel's computation: its result, or `null` to hand this case to the fallback (the stock kernel of
 * a replacement). `fallback` is `undefined` for additions.
 */
export type KernelRun = (
  params: KernelParams,
  fallback: KernelFunc | undefined,
) => tf.TensorInfo | tf.TensorInfo[] | null;

export interface KernelDescriptor {
  kernelName: string;
  backendName: string;
  /**
   * `replacement`: ours runs instead of the backend's kernel, which stays as the fallback; skipped where
   * the backend has no such kernel. `addition`: the backend lacks the kernel; registered only where it
   * is missing.
   */
  kind: "replacement" | "addition";
  /** Why deepdeck has it, in one sentence. */
  reason: string;
  /** Build the computation for `backendName` (it may look up the backend's other kernels once, here). */
  make(backendName: string): KernelRun;
}

export interface GradientDescriptor {
  kernelName: string;
  reason: string;
  /** The gradient, given the stock one (if any) to delegate the cases it does not change. */
  make(stock: tf.GradConfig | undefined): tf.GradConfig;
}

/** Whether `backend` is the wasm backend (the one with a heap to view). */
export function isWasmBackend(backend: tf.KernelBackend): backend is WasmBackendLike {
  return typeof (backend as Partial<WasmBackendLike>).typedArrayFromHeap === "function";
}

/** A run that computes on the wasm heap, and hands every other backend to the fallback. */
export function onHeap(run: (params: HeapParams) => tf.TensorInfo | null): KernelRun {
  return (params) => (isWasmBackend(params.backend) ? run(params as HeapParams) : null);
}

const marker = Symbol.for("deepdeck.kernel");
const stockKernels = new Map<string, tf.KernelConfig>();
const key = (kernelName: string, backendName: string): string => `${backendName}/${kernelName}`;

/** Whether the kernel registered for `kernelName` on `backendName` is deepdeck's. */
export function isDeepdeckKernel(kernelName: string, backendName: string): boolean {
  const k = tf.getKernel(kernelName, backendName) as (tf.KernelConfig & { [marker]?: boolean }) | undefined;
  return k?.[marker] === true;
}

function install(d: KernelDescriptor, backendName: string): void {
  if (isDeepdeckKernel(d.kernelName, backendName)) return;
  const stock = tf.getKernel(d.kernelName, backendName);
  if (d.kind === "replacement" ? !stock : stock) return;
  const run = d.make(backendName);
  const fallback = stock?.kernelFunc as KernelFunc | undefined;
  if (stock) {
    stockKernels.set(key(d.kernelName, backendName), { ...stock });
    tf.unregisterKernel(d.kernelName, backendName);
  }
  const kernelFunc = (params: KernelParams): tf.TensorInfo | tf.TensorInfo[] => {
    const out = run(params, fallback);
    if (out !== null) return out;
    if (!fallback) throw new Error(messages.kernelBackendOnly(d.kernelName, backendName));
    return fallback(params);
  };
  const config = { ...stock, kernelName: d.kernelName, backendName, kernelFunc: kernelFunc as tf.KernelFunc };
  tf.registerKernel(Object.assign(config, { [marker]: true }));
}

/**
 * Install `descriptors` on `backendName` (those written for it). Idempotent: a kernel that is already
 * deepdeck's is left alone. Call after the backend's package is loaded, which registers its own kernels.
 */
export function installKernels(descriptors: readonly KernelDescriptor[], backendName: string): void {
  for (const d of descriptors) if (d.backendName === backendName) install(d, backendName);
}

/** Install `descriptors`' gradients (they hold for every backend). Idempotent. */
export function installGradients(descriptors: readonly GradientDescriptor[]): void {
  for (const d of descriptors) {
    const stock = tf.getGradient(d.kernelName) as (tf.GradConfig & { [marker]?: boolean }) | undefined;
    if (stock?.[marker]) continue;
    tf.registerGradient({ ...d.make(stock), [marker]: true } as tf.GradConfig);
  }
}

/**
 * Put tfjs's own kernels back for `kernelNames` on `backendName` (none where tfjs has none), for
 * benchmarks that compare with stock tfjs; returns how to undo it.
 */
export function useStockKernels(kernelNames: readonly string[], backendName: string): () => void {
  const ours = kernelNames.filter((k) => isDeepdeckKernel(k, backendName)).map((k) => tf.getKernel(k, backendName));
  for (const k of ours) tf.unregisterKernel(k.kernelName, backendName);
  const theirs = ours.flatMap((k) => stockKernels.get(key(k.kernelName, backendName)) ?? []);
  for (const k of theirs) {
    tf.registerKernel(k);
    // A kernel registered after the backend started needs its setup (wasm function lookups) run now.
    k.setupFunc?.(tf.backend());
  }
  return () => {
    for (const k of theirs) tf.unregisterKernel(k.kernelName, backendName);
    for (const k of ours) tf.registerKernel(k);
  };
}
