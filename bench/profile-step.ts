/**
 * Where one training step's time goes, per kernel (tf.profile), for the course's MLP or convnet on the
 * current backend: `node --import tsx bench/profile-step.ts [mlp|convnet]`.
 */
import * as tf from "@tensorflow/tfjs";
import * as dd from "../src/index";
import { compiled, courseConvnet, courseMlp } from "./course_models";

async function main(): Promise<void> {
  await dd.ready();
  const which = process.argv[2] ?? "convnet";
  const model = compiled(which === "mlp" ? courseMlp() : courseConvnet());
  const input = which === "mlp" ? [784] : [28, 28, 1];
  const batch = which === "mlp" ? 128 : 64;
  const x = tf.randomUniform([batch, ...input]);
  const y = tf.oneHot(tf.randomUniform([batch], 0, 10, "int32"), 10);
  await model.trainOnBatch(x, y);
  const steps = 5;
  const totals = new Map<string, { ms: number; calls: number }>();
  let wall = 0;
  for (let s = 0; s < steps; s++) {
    const t0 = performance.now();
    const info = await tf.profile(async () => {
      await model.trainOnBatch(x, y);
    });
    wall += performance.now() - t0;
    for (const k of info.kernels) {
      const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
      const e = totals.get(key) ?? { ms: 0, calls: 0 };
      e.ms += Number(await k.kernelTimeMs);
      e.calls++;
      totals.set(key, e);
    }
  }
  const rows = [...totals.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25);
  const sum = [...totals.values()].reduce((a, b) => a + b.ms, 0);
  console.log(
    `${which} on ${tf.getBackend()}: ${(wall / steps).toFixed(1)} ms per step (profiled), kernels ${(sum / steps).toFixed(1)} ms`,
  );
  for (const [k, v] of rows)
    console.log(`${(v.ms / steps).toFixed(2).padStart(8)} ms  ${String(v.calls / steps).padStart(3)}x  ${k}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
