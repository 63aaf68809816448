/**
 * Adam as Keras writes it, for the backends other than native TensorFlow (wasm, cpu). Keras (and
 * TensorFlow's ApplyAdam) puts epsilon outside the bias correction:
 *   lr_t = lr·√(1-β₂ᵗ)/(1-β₁ᵗ),  m += (g-m)(1-β₁),  v += (g²-v)(1-β₂),  var -= lr_t·m/(√v + ε),
 * tfjs's AdamOptimizer divides the bias-corrected m̂ by √v̂ + ε instead, which is Keras's step with
 * ε/√(1-β₂ᵗ) in place of ε: 32 times Keras's ε at the first step, so the two drift apart from the first
 * batches on (test/models/keras_training.test.ts, the course convnet from Keras's initial weights: over
 * 8 steps this one's losses stay within 1.4e-6 of Keras's, tfjs's Adam's weights end 9.5e-2 of their path off).
 *
 * The moments live where tfjs's Adam keeps them, so getWeights, setWeights (fit's cache, saveModel's
 * optimizer state) and dispose stay tfjs's; lr_t is computed once per step from the step count in
 * float64, not from tfjs's running products β₁ᵗ, β₂ᵗ. Twelve ops per weight and step (tfjs's: fourteen).
 */
import * as tf from "@tensorflow/tfjs";

/** tfjs-core's NamedTensor, which @tensorflow/tfjs does not re-export. */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

/** Where tfjs's AdamOptimizer keeps the moments, by the variable's position (private in its types). */
interface Moments {
  accumulatedFirstMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
}

/** applyGradients' argument as a list, in the order tfjs's optimizers keep their per-variable state. */
export function gradientList(variableGradients: tf.NamedTensorMap | NamedTensor[]): NamedTensor[] {
  return Array.isArray(variableGradients)
    ? variableGradients
    : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
}

/** tfjs's Adam with Keras's update (see the top of this file); what `tf.train.adam` gives off native TensorFlow. */
export class KerasAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const list = gradientList(variableGradients);
    const moments = this as unknown as Moments;
    const t = this.iterations + 1;
    tf.tidy(() => {
      const alpha = tf.scalar((-this.learningRate * Math.sqrt(1 - this.beta2 ** t)) / (1 - this.beta1 ** t));
      list.forEach(({ name, tensor: gradient }, i) => {
        const value = tf.engine().registeredVariables[name]!;
        const m = (moments.accumulatedFirstMoment[i] ??= {
          originalName: `${name}/m`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        }).variable;
        const v = (moments.accumulatedSecondMoment[i] ??= {
          originalName: `${name}/v`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        }).variable;
        if ((gradient as tf.Tensor | null | undefined) == null) return;
        m.assign(m.add(gradient.sub(m).mul(1 - this.beta1)));
        v.assign(
          v.add(
            gradient
              .square()
              .sub(v)
              .mul(1 - this.beta2),
          ),
        );
        value.assign(value.add(m.div(v.sqrt().add(this.epsilon)).mul(alpha)));
      });
    });
    this.incrementIterations();
  }
}
