/**
 * Disposing what a failed build left behind. tfjs's loaders create a model's variables before they set
 * its weights, and when setting them fails the half-built model is unreachable: its variables would
 * stay in memory for the life of the process (the notebook's kernel).
 */
import * as tf from "@tensorflow/tfjs";

/**
 * Run `build`; if it fails, dispose the variables it registered (and, by their count, check nothing
 * else remains of it). Variables created meanwhile by other code would go too, so keep `build` short.
 */
export async function disposingOnFailure<T>(build: () => Promise<T>): Promise<T> {
  const engine = tf.engine();
  const before = new Set(Object.keys(engine.registeredVariables));
  try {
    return await build();
  } catch (e) {
    for (const [name, variable] of Object.entries(engine.registeredVariables))
      if (!before.has(name)) variable.dispose();
    throw e;
  }
}

/**
 * The model a tfjs topology (Keras's JSON, as model.json holds it) describes, with freshly initialised
 * weights; a failed build leaves nothing behind.
 */
export function modelFromTopology(topology: unknown): Promise<tf.LayersModel> {
  return disposingOnFailure(() => {
    // tfjs builds the model before its first await; the scope frees what its initialisers leave behind
    // (LSTM's unit_forget_bias initialiser leaks four tensors per layer). Variables outlive scopes.
    tf.engine().startScope();
    try {
      return tf.models.modelFromJSON({ modelTopology: topology } as Parameters<typeof tf.models.modelFromJSON>[0]);
    } finally {
      tf.engine().endScope();
    }
  });
}
