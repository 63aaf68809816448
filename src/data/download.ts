/**
 * Downloading a file safely: streamed to a temporary file beside the target, size and MD5 checked,
 * then renamed into place. A failed, interrupted or wrong download leaves nothing behind.
 */
import { createHash } from "node:crypto";
import { createWriteStream, mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { hasDisplayFrontEnd, newDisplay } from "../display/display";

export interface RemoteFile {
  /** File name, appended to each mirror's base URL. */
  name: string;
  /** Size in bytes. */
  bytes: number;
  /** The published MD5 checksum. */
  md5: string;
}

/** Progress of one download, in the notebook (updated in place) or on stderr. */
function progressReporter(label: string, total: number, quiet: boolean): (done: number, final?: boolean) => void {
  if (quiet) return () => {};
  const handle = hasDisplayFrontEnd() ? newDisplay() : null;
  let last = 0;
  return (done, final = false) => {
    const now = Date.now();
    if (!final && now - last < 200) return;
    last = now;
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    const width = 30;
    const bar = "━".repeat(Math.round(frac * width)).padEnd(width, "─");
    const line = `${label} ${bar} ${(done / 1e6).toFixed(1)}/${(total / 1e6).toFixed(1)} MB`;
    if (handle) handle.update(line);
    else process.stderr.write(`\r${line}${final ? "\n" : ""}`);
  };
}

/**
 * Fetch `file` from the first mirror that serves it intact and write it to `target`.
 * Throws with every mirror's failure when none does.
 */
export async function downloadFile(
  file: RemoteFile,
  mirrors: string[],
  target: string,
  options: { quiet?: boolean; timeoutMs?: number } = {},
): Promise<void> {
  mkdirSync(dirname(target), { recursive: true });
  const failures: string[] = [];
  for (const mirror of mirrors) {
    const url = mirror.replace(/\/?$/, "/") + file.name;
    const tmp = `${target}.${process.pid}.download`;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 120_000) });
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
      const hash = createHash("md5");
      const out = createWriteStream(tmp);
      const report = progressReporter(file.name, file.bytes, options.quiet ?? false);
      let done = 0;
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          hash.update(chunk);
          done += chunk.length;
          if (!out.write(chunk)) await new Promise<void>((r) => out.once("drain", () => r()));
          report(done);
        }
      } finally {
        await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
      }
      report(done, true);
      if (done !== file.bytes) throw new Error(`got ${done} bytes, expected ${file.bytes}`);
      const md5 = hash.digest("hex");
      if (md5 !== file.md5) throw new Error(`checksum mismatch: md5 ${md5}, expected ${file.md5}`);
      renameSync(tmp, target);
      return;
    } catch (e) {
      rmSync(tmp, { force: true });
      failures.push(`${url}: ${(e as Error).message}`);
    }
  }
  throw new Error(failures.join("\n"));
}
