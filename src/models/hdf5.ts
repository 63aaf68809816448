/**
 * HDF5 through h5wasm (the HDF5 C library compiled to WebAssembly), loaded on first use with a real
 * dynamic import: it is an ES module and large.
 *
 * The C library prints its error stacks ("HDF5-DIAG: Error detected ...") to stderr, and a failed open
 * returns a file whose id is -1 instead of throwing. Here every open is checked, and the library's
 * stderr goes to a private capture file whose text becomes the `cause` of deepdeck's own error.
 * Why not h5wasm's `activate_throwing_error_handler`: it throws through the C stack without unwinding
 * it, and after about 2,000 errors in one process h5wasm's memory is corrupt (measured with h5wasm 0.10.3).
 */
import type H5Default from "h5wasm/node" with { "resolution-mode": "import" };
import { fstatSync, ftruncateSync, openSync, readSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { messages } from "../messages";

export type H5Module = typeof H5Default;
export type H5File = InstanceType<H5Module["File"]>;
export type H5Group = InstanceType<H5Module["Group"]>;
export type H5Dataset = InstanceType<H5Module["Dataset"]>;

/** The parts of Emscripten's runtime this module uses: the C library's stderr stream (NODERAWFS). */
interface EmscriptenRuntime {
  FS?: { streams?: ({ nfd?: number } | null)[] };
}

let loading: Promise<H5Module> | null = null;
let captureFd: number | null = null;

/** Point the C library's stderr at a capture file (unlinked at once where the OS allows, else at exit). */
function captureStderr(runtime: EmscriptenRuntime | undefined): void {
  const stderr = runtime?.FS?.streams?.[2];
  if (!stderr || typeof stderr.nfd !== "number") return;
  const file = join(tmpdir(), `.deepdeck-hdf5-${process.pid}.log`);
  captureFd = openSync(file, "w+");
  try {
    rmSync(file);
  } catch {
    process.once("exit", () => rmSync(file, { force: true }));
  }
  stderr.nfd = captureFd;
}

export function h5(): Promise<H5Module> {
  loading ??= import("h5wasm/node").then(async (m) => {
    const mod = ((m as unknown as { default?: H5Module }).default ?? m) as H5Module;
    await mod.ready;
    captureStderr((m as unknown as { Module?: EmscriptenRuntime }).Module);
    return mod;
  });
  return loading;
}

/** What the C library printed since the last call (its last error stack), and forget it. */
export function takeDiagnostics(): string {
  if (captureFd === null) return "";
  const size = fstatSync(captureFd).size;
  const bytes = Buffer.alloc(Math.min(size, 1 << 20));
  readSync(captureFd, bytes, 0, bytes.length, Math.max(0, size - bytes.length));
  ftruncateSync(captureFd, 0);
  // Writes go on at the old offset after a truncate; the gap reads back as NULs.
  const text = bytes.toString("utf8").replace(/\0+/g, "");
  const last = text.lastIndexOf("HDF5-DIAG");
  return (last >= 0 ? text.slice(last) : text).trim();
}

/** The library's own words for a failure: its error stack when it printed one, else the JavaScript error. */
function cause(e?: unknown): Error {
  const diagnostics = takeDiagnostics();
  const why = e instanceof Error ? e.message : "";
  return new Error([diagnostics, why].filter(Boolean).join("\n") || "no message from HDF5", e ? { cause: e } : {});
}

/**
 * Open an HDF5 file, or throw deepdeck's error naming `shown` (the path the user gave, or the entry of
 * the zip it came from) when it is damaged, truncated or not HDF5.
 */
export async function openH5(path: string, mode: "r" | "w", fn: string, shown = path): Promise<H5File> {
  const H5 = await h5();
  takeDiagnostics();
  let file: H5File;
  try {
    file = new H5.File(path, mode);
  } catch (e) {
    throw new Error(mode === "r" ? messages.hdf5Unreadable(fn, shown) : messages.hdf5Unwritable(fn, shown), {
      cause: cause(e),
    });
  }
  if (file.file_id < 0n) {
    throw new Error(mode === "r" ? messages.hdf5Unreadable(fn, shown) : messages.hdf5Unwritable(fn, shown), {
      cause: cause(),
    });
  }
  return file;
}

/** Close a file, never masking the error that brought us here. */
export function closeH5(file: H5File): void {
  try {
    file.close();
  } catch {
    takeDiagnostics();
  }
}

/**
 * Run `read` over an open file: deepdeck's own errors (they start with `fn: `) pass through; anything
 * h5wasm throws becomes "the file is damaged", naming `shown`, with HDF5's words as the cause.
 */
export async function readingH5<T>(fn: string, shown: string, read: () => T | Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if (e instanceof Error && e.message.startsWith(`${fn}: `)) throw e;
    throw new Error(messages.hdf5Damaged(fn, shown), { cause: cause(e) });
  }
}

/** Run `write` over a file being written to `target`; what h5wasm throws becomes deepdeck's "cannot save". */
export function writingH5<T>(fn: string, target: string, write: () => T): T {
  try {
    return write();
  } catch (e) {
    if (e instanceof Error && e.message.startsWith(`${fn}: `)) throw e;
    throw new Error(messages.saveFailed(fn, target, messages.saveHdf5Failed()), { cause: cause(e) });
  }
}

/**
 * After writing `target`: HDF5 reports some write failures (a full disk, a size limit) only by printing
 * them, so anything it printed means the file is incomplete and must not replace the old one.
 */
export function checkWritten(fn: string, target: string): void {
  const printed = takeDiagnostics();
  if (printed)
    throw new Error(messages.saveFailed(fn, target, messages.saveHdf5Failed()), { cause: new Error(printed) });
}

/** An attribute as strings: fixed-length bytes, variable-length strings, one or many. */
export function stringsAttr(node: { attrs: Record<string, { value: unknown }> }, name: string): string[] | null {
  const attr = node.attrs[name];
  if (!attr) return null;
  const v = attr.value;
  const one = (x: unknown): string =>
    x instanceof Uint8Array ? new TextDecoder().decode(x).replace(/\0+$/, "") : String(x);
  // An empty string array comes back from h5wasm as [""]; Keras writes one for layers without weights.
  if (Array.isArray(v)) return v.map(one).filter((x) => x !== "");
  if (v === null || v === undefined) return [];
  if (ArrayBuffer.isView(v) && !(v instanceof Uint8Array && v.length > 0))
    return Array.from(v as unknown as ArrayLike<number>, String);
  return [one(v)];
}

/** A string attribute (the first string of it). */
export function stringAttr(node: { attrs: Record<string, { value: unknown }> }, name: string): string | null {
  return stringsAttr(node, name)?.[0] ?? null;
}
