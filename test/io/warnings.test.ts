import assert from "node:assert/strict";
import { test } from "node:test";
import { setWarningHandler, warn } from "../../src/io/warnings";

test("warnings go to the handler a test sets, and to stderr with deepdeck's prefix by default", () => {
  const seen: string[] = [];
  const previous = setWarningHandler((m) => seen.push(m));
  warn("the model is loaded uncompiled.");
  assert.deepEqual(seen, ["the model is loaded uncompiled."]);
  const mine = setWarningHandler(previous);
  assert.notEqual(mine, previous);
  const printed: unknown[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => printed.push(...args);
  try {
    setWarningHandler();
    warn("a metric is dropped.");
  } finally {
    console.warn = original;
    setWarningHandler(previous);
  }
  assert.deepEqual(printed, ["deepdeck: a metric is dropped."]);
});
