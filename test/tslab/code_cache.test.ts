/**
 * V8's code cache for the kernel's big modules (src/tslab/code_cache.ts): a first load compiles and
 * writes the cache, the next load takes it, and a broken or unwritable cache never breaks the load.
 */
import assert from "node:assert/strict";
import Module from "node:module";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { codeCacheDir, codeCacheFile, requireWithCodeCache } from "../../src/tslab/code_cache";

const scratch = mkdtempSync(join(tmpdir(), "deepdeck-code-cache-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

const requireCache = (Module as unknown as { _cache: Record<string, unknown> })._cache;

/** A module with enough functions for V8 to cache, which also requires a built-in and a sibling. */
function writeModule(name: string): string {
  const file = join(scratch, `${name}.js`);
  writeFileSync(join(scratch, "sibling.js"), "module.exports = 40;\n");
  const fns = Array.from({ length: 50 }, (_, i) => `function f${i}(x) { return x + ${i}; }`).join("\n");
  writeFileSync(
    file,
    `const { sep } = require("node:path");\nconst sibling = require("./sibling");\n${fns}\n` +
      `module.exports = { answer: () => f2(sibling), sep, file: __filename };\n`,
  );
  return file;
}

function load(file: string, cacheFile: string) {
  Reflect.deleteProperty(requireCache, file);
  return requireWithCodeCache(file, cacheFile);
}

describe("requireWithCodeCache", () => {
  test("the first load compiles and saves the cache; the next load takes it, with the same module", () => {
    const file = writeModule("plain");
    const cacheFile = join(scratch, "cache", "plain.v8cache");
    const first = load(file, cacheFile);
    assert.equal(first.usedCache, false);
    const exports = first.exports as { answer(): number; sep: string; file: string };
    assert.equal(exports.answer(), 42);
    assert.equal(exports.file, file, "__filename is the module's path");
    first.saveCache();
    assert.ok(existsSync(cacheFile), "the cache was written");
    const again = requireWithCodeCache(file, cacheFile);
    assert.equal(again.exports, first.exports, "a loaded module is require's cached one");
    assert.equal(require(file), first.exports, "require() gets the same instance");
    const second = load(file, cacheFile);
    assert.equal(second.usedCache, true, "V8 took the cache");
    assert.equal((second.exports as { answer(): number }).answer(), 42);
  });

  test("a corrupt cache is rejected, the module still loads, and saving replaces the cache", () => {
    const file = writeModule("corrupt");
    const cacheFile = join(scratch, "corrupt.v8cache");
    writeFileSync(cacheFile, "not a V8 code cache");
    const loaded = load(file, cacheFile);
    assert.equal(loaded.usedCache, false);
    assert.equal((loaded.exports as { answer(): number }).answer(), 42);
    loaded.saveCache();
    assert.notEqual(readFileSync(cacheFile, "utf8"), "not a V8 code cache");
    assert.equal(load(file, cacheFile).usedCache, true);
  });

  test("a cache made for other source is rejected", () => {
    const file = writeModule("changed");
    const cacheFile = join(scratch, "changed.v8cache");
    load(file, cacheFile).saveCache();
    writeFileSync(file, readFileSync(file, "utf8").replace("x + 2;", "x + 3;"));
    const loaded = load(file, cacheFile);
    assert.equal(loaded.usedCache, false);
    assert.equal((loaded.exports as { answer(): number }).answer(), 43, "the new source runs");
  });

  test("a cache that cannot be written is skipped without an error", () => {
    const file = writeModule("unwritable");
    const blocker = join(scratch, "a-file");
    writeFileSync(blocker, "");
    const loaded = load(file, join(blocker, "inside", "unwritable.v8cache"));
    assert.doesNotThrow(() => loaded.saveCache());
    assert.equal((loaded.exports as { answer(): number }).answer(), 42);
  });

  test("a module that throws is not left in require's cache", () => {
    const file = join(scratch, "throws.js");
    writeFileSync(file, 'throw new Error("boom at load");\n');
    assert.throws(() => load(file, join(scratch, "throws.v8cache")), /boom at load/);
    assert.equal(requireCache[file], undefined);
  });
});

describe("codeCacheDir", () => {
  test("follows deepdeck's cache folder: DEEPDECK_CACHE_DIR, then the platform's cache folder", () => {
    assert.equal(codeCacheDir({ DEEPDECK_CACHE_DIR: "/c" }, "linux", "/h"), join("/c", "code-cache"));
    assert.equal(codeCacheDir({ XDG_CACHE_HOME: "/x" }, "linux", "/h"), join("/x", "deepdeck", "code-cache"));
    assert.equal(codeCacheDir({}, "linux", "/h"), join("/h", ".cache", "deepdeck", "code-cache"));
    assert.equal(codeCacheDir({}, "darwin", "/h"), join("/h", "Library", "Caches", "deepdeck", "code-cache"));
    assert.equal(codeCacheDir({ LOCALAPPDATA: "/l" }, "win32", "/h"), join("/l", "deepdeck", "code-cache"));
  });
  test("names the file by module, version, Node and architecture", () => {
    assert.equal(
      codeCacheFile("/x/lib/typescript.js", "5.0.4", "/c"),
      join("/c", `typescript-5.0.4-node${process.versions.node}-${process.arch}.v8cache`),
    );
  });
});
