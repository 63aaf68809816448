/**
 * Downloading a file safely: streamed to a temporary file beside the target, size and MD5 checked,
 * then renamed into place. A failed, interrupted or wrong download leaves nothing behind.
 */
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { writeAtomic } from "../io/atomic_write";
import { messages } from "../messages";
import { byteProgress } from "./progress";

export interface RemoteFile {
  /** File name, appended to each mirror's base URL. */
  name: string;
  /** Size in bytes. */
  bytes: number;
  /** The published MD5 checksum. */
  md5: string;
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
  const failures: string[] = [];
  for (const mirror of mirrors) {
    const url = mirror.replace(/\/?$/, "/") + file.name;
    try {
      await writeAtomic(target, (tmp) => fetchChecked(url, file, tmp, options));
      return;
    } catch (e) {
      failures.push(messages.mirrorFailed(url, (e as Error).message));
    }
  }
  throw new Error(messages.downloadFailed(failures));
}

async function fetchChecked(
  url: string,
  file: RemoteFile,
  tmp: string,
  options: { quiet?: boolean; timeoutMs?: number },
): Promise<void> {
  const response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 120_000) });
  if (!response.ok || !response.body) throw new Error(messages.httpStatus(response.status));
  const hash = createHash("md5");
  const out = createWriteStream(tmp);
  const report = options.quiet ? () => {} : byteProgress(file.name, file.bytes);
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
  if (done !== file.bytes) throw new Error(messages.downloadSize(done, file.bytes));
  const md5 = hash.digest("hex");
  if (md5 !== file.md5) throw new Error(messages.downloadChecksum(md5, file.md5));
}
