/**
 * JSON.parse with the place of a syntax error as line and column, for messages that say where a
 * damaged file breaks. V8 puts the position in most of its messages ("... in JSON at position 12");
 * for the rest, the longest prefix that still reads as the start of a JSON text is found by bisection.
 */

/** Where and why a JSON text fails to parse. */
export interface JsonSyntaxProblem {
  reason: string;
  /** 1-based line and column of the first character that cannot be read (null when unknown). */
  line: number | null;
  column: number | null;
}

export type JsonResult = { ok: true; value: unknown } | { ok: false; problem: JsonSyntaxProblem };

/** Whether `prefix` can still begin a JSON text (it parses, or fails only at its end). */
function viable(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return true;
  } catch (e) {
    const message = (e as Error).message;
    if (/Unexpected end of JSON input/.test(message)) return true;
    const at = /at position (\d+)/.exec(message);
    return at !== null && Number(at[1]) >= prefix.length;
  }
}

function position(text: string, message: string): number | null {
  const at = /at position (\d+)/.exec(message);
  if (at) return Number(at[1]);
  if (/Unexpected end of JSON input/.test(message)) return text.length;
  // Bisection: the longest viable prefix ends just before the offending character.
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (viable(text.slice(0, mid))) lo = mid;
    else hi = mid - 1;
  }
  return lo < text.length ? lo : null;
}

/** Parse `text`; a syntax error comes back with its line and column instead of being thrown. */
export function parseJson(text: string): JsonResult {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    const reason = (e as Error).message
      .replace(/, ".*" is not valid JSON$/s, "")
      .replace(/ in JSON at position \d+.*$/s, "");
    const at = position(text, (e as Error).message);
    if (at === null) return { ok: false, problem: { reason, line: null, column: null } };
    const before = text.slice(0, at);
    const line = before.split("\n").length;
    const column = at - before.lastIndexOf("\n");
    return { ok: false, problem: { reason, line, column } };
  }
}
