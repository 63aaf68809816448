/**
 * deepdeck reaches into tslab in two places (src/tslab/): the function that writes display_data for
 * the running cell, and the execute handler the kernel patches wrap. These tests fail when a tslab
 * upgrade moves either.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, test } from "node:test";
import { inTslabKernel, sendToTslab } from "../../src/tslab/display_adapter";

const tslabDir = dirname(require.resolve("tslab/package.json"));
const jupyterJs = join(tslabDir, "dist", "jupyter.js");

describe("tslab internals deepdeck relies on", () => {
  test("jupyter.js keeps lastWriteDisplayData, set to the running cell's writer", () => {
    const mod = require(jupyterJs);
    assert.ok(
      "lastWriteDisplayData" in mod,
      "tslab/dist/jupyter.js no longer exports lastWriteDisplayData: update src/tslab/display_adapter.ts",
    );
    const source = readFileSync(jupyterJs, "utf8");
    assert.match(source, /exports\.lastWriteDisplayData = writeDisplayData;/);
    assert.match(source, /reply\.header\.msg_type = update \? "update_display_data" : "display_data";/);
  });
  test("JupyterHandlerImpl has handleExecuteImpl and an execQueue reset after errors", () => {
    const { JupyterHandlerImpl } = require(jupyterJs);
    assert.equal(typeof JupyterHandlerImpl.prototype.handleExecuteImpl, "function");
    assert.match(readFileSync(jupyterJs, "utf8"), /this\.execQueue\.reset\(200\)/);
  });
  test("main.js exports startKernel taking enableFindLocal", () => {
    const main = require(join(tslabDir, "dist", "main.js"));
    assert.equal(typeof main.startKernel, "function");
    assert.match(main.startKernel.toString(), /enableFindLocal/);
  });
  test("the display adapter finds tslab only once it runs a cell", () => {
    const mod = require(jupyterJs);
    assert.equal(inTslabKernel(), false);
    const sent: unknown[] = [];
    mod.lastWriteDisplayData = (m: unknown, u: boolean) => sent.push([m, u]);
    try {
      assert.equal(inTslabKernel(), true);
      assert.equal(
        sendToTslab({ data: { "text/plain": "x" }, metadata: {}, transient: { display_id: "a" } }, true),
        true,
      );
    } finally {
      mod.lastWriteDisplayData = null;
    }
    assert.deepEqual(sent, [[{ data: { "text/plain": "x" }, metadata: {}, transient: { display_id: "a" } }, true]]);
  });
});
