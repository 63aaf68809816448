#!/usr/bin/env node
/** The `deepdeck` command: install-kernel, start, link, install-native, slides. */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  displayNameFor,
  installKernelSpec,
  kernelName,
  kernelSpec,
  type KernelSpecTarget,
} from "../project/kernelspec";
import { describeLink, linkSelf } from "../project/link";
import { InstallNativeError, installNative, parseInstallNativeArgs } from "./install_native";
import { cliMessages } from "./messages";
import { start } from "./start";

const usage = `Usage: deepdeck <command>

Commands:
  install-kernel [--name NAME] [--user | --prefix DIR | --data-dir DIR]
                  Register the Jupyter kernel "TypeScript (deepdeck)" for this copy of deepdeck
                  (default: the user's Jupyter data directory, or $JUPYTER_DATA_DIR). Safe to run
                  again. --name registers a second kernel, "TypeScript (deepdeck: NAME)", e.g. for
                  another checkout; without it, the "deepdeck" kernel is pointed at this copy.
  kernelspec      Print the kernel.json that install-kernel writes.
  start [--lab | --notebook] [-- ARGS]
                  Register the kernel if needed and start Jupyter in notebooks/: JupyterLab when
                  installed (PATH, then .venv/), else the Notebook. ARGS go to Jupyter.
  link            Link this project into its own node_modules (run by npm install).
  install-native [--gpu] [--python PATH] [--from auto|download|pip] [--force]
                  Make the native backend work: install @tensorflow/tfjs-node (--gpu: -gpu) and
                  build its addon, against tfjs-node's libtensorflow download when that works,
                  else against the TensorFlow that pip installed (pip install tensorflow-cpu).
                  --python (or DEEPDECK_PYTHON) names the Python whose TensorFlow to use.
  slides [DECK.md] [--out DIR] [--execute] [--pdf] [--ratio 4:3] [--count-incremental-slides true|false]
                  Build a remark.js or xaringan deck (default: the course deck) into a self-contained
                  folder (default: dist/ beside the deck); \`deepdeck slides --help\` for every flag.`;

/**
 * The deck tool is its own program (an ES module above the library, src/deck/build_cli.mts): run it
 * rather than import it, so the command and the deck wing stay apart.
 */
function slides(args: string[]): void {
  const tool = join(__dirname, "..", "deck", "build.mjs");
  if (!existsSync(tool)) throw new Error(cliMessages.deckToolMissing(tool));
  const run = spawnSync(process.execPath, [tool, ...args], { stdio: "inherit" });
  process.exit(run.status ?? 1);
}

function targetFrom(args: string[]): KernelSpecTarget & { name: string } {
  const target: KernelSpecTarget & { name: string } = { name: kernelName };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--user") continue;
    if (a === "--prefix" || a === "--data-dir" || a === "--name") {
      const value = args[++i];
      if (!value) throw new Error(`install-kernel: ${a} needs ${a === "--name" ? "a name" : "a directory"}.`);
      if (a === "--prefix") target.prefix = value;
      else if (a === "--name") target.name = value;
      else target.dataDir = value;
    } else {
      throw new Error(`install-kernel: unknown argument ${JSON.stringify(a)}.\n\n${usage}`);
    }
  }
  return target;
}

function main(argv: string[]): void {
  const [command, ...rest] = argv;
  switch (command) {
    case "install-kernel": {
      const { name, ...target } = targetFrom(rest);
      const { dir, changed, previous } = installKernelSpec(target, name);
      console.log(
        `${changed ? "Registered" : "Already registered"}: Jupyter kernel "${displayNameFor(name)}" in ${dir}`,
      );
      if (previous) console.log(`It ran ${previous} before; it now runs this copy of deepdeck.`);
      return;
    }
    case "kernelspec":
      console.log(JSON.stringify(kernelSpec(), null, 2));
      return;
    case "start":
      start(rest).catch(fail);
      return;
    case "link": {
      const { link, changed } = linkSelf();
      if (changed) console.log(`Linked ${describeLink(link)}`);
      return;
    }
    case "install-native": {
      const opts = parseInstallNativeArgs(rest);
      const r = installNative(opts);
      const from =
        r.provenance?.source === "pip"
          ? ` from ${r.provenance.distribution ?? "tensorflow"} at ${r.provenance.from ?? "?"}`
          : "";
      console.log(
        r.changed
          ? `Built ${r.addon}: TensorFlow ${r.tensorflow}${from}${r.buildSeconds ? ` (compiled in ${r.buildSeconds.toFixed(1)} s)` : ""}.`
          : `Already installed: ${r.addon} runs TensorFlow ${r.tensorflow}${from}.`,
      );
      console.log(
        `The ${opts.gpu ? "node-gpu" : "node"} backend is ready: dd.ready() will choose it. After \`npm ci\`, run \`npx deepdeck install-native\` again.`,
      );
      return;
    }
    case "slides":
      slides(rest);
      return;
    case undefined:
    case "help":
    case "--help":
    case "-h":
      console.log(usage);
      return;
    default:
      console.error(`deepdeck: unknown command ${JSON.stringify(command)}.\n\n${usage}`);
      process.exit(2);
  }
}

function fail(e: unknown): never {
  if (!(e instanceof InstallNativeError) && process.env["DEEPDECK_DEBUG"]) console.error(e);
  console.error((e as Error).message);
  process.exit(2);
}

try {
  main(process.argv.slice(2));
} catch (e) {
  fail(e);
}
