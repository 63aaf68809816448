/**
 * `npm test` runs the suite once per backend: `node --import tsx test/backends.ts <test files>`.
 * Each run is Node's test runner with DEEPDECK_BACKEND set, so every deepdeck path that differs by
 * backend (see src/backend/traits.ts) runs on each. Files whose subject is one backend run once:
 * the wasm kernel tests compare wasm with cpu whatever backend is chosen, the native tests need the
 * native backend, and the deck and kernelspec tests do not touch TensorFlow at all.
 *
 * DEEPDECK_BACKEND=<name> runs the suite on that backend only. Without the native addon the node run
 * fails, saying how to build it, unless DEEPDECK_SKIP_NATIVE=1 (CI never sets it).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { basename } from "node:path";
import { addonPath, nativePackageDir } from "../src/backend/native";

/** Files that run on one backend only (by file name, wherever the file sits under test/). */
const onlyOn: Record<string, string> = {
  "wasm_kernels.test.ts": "wasm",
  "conv2d_gradients.test.ts": "wasm",
  "native.test.ts": "node",
  "native_adam_node.test.ts": "node",
  "native_identity_kernels.test.ts": "node",
  "native_relu_grad.test.ts": "node",
  "native_max_pool.test.ts": "node",
  "native_mat_mul.test.ts": "node",
  "install_native.test.ts": "wasm",
  "kernelspec.test.ts": "wasm",
  "deck.test.mts": "wasm",
  "deck_parse.test.mts": "wasm",
  "deck_browser.test.mts": "wasm",
  "deck_pictures.test.mts": "wasm",
  "wasm_reductions.test.ts": "wasm",
  // The front-ends in a browser, the kernel's channels, its caches and tslab's internals behave the same
  // whichever backend the cells get (the kernel protocol and notebook tests keep both): run once, on the
  // backend every machine has, to keep the default run within CI's budget.
  "jupyterlab.test.mts": "wasm",
  "deck_any.test.mts": "wasm",
  "kernel.test.ts": "wasm",
  "cell_cache.test.ts": "wasm",
  "code_cache.test.ts": "wasm",
  "internals.test.ts": "wasm",
  // A model summary is text from the layers' shapes and counts, whichever backend holds the weights.
  "summary.test.ts": "wasm",
  "compiler_pool.test.ts": "wasm",
  // No TensorFlow in these: the house rules, the catalogue, files, the command line, the executor.
  "layout.test.ts": "wasm",
  "messages.test.ts": "wasm",
  "atomic_write.test.ts": "wasm",
  "json.test.ts": "wasm",
  "parsers_fuzz.test.ts": "wasm",
  "main.test.ts": "wasm",
  "execute.test.ts": "wasm",
};

export function filesFor(backend: string, files: string[]): string[] {
  return files.filter((f) => (onlyOn[basename(f)] ?? backend) === backend);
}

export function nativeMissing(): string | null {
  const dir = nativePackageDir("@tensorflow/tfjs-node");
  if (dir && existsSync(addonPath(dir))) return null;
  return "The node backend's tests need tfjs-node's addon, which is not built: run `npx deepdeck install-native` (it builds offline against pip's tensorflow-cpu), or set DEEPDECK_SKIP_NATIVE=1 to test on wasm only.";
}

function main(files: string[]): number {
  const chosen = process.env["DEEPDECK_BACKEND"];
  let backends = chosen ? [chosen] : ["wasm", "node"];
  if (!chosen && process.env["DEEPDECK_SKIP_NATIVE"] === "1") backends = ["wasm"];
  else if (backends.includes("node")) {
    const missing = nativeMissing();
    if (missing) {
      console.error(missing);
      return 1;
    }
  }
  let failed = 0;
  for (const backend of backends) {
    // With one backend chosen by the user, every file runs on it (as before this runner), but the node-only
    // ones, which need the native backend, run only when it is the one chosen.
    const selected = chosen
      ? files.filter((f) => onlyOn[basename(f)] !== "node" || chosen === "node")
      : filesFor(backend, files);
    console.log(`\n# Tests on the ${backend} backend (${selected.length} files)`);
    // Node's runner given no files searches the whole folder (.venv/ included): a run with none is skipped,
    // its files having run on their own backend.
    if (selected.length === 0 && files.length > 0) continue;
    const r = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-concurrency=1", ...selected], {
      stdio: "inherit",
      env: { ...process.env, DEEPDECK_BACKEND: backend },
    });
    if (r.status !== 0) {
      failed += 1;
      console.error(`# The tests on the ${backend} backend failed.`);
    }
  }
  return failed === 0 ? 0 : 1;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
