/** The one edit step both renderers share: replacements by source offsets, applied from the end. */
import type { Edit } from "./source.mjs";

/** source with every edit applied; edits must not overlap (an error names the offset where two do). */
export function splice(source: string, edits: Edit[], from = 0, to = source.length): string {
  const sorted = edits.filter((e) => e.start >= from && e.end <= to).sort((a, b) => b.start - a.start || b.end - a.end);
  let out = source.slice(from, to);
  let limit = Infinity;
  for (const e of sorted) {
    if (e.end > limit) throw new Error(`Overlapping edits at offset ${e.start}.`);
    out = out.slice(0, e.start - from) + e.text + out.slice(e.end - from);
    limit = e.start;
  }
  return out;
}
