/** Named snapshot cases: test/snapshots/<suite>/<case>.txt, rewritten with UPDATE=1. */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const root = join(dirname(__filename), "..", "snapshots");

export function matchSnapshot(suite: string, name: string, actual: string): void {
  const file = join(root, suite, `${name}.txt`);
  if (process.env["UPDATE"] === "1") {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual + "\n");
    return;
  }
  assert.ok(existsSync(file), `No snapshot ${file}: run UPDATE=1 npm test once, read it, and commit it.`);
  assert.equal(actual, readFileSync(file, "utf8").replace(/\n$/, ""), `snapshot ${suite}/${name}`);
}
