#!/usr/bin/env node
/**
 * The `deepdeck` kernel's entry point. kernel.json runs `node <this file> --config-path {connection_file}`.
 * It serves the Jupyter protocol itself (kernel.ts) with this package's own tslab compiler, by absolute
 * path, never a tslab found near the notebook.
 */
import { linkSelf } from "../project/link";
import { startKernel } from "./kernel";

function argValue(name: string): string {
  const i = process.argv.indexOf(name);
  const value = i >= 0 ? process.argv[i + 1] : undefined;
  if (!value) {
    console.error(`deepdeck kernel: missing ${name} <connection file>; Jupyter passes it from kernel.json.`);
    process.exit(2);
  }
  return value;
}

// `npm install <package>` prunes the link that lets editors and scripts under the checkout import "deepdeck"; restore it.
try {
  linkSelf();
} catch (e) {
  console.error(`deepdeck kernel: could not link the package into node_modules: ${(e as Error).message}`);
}

startKernel(argValue("--config-path")).catch((e: unknown) => {
  console.error(`deepdeck kernel: could not start: ${(e as Error).stack ?? String(e)}`);
  process.exit(1);
});
