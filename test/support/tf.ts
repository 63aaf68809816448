/** The TensorFlow.js instance the package uses, on the backend the tests ask for (DEEPDECK_BACKEND). */
import * as tf from "@tensorflow/tfjs";
import * as dd from "../../src/index";

export { dd, tf };

/** Run `fn` and assert it leaves no tensor behind. */
export async function noLeaks<T>(fn: () => T | Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await fn();
  const after = tf.memory().numTensors;
  if (after !== before)
    throw new Error(`tensor leak: ${after - before} tensors left behind (before ${before}, after ${after})`);
  return result;
}
