/** The deck tool's arguments: flags to build options and remark.js options; a bad one is named with what it expects. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseSlidesArgs } from "../../src/deck/build_cli.mjs";

test("reads the deck, the folder, the run flags and remark.js options", () => {
  assert.deepEqual(
    parseSlidesArgs([
      "talk.md",
      "--out",
      "site",
      "--execute",
      "--pdf",
      "--ratio",
      "4:3",
      "--count-incremental-slides",
      "false",
      "--slide-number-format",
      "%current%",
    ]),
    {
      deck: "talk.md",
      out: "site",
      execute: true,
      pdf: true,
      remark: { ratio: "4:3", countIncrementalSlides: false, slideNumberFormat: "%current%" },
    },
  );
  assert.deepEqual(parseSlidesArgs([]), { pdf: false });
});

test("names a bad argument and what it expects", () => {
  assert.throws(() => parseSlidesArgs(["--ratio", "wide"]), /--ratio must be like 16:9 or 4:3, not "wide"/);
  assert.throws(
    () => parseSlidesArgs(["--count-incremental-slides", "no"]),
    /--count-incremental-slides must be true or false, not "no"/,
  );
  assert.throws(() => parseSlidesArgs(["--out"]), /--out needs a value/);
  assert.throws(() => parseSlidesArgs(["a.md", "b.md"]), /unknown argument "b.md"/);
});
