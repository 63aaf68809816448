/**
 * Every file and folder deepdeck writes goes through here: written beside the target under a temporary
 * name, then renamed into place, so a reader never sees half a file and a failure leaves the old one.
 * One naming scheme for the temporaries (`.<name>.tmp-<pid>-<n>` beside the target), so a crashed run's
 * leftovers are recognisable and never collide with a user's files.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

let counter = 0;

/**
 * `mkdir -p` that fails: Node's `mkdirSync(dir, { recursive: true })` never returns when a folder that
 * exists refuses a child with ENOENT (procfs: `/proc/sys/x` or `/proc/sys/x/y`), as it takes ENOENT to
 * mean "make the parent first" and spins at full CPU (seen on Node 20.20). Here each missing folder is
 * made once, from the nearest existing one down, and the first refusal is thrown.
 */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  let at = resolve(dir);
  while (!existsSync(at) && dirname(at) !== at) {
    missing.push(at);
    at = dirname(at);
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (e) {
      // Made meanwhile by someone else: fine.
      if ((e as NodeJS.ErrnoException).code !== "EEXIST" || !existsSync(d)) throw e;
    }
  }
}

/** A fresh temporary path beside `target`, in the same folder (so the final rename stays on one disk). */
export function tempPathBeside(target: string): string {
  counter += 1;
  return join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${counter}`);
}

/**
 * Write a file at `target` by letting `write` fill a temporary path, then renaming it into place.
 * `write` may be a library's own writer (HDF5, a stream); if it throws, the temporary is removed and the
 * old `target`, if any, is untouched.
 */
export async function writeAtomic<T>(target: string, write: (tmp: string) => T | Promise<T>): Promise<T> {
  makeDirs(dirname(target));
  const tmp = tempPathBeside(target);
  try {
    const result = await write(tmp);
    renameSync(tmp, target);
    return result;
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** The synchronous form of {@link writeAtomic}. */
export function writeAtomicSync<T>(target: string, write: (tmp: string) => T): T {
  makeDirs(dirname(target));
  const tmp = tempPathBeside(target);
  try {
    const result = write(tmp);
    renameSync(tmp, target);
    return result;
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Write `content` to `file` atomically (see the module comment). */
export function writeFileAtomic(file: string, content: string | Uint8Array): void {
  writeAtomicSync(file, (tmp) => {
    writeFileSync(tmp, content);
  });
}

/**
 * Replace the folder `target` with one that `fill` builds in a temporary folder: the new folder appears
 * whole, in one rename; the old one is moved aside first and restored if the rename fails.
 */
export function replaceDirAtomic<T>(target: string, fill: (tmpDir: string) => T): T {
  makeDirs(dirname(target));
  const tmp = tempPathBeside(target);
  let result: T;
  try {
    mkdirSync(tmp);
    result = fill(tmp);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  const old = tempPathBeside(target);
  let movedAside = false;
  try {
    try {
      renameSync(target, old);
      movedAside = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
    renameSync(tmp, target);
  } catch (e) {
    if (movedAside) renameSync(old, target);
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  if (movedAside) rmSync(old, { recursive: true, force: true });
  return result;
}
