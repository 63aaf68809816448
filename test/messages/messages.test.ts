import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { describe as describeValue, messages, wings } from "../../src/messages";

const folder = join(__dirname, "..", "..", "src", "messages");
const files = readdirSync(folder).filter((f) => f.endsWith(".ts"));

describe("the message catalogue", () => {
  test("no two wings use the same name (the flat object would silently keep only one)", () => {
    const seen = new Map<string, string>();
    for (const [wing, entries] of Object.entries(wings)) {
      for (const name of Object.keys(entries)) {
        assert.equal(seen.get(name), undefined, `${name} is in both ${seen.get(name)} and ${wing}`);
        seen.set(name, wing);
      }
    }
    assert.deepEqual(Object.keys(messages).sort(), [...seen.keys()].sort());
  });

  test("is the bottom layer: it imports only from itself", () => {
    for (const file of files) {
      const imports = [...readFileSync(join(folder, file), "utf8").matchAll(/from "([^"]+)"/g)].map((m) => m[1]!);
      for (const source of imports) assert.match(source, /^\.\/[a-z_]+$/, `${file} imports ${source}`);
    }
  });

  test("every file stays under 300 lines", () => {
    for (const file of files) {
      const lines = readFileSync(join(folder, file), "utf8").split("\n").length;
      assert.ok(lines < 300, `${file} has ${lines} lines`);
    }
  });

  test("messages are functions of what was received", () => {
    assert.equal(describeValue([1, 2]), "an array of length 2");
    assert.equal(
      messages.optionNotInteger("f", "n", 1.5, 1, Number.MAX_SAFE_INTEGER),
      "f: option n must be a whole number >= 1, received 1.5.",
    );
    assert.equal(
      messages.optionNotInteger("f", "n", -1, 0, 9),
      "f: option n must be a whole number in [0, 9], received -1.",
    );
    assert.equal(
      messages.idxSizeMismatch("a.idx", [2, 2], "uint8", 12, 10),
      "a.idx is truncated: its header says [2, 2] uint8 (12 bytes), but it has 10 bytes.",
    );
    assert.equal(
      messages.idxSizeMismatch("a.idx", [2, 2], "uint8", 12, 14),
      "a.idx has extra bytes: its header says [2, 2] uint8 (12 bytes), but it has 14 bytes.",
    );
    assert.equal(
      messages.idxUnknownType("a.idx", 0x0a, [8, 13]),
      "a.idx has unknown IDX type code 0a (known: 08, 0d).",
    );
    assert.equal(messages.reshapeSize("f", [2, 3], 6, [4, -1], 4), "f: cannot reshape [2, 3] (6 values) to [4, -1].");
    assert.equal(
      messages.reshapeSize("f", [2, 3], 6, [4, 2], 8),
      "f: cannot reshape [2, 3] (6 values) to [4, 2] (8 values).",
    );
    assert.equal(
      messages.datasetDownloadFailed("MNIST", ["a.gz", "b.gz"], "/c", ["/d1", "/d2"], ["u: HTTP 404"]),
      [
        "MNIST is not on this machine and could not be downloaded (download failed).",
        "Put these files (gzip-compressed or raw) in /c:",
        "  a.gz",
        "  b.gz",
        "or pass { dir } / set DEEPDECK_DATA_DIR to a folder that has them. Folders searched:",
        "  /d1",
        "  /d2",
        "",
        "Download errors:",
        "u: HTTP 404",
      ].join("\n"),
    );
    assert.equal(messages.unknownMetric("f", "acc", []), 'f: metric "acc" is not in the history; it has no metrics.');
  });
});
