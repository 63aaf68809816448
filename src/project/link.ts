/**
 * Making `import ... from "deepdeck"` work in every notebook of this repository: tslab resolves
 * modules the classic Node way (node_modules up from the notebook), so the project links itself
 * into its own node_modules.
 */
import { existsSync, lstatSync, readlinkSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import { makeDirs } from "../io/atomic_write";

/** The package root (the folder holding package.json and dist/). */
export const packageRoot = resolve(dirname(__filename), "..", "..");

/** Link `root/node_modules/deepdeck` to `root`. Does nothing when installed as someone's dependency. */
export function linkSelf(root = packageRoot): { link: string; changed: boolean } {
  const link = join(root, "node_modules", "deepdeck");
  if (root.split(sep).includes("node_modules")) return { link, changed: false };
  if (existsSync(link) && realpathSync(link) === realpathSync(root)) return { link, changed: false };
  try {
    if (lstatSync(link).isSymbolicLink() || existsSync(link)) rmSync(link, { recursive: true, force: true });
  } catch {
    // No previous link.
  }
  makeDirs(join(root, "node_modules"));
  symlinkSync(process.platform === "win32" ? root : "..", link, process.platform === "win32" ? "junction" : "dir");
  return { link, changed: true };
}

export function describeLink(link: string): string {
  try {
    return `${link} -> ${readlinkSync(link)}`;
  } catch {
    return link;
  }
}
