/**
 * Property-based fault injection for deepdeck's parsers (fast-check): a valid file's bytes, truncated,
 * bit-flipped or overwritten, must give the parser's result or deepdeck's own error, never a crash.
 * Runs are few by default (a few seconds per parser in `npm test`); DEEPDECK_FUZZ_RUNS=5000 runs longer.
 */
import fc from "fast-check";

/** How many cases each property tries: DEEPDECK_FUZZ_RUNS, else `short`. */
export function fuzzRuns(short: number): number {
  const env = Number(process.env["DEEPDECK_FUZZ_RUNS"]);
  return Number.isInteger(env) && env > 0 ? env : short;
}

/** One fault in a copy of `good`: truncated, a few bits flipped, or a few bytes overwritten. */
function oneFault(good: Uint8Array): fc.Arbitrary<Uint8Array> {
  const truncate = fc.nat({ max: Math.max(0, good.length - 1) }).map((n) => good.slice(0, n));
  const flips = fc
    .array(fc.tuple(fc.nat({ max: Math.max(0, good.length - 1) }), fc.integer({ min: 0, max: 7 })), {
      minLength: 1,
      maxLength: 8,
    })
    .map((list) => {
      const out = good.slice();
      for (const [i, bit] of list) out[i]! ^= 1 << bit;
      return out;
    });
  const overwrite = fc
    .tuple(fc.nat({ max: Math.max(0, good.length - 1) }), fc.uint8Array({ minLength: 1, maxLength: 16 }))
    .map(([at, bytes]) => {
      const out = good.slice();
      out.set(bytes.subarray(0, out.length - at), at);
      return out;
    });
  return fc.oneof(truncate, flips, overwrite);
}

/** A damaged copy of `good` (one or two faults), or bytes of no format at all. */
export function damaged(good: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc.oneof(oneFault(good), oneFault(good).chain(oneFault), fc.uint8Array({ maxLength: 64 }));
}
