/**
 * Quick mode (`DEEPDECK_QUICK=1`): every notebook runs in seconds, for CI and for checking that the
 * course still works: datasets load a subsample (2,000 training digits unless `limit` is given) and
 * `fit` trains at most one epoch. The results are then meaningless; that is the point.
 */
import * as tf from "@tensorflow/tfjs";

/** Whether DEEPDECK_QUICK is set (to anything but "", "0" or "false"). */
export function quickMode(): boolean {
  const v = process.env["DEEPDECK_QUICK"];
  return v !== undefined && v !== "" && v !== "0" && v.toLowerCase() !== "false";
}

/** The training samples datasets load in quick mode. */
export const quickLimit = 2000;

type FitLike<X, Y, A> = (this: tf.LayersModel, x: X, y: Y, args?: A) => Promise<tf.History>;

/** `fit` capped to one epoch while quick mode is on; src/install.ts applies it. */
export function withQuickMode<X, Y, A extends { epochs?: number }>(fit: FitLike<X, Y, A>): FitLike<X, Y, A> {
  return function (this: tf.LayersModel, x: X, y: Y, args?: A) {
    const capped = quickMode() ? ({ ...args, epochs: Math.min(args?.epochs ?? 1, 1) } as A) : args;
    return fit.call(this, x, y, capped);
  };
}
