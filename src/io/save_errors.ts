/**
 * A failed save in deepdeck's words: the system's error code turned into a reason, about the target
 * the user gave (the atomic writer's temporary names never reach the message; the system error stays
 * as the cause).
 */
import { existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { messages } from "../messages";

/** The nearest ancestor of `path` that exists. */
function existingAncestor(path: string): string {
  let dir = path;
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

function reason(target: string, e: NodeJS.ErrnoException): string | null {
  const parent = existingAncestor(dirname(resolve(target)));
  switch (e.code) {
    case "EEXIST":
    case "ENOTDIR":
      return statSync(parent).isDirectory() ? null : messages.saveParentIsFile(parent);
    case "ENOENT":
      // The missing parents were being created, so an ENOENT means the folder refuses new entries.
      return statSync(parent).isDirectory() ? messages.saveCannotCreate(parent) : messages.saveParentIsFile(parent);
    case "EISDIR":
      return messages.saveTargetIsFolder();
    case "EROFS":
      return messages.saveReadOnly(parent);
    case "EACCES":
    case "EPERM":
      return messages.saveNoPermission(parent);
    case "ENOSPC":
    case "EDQUOT":
      return messages.saveNoSpace();
    case "EFBIG":
      return messages.saveTooLarge();
    default:
      return null;
  }
}

/**
 * The error to throw when saving to `target` failed with `e`: system errors get a sentence naming
 * `target`; deepdeck's and the libraries' own errors pass through.
 */
export function saveError(fn: string, target: string, e: unknown): unknown {
  const errno = e as NodeJS.ErrnoException;
  if (!(e instanceof Error) || typeof errno.code !== "string" || typeof errno.syscall !== "string") return e;
  const why = reason(target, errno) ?? messages.saveSystemError(errno.code, errno.syscall);
  return new Error(messages.saveFailed(fn, target, why), { cause: e });
}
