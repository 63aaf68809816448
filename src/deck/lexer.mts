/**
 * The deck lexer: remark.js 0.14's slide model (src/remark/lexer.js of npm remark-slide), rewritten with
 * source offsets. remark.js scans the rest of the deck for the leftmost of eight patterns (ties go to the
 * first in this order): indented code, inline code, a content class `.name[`, a fenced block, a link
 * definition, a macro `![:name args](obj)`, a separator line (exactly `---` or `--`) and a notes line
 * (exactly `???`). Text between them is text. Code, inline code and fences protect what is inside them; a
 * content class takes the text up to its matching `]` (bracket depth, nothing else counts) and is lexed
 * again without separators or notes, so neither splits inside a class. `^` means "where the scan
 * resumes", as in remark.js, where the rest of the source is cut after each token.
 *
 * One deliberate difference: a fence whose info string is a knitr-style `{...}` (```` ```ts {name="x"} ````,
 * ```` ```{r echo=FALSE} ````) protects its body. remark.js's own rule takes one word of info, but it never
 * sees those fences: deepdeck (like knitr) replaces every chunk before the page is written.
 */

export type Token =
  | { type: "text"; start: number; end: number; text: string; unclosedClass?: string }
  | { type: "code" | "fences"; start: number; end: number; text: string }
  | { type: "def"; start: number; end: number; id: string; href: string; title: string | undefined }
  | { type: "macro"; start: number; end: number; name: string; args: string[]; obj: string | undefined }
  | { type: "separator"; start: number; end: number; dashes: "---" | "--" }
  | { type: "notes"; start: number; end: number }
  | { type: "classStart"; start: number; end: number; classes: string[]; block: boolean }
  | { type: "classEnd"; start: number; end: number; block: boolean };

type Kind = "code" | "inline" | "class" | "fences" | "def" | "macro" | "separator" | "notes";

// Each pattern finds its leftmost match in the rest of the text; `(?:^|\n)` opens at a line start or
// where the scan resumes. Group numbers are per pattern.
const patterns: [Kind, RegExp][] = [
  ["code", /(?:^|\n)(?: {4}[^\n]+\n*)+/],
  ["inline", /`[^`]+?`/],
  ["class", /\\?((?:\.[a-zA-Z_-][\w-]*)+)\[/],
  ["fences", /(?:^|\n) *(`{3,}|~{3,}) *(?:\{[^\n]*\}|\S+(?: +\{[^\n]*\})?)? *\n[\s\S]+?\s*\1 *(?:\n+|$)/],
  ["def", /(?:^|\n) *\[([^\]]+)\]: *<?([^\s>]+)>?(?: +["(]([^\n]+)[")])? *(?:\n+|$)/],
  ["macro", /!\[:([^\] ]+)([^\]]*)\](?:\(([^)]*)\))?/],
  ["separator", /(?:^|\n)(---?)(?:\n|$)/],
  ["notes", /(?:^|\n)\?{3}(?:\n|$)/],
];
const inContent = patterns.filter(([kind]) => kind !== "separator" && kind !== "notes");

/** Offset of the `]` that closes a bracket opened just before `from`, or -1 (remark.js counts only brackets). */
function closingBracket(text: string, from: number, to: number): number {
  let depth = 1;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 91) depth++;
    else if (c === 93 && --depth === 0) return i;
  }
  return -1;
}

function leftmost(rest: string, set: [Kind, RegExp][]): { kind: Kind; m: RegExpExecArray } | null {
  let best: { kind: Kind; m: RegExpExecArray } | null = null;
  for (const [kind, re] of set) {
    const m = re.exec(rest);
    if (m && (best === null || m.index < best.m.index)) best = { kind, m };
  }
  return best;
}

/** Lex source[from, to) (a content class's inside when `content`), appending to `tokens`. */
function lexRange(source: string, from: number, to: number, content: boolean, tokens: Token[]): void {
  const set = content ? inContent : patterns;
  let at = from;
  const text = (start: number, end: number, value = source.slice(start, end)) =>
    tokens.push({ type: "text", start, end, text: value });
  while (at < to) {
    const rest = source.slice(at, to);
    const found = leftmost(rest, set);
    if (!found) break;
    const { kind, m } = found;
    const start = at + m.index;
    const end = start + m[0].length;
    if (start > at) text(at, start);
    at = end;
    switch (kind) {
      case "code":
      case "fences":
        tokens.push({ type: kind, start, end, text: m[0] });
        break;
      case "inline":
        text(start, end);
        break;
      case "def":
        tokens.push({ type: "def", start, end, id: m[1]!, href: m[2]!, title: m[3] });
        break;
      case "macro":
        tokens.push({
          type: "macro",
          start,
          end,
          name: m[1]!,
          args: (m[2] ?? "").split(",").map((a) => a.trim()),
          obj: m[3],
        });
        break;
      case "separator":
        tokens.push({ type: "separator", start, end, dashes: m[1] === "---" ? "---" : "--" });
        break;
      case "notes":
        tokens.push({ type: "notes", start, end });
        break;
      case "class": {
        const close = closingBracket(source, end, to);
        if (close < 0) {
          tokens.push({ type: "text", start, end, text: m[0], unclosedClass: m[1]!.slice(1) });
          break;
        }
        at = close + 1;
        if (m[0].startsWith("\\")) {
          text(start, at, source.slice(start + 1, at));
          break;
        }
        const block = source.slice(end, close).includes("\n");
        tokens.push({ type: "classStart", start, end, classes: m[1]!.slice(1).split("."), block });
        lexRange(source, end, close, true, tokens);
        tokens.push({ type: "classEnd", start: close, end: close + 1, block });
        break;
      }
    }
  }
  if (at < to || tokens.length === 0) text(at, to);
}

/** The tokens of a deck (LF line ends: parseDeck converts CRLF first, as a browser reading the page does). */
export function lex(source: string): Token[] {
  const tokens: Token[] = [];
  lexRange(source, 0, source.length, false, tokens);
  return tokens;
}
