/**
 * Evaluation and class predictions the way the R deck writes them, without casts or synchronous reads:
 * `await dd.evaluate(model, xTest, yTest)` is `{ loss: 0.0327, accuracy: 0.9898 }` (R's
 * `model %>% evaluate(x_test, y_test)`), and `dd.predictClasses(model, x)` is R's
 * `model %>% predict(x) %>% k_argmax()`: a 1-D int32 tensor of class indices.
 */
import * as tf from "@tensorflow/tfjs";
import { inspect } from "node:util";
import { assertLiveTensor } from "../format/tensor_read";
import { messages } from "../messages";
import { checkKnownKeys } from "../options";

/** What {@link evaluate} resolves to: the loss and each metric by Keras 3's name, at full precision. */
export type Evaluation = { readonly loss: number } & { readonly [metric: string]: number };

/** The digits R prints metrics with. */
const shownDigits = 4;

function metricsText(values: Evaluation): string {
  const parts = Object.entries(values).map(
    ([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${v.toFixed(shownDigits)}`,
  );
  return `{ ${parts.join(", ")} }`;
}

/** The prototype of every evaluation: prints with 4 decimals, keeps the full numbers as its fields. */
const evaluationPrototype = Object.defineProperties(
  {},
  {
    [inspect.custom]: {
      value(this: Evaluation) {
        return metricsText(this);
      },
    },
    toString: {
      value(this: Evaluation) {
        return metricsText(this);
      },
    },
  },
);

/** Keras 3 calls tfjs's "acc" metric "accuracy". */
function kerasMetricName(name: string): string {
  return name.replace(/(^|_)acc$/, "$1accuracy");
}

function assertModel(fn: string, model: unknown): asserts model is tf.LayersModel {
  if (!(model instanceof tf.LayersModel)) throw new TypeError(messages.summaryModel(fn, model));
}

/** Run tfjs's `run` (in a tidy, which keeps its result), its complaints about the data's shapes in deepdeck's sentence (tfjs's kept as the cause). */
function refused<T extends tf.TensorContainer>(fn: string, run: () => T): T {
  try {
    // tidy: tfjs leaves the tensors it made before a failure behind.
    return tf.tidy(run);
  } catch (e) {
    throw new Error(messages.modelRefusedData(fn, (e as Error).message), { cause: e });
  }
}

/** Options of {@link evaluate}, as tfjs's `model.evaluate` takes them. */
export interface EvaluateOptions {
  /** Samples per batch. Default: 32, tfjs's. */
  batchSize?: number;
}

/**
 * Evaluate a compiled model on test data: the loss and its metrics as numbers, named as Keras 3 names
 * them. It prints with 4 decimals, as R does; the fields hold the full values. Leaves no tensor behind.
 *
 * @example
 * const { loss, accuracy } = await dd.evaluate(model, xTest, yTest);
 */
export async function evaluate(
  model: tf.LayersModel,
  x: tf.Tensor | tf.Tensor[],
  y: tf.Tensor | tf.Tensor[],
  options: EvaluateOptions = {},
): Promise<Evaluation> {
  const fn = "evaluate";
  assertModel(fn, model);
  checkKnownKeys(fn, options, ["batchSize"]);
  if ((model.metricsNames as string[] | undefined) === undefined) throw new Error(messages.notCompiled(fn));
  for (const t of [x].flat()) assertLiveTensor(fn, "x", t);
  for (const t of [y].flat()) assertLiveTensor(fn, "y", t);
  const result = refused(fn, () =>
    model.evaluate(x, y, options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
  );
  const scalars = Array.isArray(result) ? result : [result];
  try {
    const values = await Promise.all(scalars.map((s) => s.data()));
    const out = Object.create(evaluationPrototype) as Record<string, number>;
    model.metricsNames.forEach((name, i) => {
      out[kerasMetricName(name)] = values[i]![0]!;
    });
    return out as Evaluation;
  } finally {
    tf.dispose(scalars);
  }
}

/**
 * The class each sample is predicted to be: the index of the largest output (Keras's `k_argmax`), or
 * 0/1 by the 0.5 threshold for a single sigmoid output. A 1-D int32 tensor, one entry per sample.
 *
 * @example dd.predictClasses(model, xTest.slice(0, 10))
 */
export function predictClasses(model: tf.LayersModel, x: tf.Tensor, options: EvaluateOptions = {}): tf.Tensor1D {
  const fn = "predictClasses";
  return tf.tidy(() => {
    const p = predictTensor(fn, model, x, options);
    if (p.rank !== 2) throw new RangeError(messages.predictClassesShape(fn, p.shape));
    if (p.shape[1] === 1) return tf.reshape<tf.Rank.R1>(tf.cast(tf.greater(p, 0.5), "int32"), [-1]);
    return tf.argMax<tf.Tensor1D>(p, -1);
  });
}

function predictTensor(fn: string, model: tf.LayersModel, x: tf.Tensor, options: EvaluateOptions): tf.Tensor {
  assertModel(fn, model);
  checkKnownKeys(fn, options, ["batchSize"]);
  if (model.outputs.length !== 1) throw new RangeError(messages.oneOutputOnly(fn, model.outputs.length));
  assertLiveTensor(fn, "x", x);
  return refused(
    fn,
    () => model.predict(x, options.batchSize === undefined ? {} : { batchSize: options.batchSize }) as tf.Tensor,
  );
}

/**
 * A one-output model's predictions as one tensor (tfjs's `model.predict` is typed to return a list as
 * well, for models with several outputs).
 *
 * @example dd.predict(model, xTest.slice(0, 10))
 */
export function predict(model: tf.LayersModel, x: tf.Tensor, options: EvaluateOptions = {}): tf.Tensor {
  return predictTensor("predict", model, x, options);
}
