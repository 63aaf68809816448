/**
 * The kernel's cache of compiled first cells (src/tslab/cell_cache.ts): a kept compile is taken only
 * while every file the compiler read or probed answers as it did; anything that could change the result
 * (a file's contents, a file or folder appearing, a folder's listing, another context) misses; errors and
 * cells with modules of their own are never kept; a broken or unwritable cache never fails. The last test
 * compiles a real cell with tslab's converter and the probes it logs.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import {
  cellCacheContext,
  cellCacheFile,
  lookupCell,
  maxCacheFiles,
  ProbeLog,
  storeCell,
  touchCell,
} from "../../src/tslab/cell_cache";
import { createMappedConverter, tslabTypeScriptVersion, tslabVersion } from "../../src/tslab/internals";
import { kernelPaths } from "../../src/tslab/kernel_modules";

const scratch = mkdtempSync(join(tmpdir(), "deepdeck-cell-cache-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

const compiled = {
  result: { output: "const x = 1;\n", declOutput: "export {};\n", diagnostics: [], hasToplevelAwait: false },
  maps: { toEmit: { version: 3 }, toSource: { version: 3 } },
};

let n = 0;
/** A folder with a declaration file, a subfolder and a probe of a missing file, logged as a compiler would. */
function setup() {
  const dir = join(scratch, `case-${++n}`);
  mkdirSync(join(dir, "types", "a"), { recursive: true });
  writeFileSync(join(dir, "types", "a", "index.d.ts"), "export declare const a: number;\n");
  const probes = new ProbeLog();
  probes.add("readFile", join(dir, "types", "a", "index.d.ts"));
  probes.add("fileExists", join(dir, "types", "a", "index.d.ts"));
  probes.add("fileExists", join(dir, "missing.d.ts"));
  probes.add("directoryExists", join(dir, "node_modules"));
  probes.add("getDirectories", join(dir, "types"));
  probes.add("realpath", join(dir, "types"));
  const context = cellCacheContext({ cwd: dir, tslab: "t", typescript: "ts", paths: {} });
  const file = cellCacheFile(context, join(dir, "cache"));
  storeCell(file, context, "1 + 1", compiled, probes);
  return { dir, context, file };
}

describe("the cell cache", () => {
  test("a kept first cell comes back while nothing it depends on changed", () => {
    const { file, context } = setup();
    assert.deepEqual(lookupCell(file, context, "1 + 1"), compiled);
    assert.equal(lookupCell(file, context, "1 + 2"), null, "another cell is not kept");
  });

  test("a changed file it read misses", () => {
    const { dir, file, context } = setup();
    writeFileSync(join(dir, "types", "a", "index.d.ts"), "export declare const a: string;\n");
    assert.equal(lookupCell(file, context, "1 + 1"), null);
  });

  test("a file rewritten with the same size but a new mtime misses", () => {
    const { dir, file, context } = setup();
    const path = join(dir, "types", "a", "index.d.ts");
    writeFileSync(path, "export declare const b: number;\n");
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    assert.equal(lookupCell(file, context, "1 + 1"), null);
  });

  test("a file or folder appearing where the compiler looked misses", () => {
    const one = setup();
    writeFileSync(join(one.dir, "missing.d.ts"), "export {};\n");
    assert.equal(lookupCell(one.file, one.context, "1 + 1"), null, "a probed file appeared");
    const two = setup();
    mkdirSync(join(two.dir, "node_modules"));
    assert.equal(lookupCell(two.file, two.context, "1 + 1"), null, "a probed folder appeared");
    const three = setup();
    mkdirSync(join(three.dir, "types", "b"));
    assert.equal(lookupCell(three.file, three.context, "1 + 1"), null, "a listed folder got a new entry");
  });

  test("another context (folder, compiler, paths) does not see the entry", () => {
    const { dir, file } = setup();
    const other = cellCacheContext({ cwd: dir, tslab: "t", typescript: "other", paths: {} });
    assert.notEqual(cellCacheFile(other, join(dir, "cache")), file, "each context has its own file");
    assert.equal(lookupCell(file, other, "1 + 1"), null);
  });

  test("errors and cells with modules of their own are not kept; the newest entries win", () => {
    const { file, context } = setup();
    const probes = new ProbeLog();
    const diagnostic = {
      start: { offset: 0, line: 0, character: 0 },
      end: { offset: 1, line: 0, character: 1 },
      messageText: "no",
      category: 1,
      code: 2322,
    };
    storeCell(file, context, "bad", { ...compiled, result: { ...compiled.result, diagnostics: [diagnostic] } }, probes);
    assert.equal(lookupCell(file, context, "bad"), null, "a cell with diagnostics");
    const side = { ...compiled.result, sideOutputs: [{ path: "/x/y.js", data: "" }] };
    storeCell(file, context, "side", { ...compiled, result: side }, probes);
    assert.equal(lookupCell(file, context, "side"), null, "a cell that brought a module of the notebook's");
    for (let i = 0; i < 8; i++) storeCell(file, context, `cell ${i}`, compiled, probes);
    assert.deepEqual(lookupCell(file, context, "cell 7"), compiled);
    assert.equal(lookupCell(file, context, "1 + 1"), null, "the oldest entries made room");
  });

  test("a cell taken from the cache outlives the cells stored after it", () => {
    const { file, context } = setup();
    const probes = new ProbeLog();
    storeCell(file, context, "restart cell", compiled, probes);
    for (let i = 0; i < 8; i++) {
      storeCell(file, context, `once ${i}`, compiled, probes);
      // Each restart takes it from the cache and marks it used.
      assert.deepEqual(lookupCell(file, context, "restart cell"), compiled, `after ${i + 1} other cells`);
      touchCell(file, context, "restart cell");
    }
    assert.equal(lookupCell(file, context, "once 0"), null, "a cell run once made room");
    touchCell(file, context, "not kept");
    assert.deepEqual(lookupCell(file, context, "once 7"), compiled, "touching a cell not kept changes nothing");
  });

  test("the cache folder keeps the most recently used folders' files only", () => {
    const dir = join(scratch, "many");
    const contexts = Array.from({ length: maxCacheFiles + 3 }, (_, i) =>
      cellCacheContext({ cwd: `/folder/${i}`, tslab: "t", typescript: "ts", paths: {} }),
    );
    contexts.forEach((context, i) => {
      const file = cellCacheFile(context, dir);
      storeCell(file, context, "1 + 1", compiled, new ProbeLog());
      // Older files look older, whatever the file system's mtime resolution.
      const at = new Date(Date.now() - (contexts.length - i) * 60_000);
      utimesSync(file, at, at);
    });
    const last = contexts.at(-1)!;
    storeCell(cellCacheFile(last, dir), last, "2 + 2", compiled, new ProbeLog());
    assert.equal(readdirSync(dir).length, maxCacheFiles);
    assert.deepEqual(lookupCell(cellCacheFile(last, dir), last, "2 + 2"), compiled, "the newest is kept");
    assert.equal(lookupCell(cellCacheFile(contexts[0]!, dir), contexts[0]!, "1 + 1"), null, "the oldest went");
  });

  test("a broken cache file is a miss, an unwritable folder is skipped", () => {
    const { dir, file, context } = setup();
    writeFileSync(file, "{ not json");
    assert.equal(lookupCell(file, context, "1 + 1"), null);
    const blocked = join(dir, "blocked");
    writeFileSync(blocked, "a file where the cache folder would be");
    const inside = join(blocked, "cell.json");
    assert.doesNotThrow(() => storeCell(inside, context, "1 + 1", compiled, new ProbeLog()));
    assert.equal(lookupCell(inside, context, "1 + 1"), null);
  });

  test("tslab's converter logs what it reads and probes, and a kept compile misses once a file it read changes", () => {
    const folder = join(scratch, "notebook");
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, "shapes.d.ts"), "export interface Shape { rank: number }\n");
    const probes = new ProbeLog();
    const { converter, lastMaps } = createMappedConverter({ paths: kernelPaths(), probes });
    try {
      const cell = `import type { Shape } from ${JSON.stringify(join(folder, "shapes"))};\nconst s: Shape = { rank: 2 };\ns.rank`;
      const result = converter.convert("", cell);
      assert.deepEqual(result.diagnostics, []);
      const logged = probes.fingerprints();
      const read = logged.filter(([kind]) => kind === "readFile").map(([, path]) => path);
      assert.ok(
        read.some((p) => p.endsWith("lib.es5.d.ts")),
        "TypeScript's own lib is among the files read",
      );
      assert.ok(read.includes(join(folder, "shapes.d.ts")), `the cell's import was read: ${read.length} files`);
      assert.ok(
        logged.some(([kind, , answer]) => kind === "fileExists" && answer === "-"),
        "module resolution's failed lookups are logged too",
      );
      const context = cellCacheContext({
        cwd: process.cwd(),
        tslab: tslabVersion,
        typescript: tslabTypeScriptVersion,
        paths: kernelPaths(),
      });
      const file = cellCacheFile(context, join(scratch, "real-cache"));
      storeCell(file, context, cell, { result, maps: lastMaps() }, probes);
      // Kept as JSON: what comes back is the result without its undefined fields.
      assert.deepEqual(lookupCell(file, context, cell)?.result, JSON.parse(JSON.stringify(result)));
      writeFileSync(join(folder, "shapes.d.ts"), "export interface Shape { rank: string }\n");
      assert.equal(lookupCell(file, context, cell), null, "the changed declaration makes it compile again");
    } finally {
      converter.close();
    }
  });
});
