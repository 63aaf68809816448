/** The house rules that lint cannot see (README, Layout); the import rules between wings are eslint's. */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";

const root = join(__dirname, "..");
const src = join(root, "src");

function files(dir: string, pattern = /\.m?ts$/): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path, pattern) : pattern.test(name) ? [path] : [];
  });
}
const folders = (dir: string) => readdirSync(dir).filter((name) => statSync(join(dir, name)).isDirectory());

test("every src/<folder>/ has a test/<folder>/ with tests in it", () => {
  for (const folder of folders(src)) {
    const tests = folders(join(root, "test")).includes(folder) ? files(join(root, "test", folder)) : [];
    assert.ok(
      tests.some((f) => /\.test\.m?ts$/.test(f)),
      `src/${folder}/ has no tests under test/${folder}/`,
    );
  }
});

test("dist/ holds only what src/ compiles to: the build starts from an empty dist/", () => {
  // A module left from an earlier build shadows a folder of the same name (dist/messages.js over
  // dist/messages/index.js), so an updated checkout would run old code.
  const dist = join(root, "dist");
  const outputs = files(dist, /\.m?js$/);
  assert.ok(outputs.length > 0, "npm test builds dist/ first");
  const stale = outputs.filter((f) => {
    const base = join(src, relative(dist, f)).replace(/\.(m?)js$/, ".$1ts");
    return !existsSync(base);
  });
  assert.deepEqual(stale, []);
});

test("tfjs kernels and gradients are registered from one module, the kernel registry", () => {
  const callers = files(src)
    .filter((f) => /\btf\.register(Kernel|Gradient)\(/.test(readFileSync(f, "utf8")))
    .map((f) => relative(root, f));
  assert.deepEqual(callers, ["src/backend/kernel_registry.ts"]);
});

test("TensorFlow.js's prototypes are patched from one module, src/install.ts", () => {
  // Code lines that name a tfjs prototype (comments may mention them).
  const patches = files(src)
    .filter((f) => /^(?!\s*(\*|\/\/)).*\btf\.\w+\.prototype\b/m.test(readFileSync(f, "utf8")))
    .map((f) => relative(root, f));
  assert.deepEqual(patches, ["src/install.ts"]);
});

test("files are renamed into place only by the atomic writer", () => {
  const renamers = files(src)
    .filter((f) => /\brenameSync\(/.test(readFileSync(f, "utf8")))
    .map((f) => relative(root, f));
  assert.deepEqual(renamers, ["src/io/atomic_write.ts"]);
});

test("lint rules are set in eslint.config.mjs, with their reasons, never turned off inline", () => {
  const inline = [...files(src), ...files(join(root, "test")), ...files(join(root, "bench"))]
    .filter((f) => readFileSync(f, "utf8").includes("eslint-" + "disable"))
    .map((f) => relative(root, f));
  assert.deepEqual(inline, []);
});
