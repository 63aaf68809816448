/** Good arguments for deepdeck's public functions, shared by the tables that call every export. */
import { dd, tf } from "./tf";

/** A disposed tensor (of `shape`), for the "disposed tensor" rows. */
export const disposed = (shape: number[] = [2, 2]): tf.Tensor => {
  const t = tf.zeros(shape);
  t.dispose();
  return t;
};
export const bowl: dd.SurfaceFunction = (x, y) => tf.add(tf.square(x), tf.square(y));
export const path: dd.SurfacePath = {
  name: "sgd",
  points: [
    [1, 1],
    [0.5, 0.5],
  ],
};
export const barSpec = {
  data: { values: [{ a: "x", b: 1 }] },
  mark: "bar",
  encoding: { x: { field: "a", type: "nominal" }, y: { field: "b", type: "quantitative" } },
} as const;
export const progress = { step: 1, steps: 2, elapsedMs: 10, logs: { loss: 0.5 }, done: false };
