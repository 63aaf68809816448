import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import { inspect } from "node:util";
import type { DisplaySink } from "../../src/index";
import { dd, tf } from "../support/tf";

type Sent = Parameters<DisplaySink>;

function capture(): { sent: Sent[] } {
  const sent: Sent[] = [];
  dd.setDisplaySink((message, update) => sent.push([message, update]));
  return { sent };
}

afterEach(() => {
  dd.setDisplaySink();
});

describe("display", () => {
  test("a bundle is sent whole: several MIME types in one message, bytes as base64", () => {
    const { sent } = capture();
    const png = new Uint8Array([137, 80, 78, 71]);
    dd.display({ "application/vnd.vegalite.v5+json": { mark: "point" }, "image/png": png, "text/plain": "chart" });
    assert.equal(sent.length, 1);
    const [message, update] = sent[0]!;
    assert.equal(update, false);
    assert.deepEqual(message.data, {
      "application/vnd.vegalite.v5+json": { mark: "point" },
      "image/png": "iVBORw==",
      "text/plain": "chart",
    });
    assert.match(message.transient.display_id!, /^[0-9a-f]{16}$/);
  });
  test("a handle displays once, then updates in place under the same display_id", () => {
    const { sent } = capture();
    const h = dd.newDisplay();
    assert.equal(sent.length, 0, "nothing is shown before the first update");
    h.update("epoch 1");
    h.update("epoch 2");
    assert.deepEqual(
      sent.map(([m, u]) => [m.data["text/plain"], u, m.transient.display_id]),
      [
        ["epoch 1", false, h.id],
        ["epoch 2", true, h.id],
      ],
    );
  });
  test("every bundle gets a text/plain fallback", () => {
    const { sent } = capture();
    dd.display({ "text/html": "<b>x</b>" });
    assert.equal(sent[0]![0].data["text/plain"], "<text/html>");
  });
  test("bad bundles get clear errors", () => {
    capture();
    assert.throws(
      () => dd.display(42 as never),
      /display: expected a displayable object, a MIME bundle or a string, received 42/,
    );
    assert.throws(() => dd.display({ html: "x" }), /display: "html" is not a MIME type/);
    assert.throws(
      () => dd.display({ "text/plain": 3 as never }),
      /display: the text\/plain part must be a string, bytes or a JSON object, received 3/,
    );
  });
  test("outside a kernel the text/plain part is printed and nothing throws", () => {
    const logged: unknown[] = [];
    const original = console.log;
    console.log = (...args: unknown[]) => logged.push(args.join(" "));
    try {
      assert.equal(dd.inTslabKernel(), false);
      dd.display({ "text/html": "<i>hi</i>", "text/plain": "hi" });
    } finally {
      console.log = original;
    }
    assert.deepEqual(logged, ["hi"]);
  });
  test("displayable objects render in Deno's kernel through Symbol.for('Jupyter.display')", async () => {
    await dd.ready();
    const x = tf.tensor1d([1, 2], "int32");
    const view = dd.tensorHtml(x);
    const bundle = (view as unknown as Record<symbol, () => Record<string, string>>)[Symbol.for("Jupyter.display")]!();
    assert.ok(bundle["text/html"]!.startsWith("<table"));
    assert.equal(bundle["text/plain"], "[[1, 2]]");
    assert.equal(inspect(view), "[[1, 2]]");
    x.dispose();
  });
});
