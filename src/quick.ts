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

let installed = false;

/** Cap `fit` to one epoch while quick mode is on. Sequential.fit delegates to LayersModel.fit, so one wrapper covers both. */
export function installQuickMode(): void {
  if (installed) return;
  installed = true;
  const proto = tf.LayersModel.prototype as unknown as {
    fit: (x: unknown, y: unknown, args?: { epochs?: number }) => Promise<tf.History>;
  };
  const fit = proto.fit;
  proto.fit = function (this: tf.LayersModel, x: unknown, y: unknown, args: { epochs?: number } = {}) {
    return fit.call(this, x, y, quickMode() ? { ...args, epochs: Math.min(args.epochs ?? 1, 1) } : args);
  };
}
