import assert from "node:assert/strict";
import { test } from "node:test";
import { parseJson } from "../../src/io/json";

test("parseJson gives the value, or the reason with the line and column where the text breaks", () => {
  assert.deepEqual(parseJson('{"a": [1, 2]}'), { ok: true, value: { a: [1, 2] } });
  const at = (text: string) => {
    const r = parseJson(text);
    assert.ok(!r.ok, `${text} should not parse`);
    return [r.problem.line, r.problem.column];
  };
  assert.deepEqual(at('{"a": 1,'), [1, 9], "a truncated object: just past its end");
  assert.deepEqual(at(""), [1, 1], "an empty file");
  assert.deepEqual(at('{\n  "a": [1, 2\n}'), [3, 1], "a missing bracket, on a later line");
  // V8 names no position for an unexpected token inside a literal; the bisection finds it.
  assert.deepEqual(at('{"a":\n tru}'), [2, 5]);
  const r = parseJson('{"a":\n tru}');
  assert.ok(!r.ok && !r.problem.reason.includes("is not valid JSON"), "the reason without V8's echo of the text");
});
