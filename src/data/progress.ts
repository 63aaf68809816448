/**
 * Progress of long data operations (downloads), reported through a line the caller opens: on stderr by
 * default; src/install.ts hands it the display layer's in-place line, so a notebook shows one bar that
 * updates. The data layer never talks to a front-end itself.
 */

/** Write the current text of one progress line; `final` on its last update. */
export type ProgressLine = (text: string, final: boolean) => void;
/** Open a new progress line. */
export type OpenProgressLine = () => ProgressLine;

const stderrLine: OpenProgressLine = () => (text, final) => process.stderr.write(`\r${text}${final ? "\n" : ""}`);
let openLine: OpenProgressLine = stderrLine;

/** Where progress lines go from now on (the display layer's in-place line in a notebook). */
export function setProgressLine(open: OpenProgressLine): void {
  openLine = open;
}

/** Progress of `total` bytes of `label`: a bar redrawn at most every 200 ms, and once at the end. */
export function byteProgress(label: string, total: number): (done: number, final?: boolean) => void {
  const write = openLine();
  let last = 0;
  return (done, final = false) => {
    const now = Date.now();
    if (!final && now - last < 200) return;
    last = now;
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    const width = 30;
    const bar = "━".repeat(Math.round(frac * width)).padEnd(width, "─");
    write(`${label} ${bar} ${(done / 1e6).toFixed(1)}/${(total / 1e6).toFixed(1)} MB`, final);
  };
}
