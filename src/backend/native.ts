/**
 * Where tfjs-node's (or tfjs-node-gpu's) addon lives and which TensorFlow it was built against. The
 * addon's folder may hold `deepdeck-native.json`, written by `deepdeck install-native`, saying where the
 * TensorFlow C library came from; {@link ready} reports it, and install-native reads it to stay idempotent.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

export type NativePackage = "@tensorflow/tfjs-node" | "@tensorflow/tfjs-node-gpu";

/** The provenance file install-native writes beside the addon. */
export const provenanceFileName = "deepdeck-native.json";

/** deepdeck's helper beside the addon that silences fd 2 while TensorFlow loads (see install-native). */
export const quietStderrFileName = "deepdeck_quiet_stderr.node";

/**
 * Run `load` with file descriptor 2 pointed at /dev/null when install-native built the helper that can
 * do it: TensorFlow prints its oneDNN notice from C++ as it loads, which no environment variable turns
 * off short of turning oneDNN off (measured here: 15% slower MLP training, 27% slower convnet).
 */
export function withQuietStderr<T>(pkgDir: string, load: () => T): T {
  const helper = join(dirname(addonPath(pkgDir)), quietStderrFileName);
  let quiet: { mute(): boolean; unmute(): void } | null = null;
  try {
    if (existsSync(helper)) quiet = require(helper) as { mute(): boolean; unmute(): void };
  } catch {
    quiet = null;
  }
  const muted = quiet?.mute() ?? false;
  try {
    return load();
  } finally {
    if (muted) quiet?.unmute();
  }
}

/** What install-native recorded about the TensorFlow C library it built the addon against. */
export interface NativeProvenance {
  /** The TensorFlow version of the library (from pip's metadata, or tfjs-node's own download). */
  tensorflow: string;
  /** `pip`: the library of a pip-installed TensorFlow; `download`: tfjs-node's own libtensorflow download. */
  source: "pip" | "download";
  /** The pip distribution that installed it (`tensorflow-cpu`, `tensorflow`), when source is pip. */
  distribution?: string;
  /** The folder the library was taken from (the `tensorflow` package folder of site-packages). */
  from?: string;
  /** The Python whose pip installed it. */
  python?: string;
  /** Whether TensorFlow was built with CUDA. */
  cuda: boolean;
  /** The npm package the addon belongs to, and its version. */
  package: NativePackage;
  packageVersion: string;
  /** When the addon was built (ISO 8601). */
  builtAt: string;
}

/** The package folder of `pkg` as this project resolves it, or null when it is not installed. */
export function nativePackageDir(pkg: NativePackage, from: string = __dirname): string | null {
  try {
    return dirname(require.resolve(`${pkg}/package.json`, { paths: [from] }));
  } catch {
    return null;
  }
}

/**
 * The addon's file, where tfjs-node's loader (node-pre-gyp's `find`) looks for it:
 * `binary.module_path` of its package.json with the highest N-API version both it and this Node support.
 */
export function addonPath(pkgDir: string): string {
  const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")) as {
    binary: { module_name: string; module_path: string; napi_versions: number[] };
  };
  const nodeNapi = Number(process.versions.napi ?? 0);
  const napi = Math.max(...pkg.binary.napi_versions.filter((v) => v <= nodeNapi));
  const modulePath = pkg.binary.module_path.replace("{napi_build_version}", String(napi));
  return join(pkgDir, modulePath, `${pkg.binary.module_name}.node`);
}

/** The N-API version the addon is built for (the number in its folder name, `napi-v8`). */
export function addonNapiVersion(pkgDir: string): number {
  const match = /napi-v(\d+)/.exec(addonPath(pkgDir));
  return match ? Number(match[1]) : Number(process.versions.napi ?? 8);
}

/** The provenance install-native recorded for the addon in `pkgDir`, or null (none, or unreadable). */
export function readProvenance(pkgDir: string): NativeProvenance | null {
  const file = join(dirname(addonPath(pkgDir)), provenanceFileName);
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as NativeProvenance;
  } catch {
    return null;
  }
}

/** One phrase for the report: "TensorFlow 2.21.0 from pip's tensorflow-cpu at /…/site-packages/tensorflow". */
export function describeProvenance(p: NativeProvenance | null, runningVersion: string | undefined): string {
  const version = runningVersion ?? p?.tensorflow ?? "(version unknown)";
  if (!p) return `TensorFlow ${version}`;
  const where =
    p.source === "pip"
      ? `from pip's ${(p.distribution ?? "tensorflow").toLowerCase().replace(/_/g, "-")}${p.from ? ` at ${p.from}` : ""}`
      : "from tfjs-node's libtensorflow download";
  return `TensorFlow ${version} ${where}`;
}

/**
 * tfjs-node registers a terminal progress bar for `model.fit`'s default `verbose: 1`, which the other
 * backends do not have. Off a terminal (a Jupyter kernel, a pipe) it draws nothing and leaves blank lines
 * on stderr and "Epoch 1 / 30" lines on stdout, so there fit says as much on node as on wasm: nothing.
 * `progressBarHelper` is the seam tfjs-node itself exposes for this (its tests stub it).
 */
export function quietProgressBarOffTerminal(pkg: NativePackage, stream: { isTTY?: boolean } = process.stderr): void {
  if (stream.isTTY) return;
  try {
    const callbacks = require(`${pkg}/dist/callbacks`) as {
      progressBarHelper?: { ProgressBar: unknown; log: (...a: unknown[]) => void };
    };
    const helper = callbacks.progressBarHelper;
    if (!helper) return;
    helper.log = () => undefined;
    helper.ProgressBar = class {
      tick(): void {
        // Nothing to draw off a terminal.
      }
    };
  } catch {
    // A tfjs-node without this module: its progress bar stays.
  }
}
