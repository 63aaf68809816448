/** Named snapshot cases: `<dir>/<case>.txt` beside the test that uses them, rewritten with UPDATE=1. */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

export function matchSnapshot(dir: string, name: string, actual: string): void {
  const file = join(dir, `${name}.txt`);
  if (process.env["UPDATE"] === "1") {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual + "\n");
    return;
  }
  assert.ok(existsSync(file), `No snapshot ${file}: run UPDATE=1 npm test once, read it, and commit it.`);
  assert.equal(actual, readFileSync(file, "utf8").replace(/\n$/, ""), `snapshot ${basename(dir)}/${name}`);
}
