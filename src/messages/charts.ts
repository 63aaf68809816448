import { describe, shapeText } from "./describe";

/** Messages of the charts wing: training history, confusion, probabilities, activations, loss surfaces. */
export const charts = {
  classNamesCount: (fn: string, names: number, classes: number) =>
    `${fn}: option classNames has ${names} names for ${classes} classes.`,
  /** An option `name` that should be an interval [min, max]. */
  badRange: (fn: string, name: string, value: unknown) =>
    `${fn}: option ${name} must be [min, max] with min < max, received ${describe(value)}.`,

  // Training history.
  badHistoryEntry: (fn: string, i: number, logs: unknown) =>
    `${fn}: history entry ${i} must be a logs object like { loss: 0.3 }, received ${describe(logs)}.`,
  notAHistory: (fn: string, history: unknown) =>
    `${fn}: history must be what model.fit returns (a tf.History) or an array of per-epoch logs, received ${describe(history)}.`,
  badHistorySeries: (fn: string, key: string) => `${fn}: history.history.${key} must be an array of numbers.`,
  badHistoryValue: (fn: string, where: string, value: unknown) =>
    `${fn}: ${where} must be a number (or a scalar tensor), received ${describe(value)}.`,
  historyLengthsDiffer: (fn: string, key: string, n: number, first: string, m: number) =>
    `${fn}: history.history.${key} has ${n} values but history.history.${first} has ${m}; every metric needs one value per epoch.`,
  unknownMetric: (fn: string, metric: string, known: readonly string[]) =>
    `${fn}: metric ${JSON.stringify(metric)} is not in the history; it has ${known.join(", ") || "no metrics"}.`,
  badSmooth: (fn: string, smooth: unknown) =>
    `${fn}: option smooth must be true, false or "auto", received ${describe(smooth)}.`,

  // Confusion matrix.
  notClassNumbers: (fn: string, name: string, shape: readonly number[]) =>
    `${fn}: ${name} must be a 1-D tensor of class numbers, received shape ${shapeText(shape)}; use tf.argMax(x, -1) on probabilities or one-hot labels.`,
  lengthsDiffer: (fn: string, labels: number, predictions: number) =>
    `${fn}: labels (${labels}) and predictions (${predictions}) must have the same length.`,
  badConfusionEntry: (fn: string, i: number, label: number, prediction: number, k: number) =>
    `${fn}: entry ${i} has label ${label} and prediction ${prediction}; classes are whole numbers in [0, ${k - 1}].`,

  // Probabilities.
  probabilitiesShape: (fn: string, shape: readonly number[]) =>
    `${fn}: probabilities must be one prediction, shape [classes] or [1, classes], received ${shapeText(shape)}.`,

  probabilitiesNotFinite: (fn: string) =>
    `${fn}: probabilities hold NaN or infinite values; the model's output has diverged (check the loss and learning rate).`,

  // Activation functions.
  badDomain: (fn: string, domain: unknown) =>
    `${fn}: option domain must be [low, high] with low < high, received ${describe(domain)}.`,
  noFunctions: (fn: string) => `${fn}: give at least one function.`,
  notAFunctionOfNumber: (fn: string, name: string, f: unknown) =>
    `${fn}: ${JSON.stringify(name)} must be a function of a number, received ${describe(f)}.`,

  // Loss surfaces.
  pathsNotArray: (fn: string, paths: unknown) =>
    `${fn}: paths must be an array of { name, points }, received ${describe(paths)}.`,
  badPath: (fn: string, i: number, path: unknown) =>
    `${fn}: paths[${i}] must be { name: string, points: [x, y][] } with at least one point, received ${describe(path)}.`,
  /** The loss function's result on [n, n] grids is not one value per grid point. */
  lossNotPerPoint: (fn: string, n: number, z: unknown) =>
    `${fn}: the loss function must return one value per (x, y) when given [${n}, ${n}] grids of x and y, received ${describe(z)}.`,
  lossNotFunction: (fn: string, f: unknown) =>
    `${fn}: f must be a function (x, y) => loss on tensors, received ${describe(f)}.`,
  badLevels: (fn: string, levels: unknown) =>
    `${fn}: option levels must be a whole number >= 1 or an array of numbers, received ${describe(levels)}.`,
  notAnOptimizer: (fn: string, optimizer: unknown) =>
    `${fn}: optimizer must be a tf.train optimizer (tf.train.sgd(0.1), ...), received ${describe(optimizer)}.`,
  notASpec: (fn: string, spec: unknown) =>
    `${fn}: spec must be a Vega-Lite specification (an object with a mark, layer, facet or concat), received ${describe(spec)}.`,
  badSpec: (fn: string, why: string) => `${fn}: Vega-Lite could not render the specification: ${why}`,
  pngFailed: (fn: string, why: string) =>
    `${fn}: the chart's PNG could not be drawn (${why}); pass { png: false } to show the SVG alone.`,
  /** A function the user gave (the loss, an activation) threw or returned something unusable. */
  userFunctionFailed: (fn: string, what: string, why: string) => `${fn}: ${what} failed: ${why}`,
  activationNotNumber: (fn: string, name: string, x: number, y: unknown) =>
    `${fn}: ${JSON.stringify(name)} must return a number, returned ${describe(y)} for x = ${x}.`,
  badStart: (fn: string, start: unknown) => `${fn}: start must be [x, y], received ${describe(start)}.`,
} as const;
