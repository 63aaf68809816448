// The native Adam's TensorFlow side: which ops a step runs, that its resource variables are freed, and
// its sentence when the backend changed under it. test/backends.ts runs this file in the node run only.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { messages } from "../../src/messages";
import { nativeBinding, opsOf } from "../support/native_ops";
import { dd, tf } from "../support/tf";

function weights(): tf.Variable[] {
  return tf.tidy(() => [tf.variable(tf.ones([4, 3])), tf.variable(tf.zeros([3])), tf.variable(tf.ones([3, 2]))]);
}

/** One step with gradients made before it; `around` runs the step itself (to count its ops). */
function step(optimizer: tf.Optimizer, vars: tf.Variable[], around = (f: () => void) => f()): void {
  const grads = tf.tidy(() => Object.fromEntries(vars.map((v) => [v.name, tf.onesLike(v).mul(0.5)])));
  try {
    around(() => optimizer.applyGradients(grads));
  } finally {
    tf.dispose(Object.values(grads));
  }
}

function opsOfStep(optimizer: tf.Optimizer, vars: tf.Variable[]): Record<string, number> {
  let counts: Record<string, number> = {};
  step(optimizer, vars, (f) => (counts = opsOf(f)));
  return counts;
}

before(async () => {
  const report = await dd.ready();
  assert.equal(report.backend, "tensorflow", "this file runs on the node backend (test/backends.ts)");
});

describe("the native Adam's TensorFlow ops", () => {
  test("a step is one ResourceApplyAdam and one ReadVariableOp per weight; a weight set from outside adds one assignment", () => {
    const optimizer = tf.train.adam();
    const vars = weights();
    const first = opsOfStep(optimizer, vars);
    // The first step makes three resource variables per weight (value, m, v) and fills them.
    assert.deepEqual(first, {
      ZerosLike: 3,
      VarHandleOp: 9,
      AssignVariableOp: 9,
      ResourceApplyAdam: 3,
      ReadVariableOp: 3,
    });
    assert.deepEqual(opsOfStep(optimizer, vars), { ResourceApplyAdam: 3, ReadVariableOp: 3 });
    tf.tidy(() => vars[1]!.assign(tf.fill([3], 2)));
    assert.deepEqual(opsOfStep(optimizer, vars), { AssignVariableOp: 1, ResourceApplyAdam: 3, ReadVariableOp: 3 });
    optimizer.dispose();
    tf.dispose(vars);
  });

  test("dispose frees its TensorFlow tensors and resource variables, state read out included", async () => {
    const tensors = tf.memory().numTensors;
    const handles = nativeBinding().getNumOfTensors();
    const optimizer = tf.train.adam();
    const vars = weights();
    for (let i = 0; i < 3; i++) step(optimizer, vars);
    const state = await optimizer.getWeights();
    state[0]!.tensor.dispose();
    const other = tf.train.adam();
    const again = await optimizer.getWeights();
    await other.setWeights(again);
    again[0]!.tensor.dispose();
    assert.ok(nativeBinding().getNumOfTensors() > handles);
    optimizer.dispose();
    other.dispose();
    tf.dispose(vars);
    assert.equal(tf.memory().numTensors, tensors);
    assert.equal(nativeBinding().getNumOfTensors(), handles);
  });

  test("on another backend than the one it was made on, it says so", async () => {
    const optimizer = tf.train.adam();
    const vars = weights();
    step(optimizer, vars);
    await tf.setBackend("cpu");
    try {
      assert.throws(() => step(optimizer, vars), { message: messages.nativeAdamBackend("cpu") });
      assert.equal(
        messages.nativeAdamBackend("cpu"),
        'This Adam optimizer was made on the node backend and keeps its state in TensorFlow, but the active backend is cpu; compile the model again (optimizer: "adam") after tf.setBackend.',
      );
      await assert.rejects(optimizer.getWeights(), { message: messages.nativeAdamBackend("cpu") });
    } finally {
      await tf.setBackend("tensorflow");
    }
    optimizer.dispose();
    tf.dispose(vars);
  });
});
