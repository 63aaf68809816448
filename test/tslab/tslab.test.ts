/**
 * The display adapter (src/tslab/display_adapter.ts) writes display_data through tslab's
 * `lastWriteDisplayData` slot, which deepdeck's kernel fills for the running cell (and tslab's own
 * `display` reads). The kernel's other uses of tslab are tested in test/tslab/internals.test.ts.
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
