/**
 * Fuzzing the data wing's parsers (issue 15, part 6): IDX (raw and gzip), .npy and .npz. Damaged bytes
 * give the parsed array or deepdeck's error naming the file, never a crash or another library's error.
 */
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { test } from "node:test";
import fc from "fast-check";
import { zipSync } from "fflate";
import { encodeIdx, parseIdx } from "../../src/data/idx";
import { parseNpy, parseNpz } from "../../src/data/npy";
import { damaged, fuzzRuns } from "../support/fuzz";

/** A .npy file as numpy writes it (version 1, header padded to 64 bytes). */
function npy(descr: string, shape: number[], body: Uint8Array): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(", ")}${shape.length === 1 ? "," : ""}), }`;
  header += " ".repeat(63 - ((10 + header.length) % 64)) + "\n";
  const out = new Uint8Array(10 + header.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(body, 10 + header.length);
  return out;
}

/** Run `parse` on each damaged input: a result, or an Error whose message starts with `file`. */
function property(good: Uint8Array, file: string, parse: (bytes: Uint8Array) => unknown, runs: number): void {
  fc.assert(
    fc.property(damaged(good), (bytes) => {
      try {
        parse(bytes);
      } catch (e) {
        assert.ok(e instanceof Error, `threw a non-Error: ${String(e)}`);
        assert.ok(e.message.startsWith(file), `not deepdeck's error about ${file}: ${e.name}: ${e.message}`);
      }
    }),
    { numRuns: fuzzRuns(runs) },
  );
}

const pixels = Uint8Array.from({ length: 3 * 4 * 5 }, (_, i) => i);
const idx = encodeIdx([3, 4, 5], pixels);

test("IDX: damaged raw files give the array or an error naming the file", () => {
  property(idx, "images.idx", (b) => parseIdx(b, "images.idx"), 400);
});

test("IDX: damaged gzip files give the array or an error naming the file", () => {
  property(gzipSync(idx), "images.idx.gz", (b) => parseIdx(b, "images.idx.gz"), 300);
});

test(".npy: damaged arrays of each dtype give the array or an error naming the file", () => {
  const floats = new Uint8Array(new Float32Array([1.5, -2, 3, 4, 5, 6]).buffer);
  for (const [descr, body] of [
    ["|u1", pixels.subarray(0, 6)],
    ["<f4", floats],
    ["<i8", new Uint8Array(new BigInt64Array([1n, 2n, 3n, 4n, 5n, 6n]).buffer)],
  ] as const) {
    const good = npy(descr, [2, 3], body);
    assert.deepEqual(parseNpy(good, "a.npy").shape, [2, 3], "the undamaged file reads");
    property(good, "a.npy", (b) => parseNpy(b, "a.npy"), 200);
  }
  // Found by this property (seed -1856783598): a version-2 header cut before its length field.
  assert.throws(
    () => parseNpy(Uint8Array.from([147, 78, 85, 77, 80, 89, 2, 85, 89, 111]), "a.npy"),
    /^Error: a.npy is truncated inside its .npy header \(10 bytes, the header needs 12\); save or download it again\.$/,
  );
});

test(".npz: damaged zips give the arrays or an error naming the file", () => {
  const good = zipSync({
    "x_train.npy": npy("|u1", [3, 4, 5], pixels),
    "y_train.npy": npy("|u1", [3], pixels.subarray(0, 3)),
  });
  assert.deepEqual(Object.keys(parseNpz(good, "mnist.npz")).sort(), ["x_train", "y_train"]);
  property(good, "mnist.npz", (b) => parseNpz(b, "mnist.npz"), 300);
});
