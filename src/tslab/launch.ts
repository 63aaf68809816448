#!/usr/bin/env node
/**
 * The `deepdeck` kernel: tslab's kernel with deepdeck's fixes (kernel_patches.ts). kernel.json runs
 * `node <this file> --config-path {connection_file}`. It starts the tslab this package depends on,
 * by absolute path, and never a tslab found near the notebook.
 */
import { dirname, join } from "node:path";
import { linkSelf } from "../project/link";
import { patchTslabHandler } from "./kernel_patches";

function argValue(name: string): string {
  const i = process.argv.indexOf(name);
  const value = i >= 0 ? process.argv[i + 1] : undefined;
  if (!value) {
    console.error(`deepdeck kernel: missing ${name} <connection file>; Jupyter passes it from kernel.json.`);
    process.exit(2);
  }
  return value;
}

// `npm install <package>` prunes the link that lets notebooks import "deepdeck"; restore it.
try {
  linkSelf();
} catch (e) {
  console.error(`deepdeck kernel: could not link the package into node_modules: ${(e as Error).message}`);
}

const tslabDir = dirname(require.resolve("tslab/package.json"));
patchTslabHandler(require(join(tslabDir, "dist", "jupyter.js")) as Parameters<typeof patchTslabHandler>[0]);
const { startKernel } = require(join(tslabDir, "dist", "main.js")) as {
  startKernel: (options: {
    configPath: string;
    enableFindLocal: boolean;
    jsKernel: boolean;
    globalVersion: string;
  }) => void;
};
const { version } = require(join(tslabDir, "package.json")) as { version: string };
startKernel({ configPath: argValue("--config-path"), enableFindLocal: false, jsKernel: false, globalVersion: version });
