/** What tfjs-node's binding runs: the TensorFlow ops a piece of code executes, and the handles it holds. */
import * as tf from "@tensorflow/tfjs";

interface Binding {
  executeOp(...args: unknown[]): unknown;
  getNumOfTensors(): number;
}

const backend = () => tf.backend() as unknown as { binding: Binding };

/** The active tensorflow backend's binding (the native addon's functions). */
export const nativeBinding = (): Binding => backend().binding;

/** The TensorFlow ops `fn` runs, by name, counted through tfjs-node's binding. */
export function opsOf(fn: () => void): Record<string, number> {
  const b = backend();
  const real = b.binding;
  const counts: Record<string, number> = {};
  const counting: Record<string, unknown> = {};
  // The binding's properties are read-only: count through a stand-in with the same members.
  for (const k of Object.getOwnPropertyNames(real)) {
    const v = (real as unknown as Record<string, unknown>)[k];
    counting[k] = typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(real) : v;
  }
  counting["executeOp"] = (...args: unknown[]) => {
    const name = args[0] as string;
    counts[name] = (counts[name] ?? 0) + 1;
    return real.executeOp(...args);
  };
  b.binding = counting as unknown as Binding;
  try {
    fn();
  } finally {
    b.binding = real;
  }
  return counts;
}
