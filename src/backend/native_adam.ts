/**
 * Adam for tfjs-node's `tensorflow` backend in two TensorFlow ops per variable and step instead of
 * tfjs's fourteen. tfjs-node pays 10-50 µs of overhead per op, and tfjs's Adam spells the update out
 * in eager ops (moments, bias corrections, square root, division, assignment: 88 of the MLP's 206 ops
 * per step); TensorFlow's own `ResourceApplyAdam` updates a variable and its two moments in one op
 * when they live in TensorFlow resource variables. So each weight's value, m and v are kept in
 * resource variables (`VarHandleOp`), stepped by one ResourceApplyAdam, and the new value is read
 * back into the tfjs variable (one `ReadVariableOp`) for the next forward pass.
 *
 * The update is TensorFlow's (and Keras's), which puts epsilon outside the bias correction:
 * lr_t = lr·√(1-β₂ᵗ)/(1-β₁ᵗ), var -= lr_t·m/(√v + ε), as the other backends' KerasAdamOptimizer does
 * in tfjs ops (src/backend/keras_adam.ts); tfjs's own Adam divides by √v̂ + ε with v̂ = v/(1-β₂ᵗ).
 *
 * `tf.train.adam` (and so `optimizer: "adam"` in `model.compile`) returns this optimizer while the
 * `tensorflow` backend is active, and a KerasAdamOptimizer on every other backend (src/install.ts). Its state
 * serializes as tfjs's does: getWeights gives the step count, then every m, then every v, as
 * `<variable>/m` and `<variable>/v`, held in variables the optimizer owns (updated on each call).
 */
import * as tf from "@tensorflow/tfjs";
import { messages } from "../messages";
import { gradientList, KerasAdamOptimizer, type NamedTensor } from "./keras_adam";

interface OpAttr {
  name: string;
  type: number;
  value: unknown;
}

interface Binding {
  TF_FLOAT: number;
  TF_ATTR_STRING: number;
  TF_ATTR_TYPE: number;
  TF_ATTR_SHAPE: number;
  TF_ATTR_BOOL: number;
  executeOp(name: string, attrs: OpAttr[], inputIds: number[], outputs: number): TensorMetadata[];
  deleteTensor(id: number): void;
}

/** What the binding says of an op's output: its id in the binding's table of TensorFlow tensors. */
interface TensorMetadata {
  id: number;
  shape: number[];
  dtype: number;
}

/** The parts of tfjs-node's NodeJSKernelBackend used here (its public methods, not in tfjs's types). */
interface NativeBackend {
  binding: Binding;
  createOutputTensor(metadata: TensorMetadata): tf.Tensor;
  getInputTensorIds(inputs: tf.TensorInfo[]): number[];
}

/**
 * TensorFlow's ResourceHandle::ANONYMOUS_NAME: a variable with this shared name is owned by its handle
 * and freed with it, as tf.Variable's are in eager Python, instead of staying in the resource manager.
 */
const anonymous = "cd2c89b7-88b7-44c8-ad83-06c2a9158347";

/**
 * One trainable variable's Adam state, in TensorFlow resource variables. They are held by their ids in
 * tfjs-node's table of TensorFlow tensors, not as tfjs tensors: like tfjs's own kernels' scratch, they
 * are no tfjs tensor of anyone's, and tf.memory() counts what tfjs's Adam would hold (the moments, as
 * the tfjs variables getWeights hands out). They are freed by dispose (the binding's count shows it).
 */
interface Slot {
  /** Names in getWeights, tfjs's: `<variable>/m`, `<variable>/v`. */
  mName: string;
  vName: string;
  /** The resource variable holding the weight's value; made at the weight's first step. */
  value: number | null;
  m: number;
  v: number;
  /** The tfjs variable's data when `value` last matched it: anything else (setWeights, loading) is copied in first. */
  synced: tf.DataId | null;
  /** The moments as tfjs variables, for getWeights: refreshed by each call, given by setWeights. */
  mirrors: { m: tf.Variable; v: tf.Variable } | null;
}

function nativeBackend(): NativeBackend {
  if (tf.getBackend() !== "tensorflow") throw new Error(messages.nativeAdamBackend(tf.getBackend()));
  return tf.backend() as unknown as NativeBackend;
}

const dtypeAttr = (b: Binding): OpAttr[] => [{ name: "dtype", type: b.TF_ATTR_TYPE, value: b.TF_FLOAT }];

/** A new float32 resource variable of `shape` holding `initial`; its id, to free with deleteTensor. */
function resourceVariable(backend: NativeBackend, shape: number[], initial: tf.TensorInfo): number {
  const b = backend.binding;
  const [handle] = b.executeOp(
    "VarHandleOp",
    [
      { name: "container", type: b.TF_ATTR_STRING, value: "" },
      { name: "shared_name", type: b.TF_ATTR_STRING, value: anonymous },
      { name: "dtype", type: b.TF_ATTR_TYPE, value: b.TF_FLOAT },
      { name: "shape", type: b.TF_ATTR_SHAPE, value: shape },
    ],
    [],
    1,
  );
  try {
    assign(backend, handle!.id, initial);
  } catch (e) {
    b.deleteTensor(handle!.id);
    throw e;
  }
  return handle!.id;
}

function assign(backend: NativeBackend, handle: number, value: tf.TensorInfo): void {
  backend.binding.executeOp(
    "AssignVariableOp",
    dtypeAttr(backend.binding),
    [handle, ...backend.getInputTensorIds([value])],
    0,
  );
}

/** The variable's value now, as a new tfjs tensor. */
function read(backend: NativeBackend, handle: number): tf.Tensor {
  const [value] = backend.binding.executeOp("ReadVariableOp", dtypeAttr(backend.binding), [handle], 1);
  return backend.createOutputTensor(value!);
}

/** Adam whose steps are TensorFlow's ResourceApplyAdam (see the top of this file); made by {@link kerasAdam}. */
export class NativeAdamOptimizer extends KerasAdamOptimizer {
  private slots: Slot[] = [];

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const backend = nativeBackend();
    const b = backend.binding;
    const list = gradientList(variableGradients);
    const t = this.iterations + 1;
    tf.tidy(() => {
      // ResourceApplyAdam's scalar inputs, in its order: β₁ᵗ, β₂ᵗ, lr, β₁, β₂, ε.
      const scalars = backend.getInputTensorIds(
        [Math.pow(this.beta1, t), Math.pow(this.beta2, t), this.learningRate, this.beta1, this.beta2, this.epsilon].map(
          (s) => tf.scalar(s),
        ),
      );
      const attrs = [
        { name: "T", type: b.TF_ATTR_TYPE, value: b.TF_FLOAT },
        { name: "use_locking", type: b.TF_ATTR_BOOL, value: false },
        { name: "use_nesterov", type: b.TF_ATTR_BOOL, value: false },
      ];
      list.forEach(({ name, tensor: gradient }, i) => {
        const variable = tf.engine().registeredVariables[name]!;
        // By position, as tfjs's Adam keeps them (its getWeights and setWeights order).
        const slot = (this.slots[i] ??= this.newSlot(backend, name, variable));
        if ((gradient as tf.Tensor | null | undefined) == null) return;
        if (slot.value === null) slot.value = resourceVariable(backend, variable.shape, variable);
        else if (slot.synced !== variable.dataId) assign(backend, slot.value, variable);
        b.executeOp(
          "ResourceApplyAdam",
          attrs,
          [slot.value, slot.m, slot.v, ...scalars, ...backend.getInputTensorIds([gradient])],
          0,
        );
        variable.assign(read(backend, slot.value));
        slot.synced = variable.dataId;
      });
    });
    this.incrementIterations();
  }

  private newSlot(backend: NativeBackend, name: string, variable: tf.Variable): Slot {
    const zeros = tf.zerosLike(variable);
    try {
      return this.slot(backend, { name: `${name}/m`, tensor: zeros }, { name: `${name}/v`, tensor: zeros }, null);
    } finally {
      zeros.dispose();
    }
  }

  /** A slot with moments `m` and `v` (and, when given, the tfjs variables that mirror them). */
  private slot(backend: NativeBackend, m: NamedTensor, v: NamedTensor, mirrors: Slot["mirrors"]): Slot {
    const mId = resourceVariable(backend, m.tensor.shape, m.tensor);
    try {
      const vId = resourceVariable(backend, v.tensor.shape, v.tensor);
      return { mName: m.name, vName: v.name, value: null, m: mId, v: vId, synced: null, mirrors };
    } catch (e) {
      backend.binding.deleteTensor(mId);
      throw e;
    }
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const backend = nativeBackend();
    const iterations = await this.saveIterations();
    for (const slot of this.slots) {
      const m = read(backend, slot.m);
      const v = read(backend, slot.v);
      if (slot.mirrors) {
        slot.mirrors.m.assign(m);
        slot.mirrors.v.assign(v);
      } else slot.mirrors = { m: tf.variable(m, false), v: tf.variable(v, false) };
      tf.dispose([m, v]);
    }
    return [
      iterations,
      ...this.slots.map((s) => ({ name: s.mName, tensor: s.mirrors!.m })),
      ...this.slots.map((s) => ({ name: s.vName, tensor: s.mirrors!.v })),
    ];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const backend = nativeBackend();
    const moments = await this.extractIterations(weightValues);
    const count = moments.length / 2;
    const slots: Slot[] = [];
    try {
      for (let i = 0; i < count; i++) {
        const [m, v] = [moments[i]!, moments[count + i]!];
        // Mirrors share the given tensors' data, as tfjs's Adam keeps them (tensor.variable()).
        const mirrors = { m: tf.variable(m.tensor, false), v: tf.variable(v.tensor, false) };
        try {
          slots.push(this.slot(backend, m, v, mirrors));
        } catch (e) {
          tf.dispose([mirrors.m, mirrors.v]);
          throw e;
        }
      }
    } catch (e) {
      disposeSlots(backend, slots);
      throw e;
    }
    disposeSlots(backend, this.slots);
    this.slots = slots;
  }

  /**
   * Models loaded with a training config (tf.loadLayersModel, dd.loadModel) make their optimizer from its
   * class name; with this class registered for "Adam" (src/install.ts) they get the same choice as tf.train.adam.
   */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const make = tf.getBackend() === "tensorflow" ? NativeAdamOptimizer : KerasAdamOptimizer;
    return tf.AdamOptimizer.fromConfig(make as unknown as typeof cls, config);
  }

  override dispose(): void {
    super.dispose();
    // Freed whatever backend is active now: the ids are the native backend's.
    if (this.slots.length > 0)
      disposeSlots(tf.engine().findBackend("tensorflow") as unknown as NativeBackend, this.slots);
    this.slots = [];
  }
}

function disposeSlots(backend: NativeBackend, slots: Slot[]): void {
  for (const s of slots) {
    for (const id of [s.m, s.v, ...(s.value === null ? [] : [s.value])]) backend.binding.deleteTensor(id);
    if (s.mirrors) tf.dispose([s.mirrors.m, s.mirrors.v]);
  }
}

/**
 * `tf.train.adam` with Keras's update: a {@link NativeAdamOptimizer} while the `tensorflow` backend is
 * active, a {@link KerasAdamOptimizer} everywhere else; src/install.ts puts it in place of tfjs's.
 */
export function kerasAdam(learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon?: number): tf.AdamOptimizer {
  return tf.getBackend() === "tensorflow"
    ? new NativeAdamOptimizer(learningRate, beta1, beta2, epsilon)
    : new KerasAdamOptimizer(learningRate, beta1, beta2, epsilon);
}
