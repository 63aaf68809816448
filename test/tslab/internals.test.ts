/**
 * The tslab internals deepdeck's kernel uses (src/tslab/internals.ts): its converter, compiled with a
 * proxied TypeScript for source maps and `paths`, and the small modules the kernel calls as they are.
 * These tests fail when a tslab upgrade moves any of them.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { kernelModule, kernelPaths, deepdeckRoot } from "../../src/tslab/kernel_modules";
import {
  createMappedConverter,
  loadedTslabJupyter,
  tslabDir,
  tslabModules,
  tslabPublicApi,
  tslabTypeScript,
} from "../../src/tslab/internals";
import { cellPosition, registerCellScript } from "../../src/tslab/traceback";

describe("tslab internals deepdeck's kernel relies on", () => {
  test("converter.js takes typescript by require, makes its watch host and its CommonJS pass through it", () => {
    const source = readFileSync(join(tslabDir, "dist", "converter.js"), "utf8");
    assert.match(source, /require\("@tslab\/typescript-for-tslab"\)/);
    assert.match(source, /ts\.createWatchCompilerHost\(Array\.from\(rootFiles\), \{/);
    assert.match(source, /function esModuleToCommonJSModule\(js, target\) \{\s*let out = ts\.transpileModule\(js,/);
    assert.match(source, /output: esModuleToCommonJSModule\(output, transpileTarget\),/, "the cell's pass is the last");
    assert.match(source, /const srcPrefix = "export \{\};" \+ ts\.sys\.newLine;/, "one line before the cell");
  });
  test("a mapped converter compiles a cell, names its last expression, and maps its lines back", () => {
    const { converter, lastMaps } = createMappedConverter({ paths: kernelPaths() });
    try {
      const cell =
        "interface A {\n  x: number;\n}\n\nconst a: A = { x: 1 };\nfunction f(n: number) {\n\n  throw new Error(String(n));\n}\nf(a.x)";
      const out = converter.convert("", cell);
      assert.deepEqual(out.diagnostics, []);
      assert.equal(out.lastExpressionVar, "tsLastExpr");
      assert.match(out.output ?? "", /exports\.tsLastExpr = f\(a\.x\);/);
      assert.doesNotMatch(out.output ?? "", /sourceMappingURL/);
      const maps = lastMaps();
      assert.ok(maps, "both passes gave a source map");
      const lines = (out.output ?? "").split("\n");
      registerCellScript({ filename: "probe.js", label: "In[1]", headerLines: 0, outputLines: lines.length, maps });
      const throwAt = lines.findIndex((l) => l.includes("throw new Error"));
      const pos = cellPosition("probe.js", throwAt + 1, lines[throwAt]!.indexOf("throw") + 1);
      assert.deepEqual(pos, { line: 8, column: 3 });
      const bad = converter.convert("", 'import { nothing } from "deepdeck";');
      assert.match(
        bad.diagnostics[0]?.messageText ?? "",
        /has no exported member 'nothing'/,
        "deepdeck's types are found",
      );
    } finally {
      converter.close();
    }
  });
  test("declarations under node_modules get no file watcher; deepdeck's own and the notebook's do", () => {
    const sys = (tslabTypeScript() as unknown as { sys: { watchFile: (path: string, ...rest: unknown[]) => unknown } })
      .sys;
    const watched: string[] = [];
    const original = sys.watchFile;
    sys.watchFile = (path, ...rest) => {
      watched.push(path);
      return original.call(sys, path, ...rest);
    };
    const { converter } = createMappedConverter({ paths: kernelPaths() });
    try {
      const out = converter.convert("", 'import * as tf from "@tensorflow/tfjs";\nimport * as dd from "deepdeck";\n');
      assert.deepEqual(out.diagnostics, []);
      assert.deepEqual(
        watched.filter((p) => p.includes("/node_modules/")),
        [],
        "tfjs, @types/node and TypeScript's lib are not watched",
      );
      assert.ok(
        watched.some((p) => p.startsWith(join(deepdeckRoot, "dist"))),
        `deepdeck's declarations are watched (${watched.length} watched)`,
      );
    } finally {
      sys.watchFile = original;
      converter.close();
    }
  });
  test("the modules used as they are keep their functions", () => {
    const t = tslabModules();
    assert.equal(t.getCodeMetadata("/** @module m */ 1").module, "m");
    assert.deepEqual(t.isCompleteCode("1 + 1"), { completed: true });
    assert.equal(t.isCompleteCode("function f() {").completed, false);
    assert.equal(typeof t.printQuickInfo, "function");
    assert.equal(loadedTslabJupyter(), null, "tslab's kernel module is loaded only by cells that import tslab");
    assert.equal(typeof (tslabPublicApi() as { display?: unknown }).display, "object");
    assert.ok(loadedTslabJupyter() && "lastWriteDisplayData" in loadedTslabJupyter()!, "tslab's display slot");
  });
  test("deepdeck and @tensorflow packages resolve to the kernel's copies", () => {
    assert.equal(kernelModule("deepdeck"), deepdeckRoot);
    assert.equal(kernelModule("@tensorflow/tfjs"), require.resolve("@tensorflow/tfjs"));
    assert.equal(kernelModule("@tensorflow/not-a-package"), null);
    assert.equal(kernelModule("pngjs"), null, "other packages come from the notebook's folder");
  });
});
