import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { makeDirs, replaceDirAtomic, writeAtomic, writeFileAtomic } from "../../src/io/atomic_write";

const scratch = mkdtempSync(join(tmpdir(), "deepdeck-atomic-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

describe("atomic writes", () => {
  test("writeFileAtomic creates the folder, writes the whole file and leaves no temporary", () => {
    const file = join(scratch, "a", "b", "out.txt");
    writeFileAtomic(file, "first");
    writeFileAtomic(file, new TextEncoder().encode("second"));
    assert.equal(readFileSync(file, "utf8"), "second");
    assert.deepEqual(readdirSync(join(scratch, "a", "b")), ["out.txt"]);
  });

  test("a writer that fails leaves the old file as it was and no temporary", async () => {
    const file = join(scratch, "keep.txt");
    writeFileSync(file, "old");
    await assert.rejects(
      writeAtomic(file, (tmp) => {
        writeFileSync(tmp, "half");
        throw new Error("disk full");
      }),
      /disk full/,
    );
    assert.equal(readFileSync(file, "utf8"), "old");
    assert.deepEqual(
      readdirSync(scratch).filter((f) => f.includes("keep")),
      ["keep.txt"],
    );
  });

  test("the writer gets a temporary path beside the target, never the target itself", async () => {
    const file = join(scratch, "beside.bin");
    const seen = await writeAtomic(file, (tmp) => {
      writeFileSync(tmp, "x");
      return tmp;
    });
    assert.notEqual(seen, file);
    assert.match(seen, /[/\\]\.beside\.bin\.tmp-\d+-\d+$/);
    assert.ok(!existsSync(seen));
  });

  test("replaceDirAtomic swaps a whole folder in, and keeps the old one when filling fails", () => {
    const dir = join(scratch, "model");
    replaceDirAtomic(dir, (tmp) => writeFileSync(join(tmp, "one.json"), "1"));
    replaceDirAtomic(dir, (tmp) => writeFileSync(join(tmp, "two.json"), "2"));
    assert.deepEqual(readdirSync(dir), ["two.json"]);
    assert.throws(
      () =>
        replaceDirAtomic(dir, (tmp) => {
          mkdirSync(join(tmp, "sub"));
          throw new Error("interrupted");
        }),
      /interrupted/,
    );
    assert.deepEqual(readdirSync(dir), ["two.json"]);
    assert.deepEqual(
      readdirSync(scratch).filter((f) => f.includes("model")),
      ["model"],
    );
  });

  test("makeDirs makes every missing folder, and throws the first refusal", () => {
    makeDirs(join(scratch, "p", "q", "r"));
    makeDirs(join(scratch, "p", "q"));
    assert.ok(existsSync(join(scratch, "p", "q", "r")));
    writeFileSync(join(scratch, "plain"), "");
    assert.throws(() => makeDirs(join(scratch, "plain", "x", "y")), { code: "ENOTDIR" });
    assert.ok(!existsSync(join(scratch, "plain", "x")));
  });

  // Node's own recursive mkdir spins forever here, so a regression would hang: run it in a child with a limit.
  test(
    "makeDirs under /proc/sys (which refuses new entries with ENOENT) fails at once",
    { skip: process.platform !== "linux" && "procfs is Linux's" },
    () => {
      const code = `const { makeDirs } = require(${JSON.stringify(require.resolve("../../src/io/atomic_write"))});
      for (const d of ["/proc/sys/deepdeck-test", "/proc/sys/deepdeck-test/a/b"]) {
        try { makeDirs(d); console.log("made " + d); } catch (e) { console.log(e.code + " " + e.syscall); }
      }`;
      const run = spawnSync(process.execPath, ["--import", "tsx", "-e", code], { encoding: "utf8", timeout: 20_000 });
      assert.equal(run.signal, null, `the child was stopped: it hung (${run.stderr})`);
      assert.equal(run.stdout, "ENOENT mkdir\nENOENT mkdir\n", run.stderr);
    },
  );
});
