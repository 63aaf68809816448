/**
 * Adam's update in one pass on the wasm backend. tfjs's Adam updates each variable with ten separate
 * element-wise ops (each a kernel call and a new tensor); on wasm they cost ~6 ms of a ~14 ms MLP step,
 * most of it for the 784×256 kernel of the first layer. One kernel reading the variable, both moments
 * and the gradient from the heap and writing the three new tensors does the same arithmetic in one
 * loop, rounded as tfjs rounds it (the result is bit for bit the same). The optimizer's variables,
 * state and API stay tfjs's own: only the arithmetic moves.
 */
import * as tf from "@tensorflow/tfjs";
import { isWasmBackend } from "./replace_kernel";

const kernelName = "DeepdeckAdamStep";

interface AdamStepAttrs {
  beta1: number;
  beta2: number;
  epsilon: number;
  learningRate: number;
  /** 1 - beta1^t and 1 - beta2^t: the bias corrections of this step (float32 values). */
  correction1: number;
  correction2: number;
}

/**
 * Adam's arithmetic on plain arrays, op for op as tfjs writes it, each result rounded to float32 as
 * its separate kernels round it (`Math.fround` after each operation is exactly IEEE float32
 * arithmetic), so the weights come out bit for bit as tfjs's Adam leaves them on wasm.
 */
export function adamStep(value: Float32Array, m: Float32Array, v: Float32Array, g: Float32Array, a: AdamStepAttrs, out: { value: Float32Array; m: Float32Array; v: Float32Array }): void {
  const f = Math.fround;
  // The scalars tfjs makes of its constants are float32 too.
  const beta1 = f(a.beta1);
  const beta2 = f(a.beta2);
  const c1 = f(1 - a.beta1);
  const c2 = f(1 - a.beta2);
  const correction1 = f(a.correction1);
  const correction2 = f(a.correction2);
  const epsilon = f(a.epsilon);
  const minusRate = f(-a.learningRate);
  const outValue = out.value;
  const outM = out.m;
  const outV = out.v;
  const n = value.length;
  for (let i = 0; i < n; i++) {
    const gi = g[i]!;
    const mi = f(f(m[i]! * beta1) + f(gi * c1));
    const vi = f(f(v[i]! * beta2) + f(f(gi * gi) * c2));
    outM[i] = mi;
    outV[i] = vi;
    const mHat = f(mi / correction1);
    const vHat = f(vi / correction2);
    outValue[i] = f(f(f(mHat / f(f(Math.sqrt(vHat)) + epsilon)) * minusRate) + value[i]!);
  }
}

interface AdamInternals {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  incrementIterations(): void;
}

type Gradients = tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[];

let installed = false;

/** Register the kernel on wasm and route AdamOptimizer.applyGradients through it while wasm is active. */
export function installWasmAdam(backendName = "wasm"): void {
  if (!tf.getKernel(kernelName, backendName)) {
    tf.registerKernel({
      kernelName,
      backendName,
      kernelFunc: ({ inputs, attrs, backend }) => {
        if (!isWasmBackend(backend as tf.KernelBackend)) throw new Error(`${kernelName} runs on the wasm backend only.`);
        const b = backend as unknown as import("./replace_kernel").WasmBackendLike;
        const { value, m, v, gradient } = inputs as Record<string, tf.TensorInfo>;
        const outs = [b.makeOutput(value!.shape, "float32"), b.makeOutput(value!.shape, "float32"), b.makeOutput(value!.shape, "float32")];
        // Views after the allocations: growing the heap would detach earlier ones.
        const view = (t: tf.TensorInfo) => b.typedArrayFromHeap(t) as Float32Array;
        adamStep(view(value!), view(m!), view(v!), view(gradient!), attrs as unknown as AdamStepAttrs, { value: view(outs[0]!), m: view(outs[1]!), v: view(outs[2]!) });
        return outs;
      },
    });
  }
  if (installed) return;
  installed = true;
  const proto = tf.AdamOptimizer.prototype as unknown as { applyGradients(this: AdamInternals, g: Gradients): void };
  const stock = proto.applyGradients;
  proto.applyGradients = function (this: AdamInternals, variableGradients: Gradients) {
    const list = Array.isArray(variableGradients) ? variableGradients : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
    const fast = tf.getBackend() === backendName && !!tf.getKernel(kernelName, backendName) && list.every((g) => !g.tensor || g.tensor.dtype === "float32");
    if (!fast) return stock.call(this, variableGradients);
    tf.tidy(() => {
      // sub(1, accBeta) in float32, as tfjs computes it.
      const correction1 = Math.fround(1 - this.accBeta1.dataSync()[0]!);
      const correction2 = Math.fround(1 - this.accBeta2.dataSync()[0]!);
      list.forEach(({ name, tensor: gradient }, i) => {
        const value = tf.engine().registeredVariables[name]!;
        this.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        this.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        if (gradient == null) return;
        const m = this.accumulatedFirstMoment[i]!.variable;
        const v = this.accumulatedSecondMoment[i]!.variable;
        const attrs: AdamStepAttrs = { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, learningRate: this.learningRate, correction1, correction2 };
        const [newValue, newM, newV] = tf.engine().runKernel(kernelName, { value, m, v, gradient }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
        m.assign(newM!);
        v.assign(newV!);
        value.assign(newValue!);
      });
      this.accBeta1.assign(tf.mul(this.accBeta1, this.beta1));
      this.accBeta2.assign(tf.mul(this.accBeta2, this.beta2));
    });
    this.incrementIterations();
  };
}
