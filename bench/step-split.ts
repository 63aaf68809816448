/**
 * Where one training step of model.fit goes on the node backend, in wall-clock milliseconds per step:
 * time inside tfjs-node's binding (TensorFlow's kernels plus the binding's own per-op cost, timed around
 * each binding call), the binding's per-op cost alone (a trivial op timed in a loop), and the rest (tfjs's
 * engine, tape, fit's per-batch work in JavaScript):
 * `DEEPDECK_BACKEND=node node --import tsx bench/step-split.ts [convnet|mlp] [batches]`.
 * Top ops by time follow; run with `node --cpu-prof` for the JavaScript side.
 */
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import * as tf from "@tensorflow/tfjs";
import * as dd from "../src/index";
import { compiled, courseConvnet, courseMlp } from "./course_models";

type Binding = Record<string, unknown> & { executeOp(...a: unknown[]): unknown };

async function main(): Promise<void> {
  await dd.ready();
  if (tf.getBackend() !== "tensorflow") throw new Error("step-split measures the node backend: DEEPDECK_BACKEND=node");
  const which = process.argv[2] ?? "convnet";
  const batches = Number(process.argv[3] ?? 40);
  const model = compiled(which === "mlp" ? courseMlp() : courseConvnet());
  const input = which === "mlp" ? [784] : [28, 28, 1];
  const batch = which === "mlp" ? 128 : 64;
  const n = batch * batches;
  const x = tf.randomUniform([n, ...input]);
  const y = tf.oneHot(tf.randomUniform([n], 0, 10, "int32"), 10);
  await model.fit(x.slice(0, batch), y.slice(0, batch), { epochs: 1, batchSize: batch, verbose: 0 });
  const backend = tf.backend() as unknown as { binding: Binding };
  const real = backend.binding;
  const perOp = new Map<string, { ms: number; calls: number }>();
  let inside = 0;
  const wrapped: Record<string, unknown> = {};
  for (const k of Object.getOwnPropertyNames(real)) {
    const v = real[k];
    if (typeof v !== "function") {
      wrapped[k] = v;
      continue;
    }
    const f = (v as (...a: unknown[]) => unknown).bind(real);
    wrapped[k] = (...a: unknown[]) => {
      const t0 = performance.now();
      try {
        return f(...a);
      } finally {
        const dt = performance.now() - t0;
        inside += dt;
        const name = k === "executeOp" ? (a[0] as string) : `(binding.${k})`;
        const e = perOp.get(name) ?? { ms: 0, calls: 0 };
        e.ms += dt;
        e.calls++;
        perOp.set(name, e);
      }
    };
  }
  backend.binding = wrapped as Binding;
  const t0 = performance.now();
  await model.fit(x, y, { epochs: 1, batchSize: batch, verbose: 0 });
  const wall = performance.now() - t0;
  backend.binding = real;
  // The binding's own cost per op: a Maximum of two scalars, whose kernel is next to nothing.
  const a = tf.scalar(1);
  const b = tf.scalar(2);
  const reps = 2000;
  const t1 = performance.now();
  for (let i = 0; i < reps; i++) tf.dispose(tf.maximum(a, b));
  const viaEngine = (performance.now() - t1) / reps;
  const bid = (backend as unknown as { getInputTensorIds(t: tf.TensorInfo[]): number[] }).getInputTensorIds([a, b]);
  const attrs = [{ name: "T", type: real["TF_ATTR_TYPE"], value: real["TF_FLOAT"] }];
  const t2 = performance.now();
  for (let i = 0; i < reps; i++) {
    const [out] = real.executeOp("Maximum", attrs, bid, 1) as { id: number }[];
    (real["deleteTensor"] as (id: number) => void)(out!.id);
  }
  const rawOp = (performance.now() - t2) / reps;
  const ops = [...perOp.entries()].filter(([k]) => !k.startsWith("("));
  const opCalls = ops.reduce((s, [, v]) => s + v.calls, 0) / batches;
  console.log(
    `${which}, batch ${batch}, ${batches} batches; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(", ")}`,
  );
  console.log(`step: ${(wall / batches).toFixed(2)} ms wall, ${opCalls.toFixed(1)} TF ops`);
  console.log(`  inside the binding: ${(inside / batches).toFixed(2)} ms (kernels + binding per-op cost)`);
  console.log(
    `  binding per op: ${(rawOp * 1000).toFixed(1)} µs raw (executeOp + deleteTensor of a scalar Maximum), ${(viaEngine * 1000).toFixed(1)} µs through tf.maximum (engine + binding) -> ~${((rawOp * opCalls) / 1).toFixed(2)} ms/step raw, ~${(viaEngine * opCalls).toFixed(2)} ms/step with tfjs's engine`,
  );
  console.log(`  outside the binding (JS: engine, tape, fit): ${((wall - inside) / batches).toFixed(2)} ms`);
  for (const [k, v] of [...perOp.entries()].sort((p, q) => q[1].ms - p[1].ms).slice(0, 22))
    console.log(`${(v.ms / batches).toFixed(3).padStart(8)} ms  ${(v.calls / batches).toFixed(1).padStart(5)}x  ${k}`);
  tf.dispose([a, b, x, y]);
  model.dispose();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
