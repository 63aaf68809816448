/**
 * `deepdeck install-native [--gpu] [--python PATH] [--from auto|download|pip] [--force]`: makes the
 * `node` (or `node-gpu`) backend work. tfjs-node's own install downloads libtensorflow 2.9.1 and a
 * prebuilt addon from Google's storage, which fails offline, behind proxies, and for platforms without a
 * prebuilt addon; and npm removes the whole optional package when that script fails. So this installs the
 * package with its script turned off, tries that download once, and otherwise builds the addon against
 * the TensorFlow C library that pip's TensorFlow wheel ships (libtensorflow_cc.so.2 and its headers).
 * Everything it writes is under the project's node_modules.
 */
import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
} from "node:fs";
import { homedir } from "node:os";
import { basename, delimiter, dirname, join, resolve, sep } from "node:path";
import { performance } from "node:perf_hooks";
import {
  addonNapiVersion,
  addonPath,
  nativePackageDir,
  provenanceFileName,
  quietStderrFileName,
  readProvenance,
  type NativePackage,
  type NativeProvenance,
} from "../backend/native";
import { makeDirs, replaceDirAtomic, writeAtomicSync, writeFileAtomic } from "../io/atomic_write";
import { exportedSymbols } from "./elf";
import { linkSelf, packageRoot } from "../project/link";

/** One sentence each: what is missing and what to do about it. */
export const installNativeMessages = {
  badArgument: (a: string) =>
    `install-native: unknown argument ${JSON.stringify(a)}; use --gpu, --python PATH, --from auto|download|pip, --force.`,
  needsValue: (a: string, what: string) => `install-native: ${a} needs ${what}.`,
  badFrom: (v: string) => `install-native: --from must be auto, download or pip, received ${JSON.stringify(v)}.`,
  npmFailed: (pkg: string, why: string) =>
    `npm could not install ${pkg} (${why}); check that the npm registry is reachable, then run \`npx deepdeck install-native\` again.`,
  noPython: (tried: string) =>
    `Python was not found (tried ${tried}): install Python 3, or name one with --python PATH or DEEPDECK_PYTHON.`,
  noPip: (python: string) =>
    `${python} has no pip: install it (Debian/Ubuntu: sudo apt-get install python3-pip; elsewhere: ${python} -m ensurepip).`,
  noTensorFlow: (python: string, gpu: boolean) =>
    `TensorFlow is not installed for ${python}: run \`${python} -m pip install ${gpu ? "'tensorflow[and-cuda]'" : "tensorflow-cpu"}\`, or name a Python that has it with --python PATH.`,
  tooOld: (version: string, dir: string) =>
    `TensorFlow ${version} at ${dir} is older than 2.9, the C API tfjs-node 4.22 is written for: run \`pip install -U tensorflow-cpu\`.`,
  notCuda: (dist: string, version: string, dir: string) =>
    `--gpu needs a CUDA build of TensorFlow, but ${dist} ${version} at ${dir} is built without CUDA: run \`pip install 'tensorflow[and-cuda]'\`.`,
  noLibrary: (file: string, dir: string) =>
    `The TensorFlow at ${dir} has no ${file}: reinstall it with \`pip install --force-reinstall tensorflow-cpu\`.`,
  noHeaders: (dir: string) =>
    `The TensorFlow at ${dir} has no C headers (include/tensorflow/c/c_api.h): reinstall it with \`pip install --force-reinstall tensorflow-cpu\`.`,
  missingSymbols: (lib: string, missing: string[]) =>
    `${lib} does not export ${missing.length} C function${missing.length === 1 ? "" : "s"} tfjs-node calls (${missing.slice(0, 5).join(", ")}${missing.length > 5 ? ", …" : ""}); install a TensorFlow 2 wheel from pip (tensorflow-cpu).`,
  notLinux: (platform: string) =>
    `Building against pip's TensorFlow is supported on Linux only, not ${platform}: run \`npm install @tensorflow/tfjs-node\` with internet access, which downloads a prebuilt addon.`,
  noCompiler: () =>
    `No C++ compiler was found (looked for $CXX, c++, g++, clang++): install one (Debian/Ubuntu: sudo apt-get install build-essential).`,
  noMake: () => `make was not found: install it (Debian/Ubuntu: sudo apt-get install build-essential).`,
  noNodeGyp: () =>
    `node-gyp was not found (it ships with npm, in npm's node_modules/node-gyp): reinstall npm, or \`npm install -g node-gyp\`.`,
  noNodeHeaders: (version: string) =>
    `Node's headers for ${version} are not on this machine and node-gyp could not download them: install them (Debian/Ubuntu: sudo apt-get install libnode-dev) or run \`npx node-gyp install\` with internet access.`,
  buildFailed: (log: string) => `node-gyp could not build tfjs-node's addon; the end of its output:\n${log}`,
  doesNotLoad: (why: string) => `The built addon does not load: ${why}`,
} as const;

/** A failure install-native reports as its one sentence (no stack trace). */
export class InstallNativeError extends Error {}

export interface InstallNativeOptions {
  gpu: boolean;
  /** The Python whose pip TensorFlow to use (--python, else DEEPDECK_PYTHON); unset: python3, then python. */
  python?: string;
  /** Where the C library comes from: tfjs-node's download, pip's TensorFlow, or the first that works. */
  from: "auto" | "download" | "pip";
  /** Rebuild even when the addon already loads and matches the TensorFlow found. */
  force: boolean;
}

export function parseInstallNativeArgs(args: string[], env: NodeJS.ProcessEnv = process.env): InstallNativeOptions {
  const opts: InstallNativeOptions = { gpu: false, from: "auto", force: false };
  let fromGiven = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--gpu") opts.gpu = true;
    else if (a === "--force") opts.force = true;
    else if (a === "--python" || a.startsWith("--python=")) {
      const v = a.includes("=") ? a.slice(a.indexOf("=") + 1) : args[++i];
      if (!v) throw new InstallNativeError(installNativeMessages.needsValue("--python", "the path of a Python"));
      opts.python = v;
    } else if (a === "--from" || a.startsWith("--from=")) {
      const v = a.includes("=") ? a.slice(a.indexOf("=") + 1) : args[++i];
      if (v !== "auto" && v !== "download" && v !== "pip")
        throw new InstallNativeError(
          v ? installNativeMessages.badFrom(v) : installNativeMessages.needsValue("--from", "auto, download or pip"),
        );
      opts.from = v;
      fromGiven = true;
    } else throw new InstallNativeError(installNativeMessages.badArgument(a));
  }
  const envPython = env["DEEPDECK_PYTHON"];
  if (opts.python === undefined && envPython) opts.python = envPython;
  // Naming a Python says which TensorFlow to use; a download would ignore it.
  if (opts.python !== undefined && !fromGiven) opts.from = "pip";
  return opts;
}

/** What a Python reports about its pip-installed TensorFlow, without importing it (which takes seconds). */
export interface PythonTensorFlow {
  python: string;
  pythonVersion: string;
  pip: boolean;
  /** The `tensorflow` package folder, or null when not installed. */
  dir: string | null;
  distribution: string | null;
  version: string | null;
  cuda: boolean;
  /** Folders of NVIDIA's pip-installed CUDA libraries (site-packages/nvidia/<name>/lib). */
  cudaLibDirs: string[];
}

const probeScript = String.raw`
import json, os, sys, importlib.util
out = {"python": sys.executable, "pythonVersion": sys.version.split()[0], "dir": None, "distribution": None,
       "version": None, "cuda": False, "cudaLibDirs": []}
out["pip"] = importlib.util.find_spec("pip") is not None
spec = importlib.util.find_spec("tensorflow")
if spec is not None and spec.submodule_search_locations:
    d = list(spec.submodule_search_locations)[0]
    out["dir"] = d
    import importlib.metadata as md
    names = md.packages_distributions().get("tensorflow", []) if hasattr(md, "packages_distributions") else []
    names += ["tensorflow-cpu", "tensorflow", "tensorflow-gpu", "tf-nightly", "tf-nightly-cpu", "intel-tensorflow"]
    for n in names:
        try:
            out["version"] = md.version(n)
            out["distribution"] = md.metadata(n)["Name"].lower().replace("_", "-")
            break
        except Exception:
            pass
    try:
        with open(os.path.join(d, "python", "platform", "build_info.py")) as f:
            out["cuda"] = "('is_cuda_build', True)" in f.read()
    except OSError:
        pass
    nvidia = os.path.join(os.path.dirname(d), "nvidia")
    if os.path.isdir(nvidia):
        out["cudaLibDirs"] = sorted(os.path.join(nvidia, n, "lib") for n in os.listdir(nvidia)
                                    if os.path.isdir(os.path.join(nvidia, n, "lib")))
print(json.dumps(out))
`;

/** Run `python` on the probe; throws a sentence naming what is missing. */
export function probePython(python: string | undefined, gpu: boolean): PythonTensorFlow {
  const candidates = python ? [python] : process.platform === "win32" ? ["python", "py"] : ["python3", "python"];
  for (const candidate of candidates) {
    const r = spawnSync(candidate, ["-c", probeScript], { encoding: "utf8", timeout: 60_000 });
    if (r.error || r.status !== 0) continue;
    const found = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as PythonTensorFlow;
    // sys.executable: a venv's python stays the venv's (its path, not the interpreter it links to).
    found.python ||= python ?? candidate;
    if (!found.pip) throw new InstallNativeError(installNativeMessages.noPip(found.python));
    if (!found.dir || !found.version)
      throw new InstallNativeError(installNativeMessages.noTensorFlow(found.python, gpu));
    return found;
  }
  throw new InstallNativeError(installNativeMessages.noPython(candidates.join(", ")));
}

function versionAtLeast(version: string, major: number, minor: number): boolean {
  const [a = 0, b = 0] = version.split(".").map((p) => parseInt(p, 10));
  return a > major || (a === major && b >= minor);
}

/** The library files of pip's TensorFlow (Linux wheel layout). */
export function pipLibraries(dir: string): { main: string; framework: string; include: string } {
  return {
    main: join(dir, "libtensorflow_cc.so.2"),
    framework: join(dir, "libtensorflow_framework.so.2"),
    include: join(dir, "include"),
  };
}

/**
 * The TensorFlow C functions tfjs-node's binding calls: the names it calls that TensorFlow's C headers
 * declare as exported (TF_CAPI_EXPORT), which leaves out the binding's own helper classes and the
 * headers' inline string functions. Read from the sources, so a newer tfjs-node brings its own list.
 */
export function requiredSymbols(bindingDir: string, includeDir: string): string[] {
  const called = new Set<string>();
  for (const f of readdirSync(bindingDir)) {
    if (!/\.(cc|h)$/.test(f)) continue;
    for (const m of readFileSync(join(bindingDir, f), "utf8").matchAll(/\b(TFE?_\w+)\s*\(/g)) called.add(m[1]!);
  }
  const exported = new Set<string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".h"))
        for (const m of readFileSync(p, "utf8").matchAll(/TF_CAPI_EXPORT\s+extern\s+[^;(]*?\b(TFE?_\w+)\s*\(/g))
          exported.add(m[1]!);
    }
  };
  walk(join(includeDir, "tensorflow", "c"));
  return [...called].filter((n) => exported.has(n)).sort();
}

/** The names of `required` that none of `libraries` exports. */
export function missingSymbols(libraries: string[], required: string[]): string[] {
  const have = new Set<string>();
  for (const lib of libraries) for (const s of exportedSymbols(lib)) have.add(s);
  return required.filter((s) => !have.has(s));
}

/** A hard link when the library is on the same disk (no copy, and it outlives a pip uninstall), else a symlink. */
function linkFile(target: string, link: string): "hard link" | "symlink" {
  try {
    linkSync(target, link);
    return "hard link";
  } catch {
    symlinkSync(target, link);
    return "symlink";
  }
}

/**
 * Put pip's TensorFlow where tfjs-node's binding.gyp looks: deps/lib/libtensorflow.so (and the sonames
 * libtensorflow_cc.so.2, libtensorflow_framework.so.2 the linked addon asks for at load time) and
 * deps/include. With --gpu, NVIDIA's pip CUDA libraries go beside them, because libtensorflow_cc's
 * RUNPATH ($ORIGIN) is where it will look for them once it is loaded from deps/lib.
 */
export function stageDeps(pkgDir: string, tfDir: string, cudaLibDirs: string[] = []): string {
  const libs = pipLibraries(tfDir);
  let how = "";
  replaceDirAtomic(join(pkgDir, "deps"), (tmp) => {
    const lib = join(tmp, "lib");
    mkdirSync(lib);
    how = linkFile(libs.main, join(lib, "libtensorflow_cc.so.2"));
    linkFile(libs.framework, join(lib, "libtensorflow_framework.so.2"));
    symlinkSync("libtensorflow_cc.so.2", join(lib, "libtensorflow.so"));
    symlinkSync("libtensorflow_framework.so.2", join(lib, "libtensorflow_framework.so"));
    symlinkSync(libs.include, join(tmp, "include"), "dir");
    for (const d of cudaLibDirs)
      for (const f of readdirSync(d))
        if (/\.so(\.|$)/.test(f) && !existsSync(join(lib, f))) symlinkSync(join(d, f), join(lib, f));
  });
  return how;
}

function onPath(name: string): string | null {
  for (const d of (process.env["PATH"] ?? "").split(delimiter)) {
    if (!d) continue;
    for (const ext of process.platform === "win32" ? [".exe", ".cmd", ""] : [""]) {
      const p = join(d, name + ext);
      try {
        if (statSync(p).isFile()) return p;
      } catch {
        // Not in this folder.
      }
    }
  }
  return null;
}

/** npm's own node-gyp (npm ships one for building addons), or one installed beside deepdeck. */
export function findNodeGyp(env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates: string[] = [];
  if (env["npm_config_node_gyp"]) candidates.push(env["npm_config_node_gyp"]);
  const npmCli = env["npm_execpath"] ?? onPath("npm");
  if (npmCli) {
    let d = dirname(realpathSync(npmCli));
    for (let up = 0; up < 3; up++, d = dirname(d))
      candidates.push(join(d, "node_modules", "node-gyp", "bin", "node-gyp.js"));
  }
  candidates.push(
    join(
      dirname(process.execPath),
      "..",
      "lib",
      "node_modules",
      "npm",
      "node_modules",
      "node-gyp",
      "bin",
      "node-gyp.js",
    ),
  );
  try {
    candidates.push(require.resolve("node-gyp/bin/node-gyp.js"));
  } catch {
    // Not installed beside deepdeck.
  }
  return candidates.find((c) => existsSync(c)) ?? null;
}

/** A folder holding this Node's headers (include/node/node_api.h), so node-gyp need not download them. */
export function findNodeDir(env: NodeJS.ProcessEnv = process.env): string | null {
  const version = process.version.slice(1);
  const cache =
    process.platform === "win32"
      ? join(env["LOCALAPPDATA"] ?? homedir(), "node-gyp", "Cache", version)
      : join(env["XDG_CACHE_HOME"] ?? join(homedir(), ".cache"), "node-gyp", version);
  const candidates = [env["npm_config_nodedir"], resolve(dirname(process.execPath), ".."), cache];
  return candidates.find((c): c is string => !!c && existsSync(join(c, "include", "node", "node_api.h"))) ?? null;
}

export function findCompiler(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env["CXX"]) return env["CXX"];
  for (const c of ["c++", "g++", "clang++"]) if (onPath(c)) return c;
  return null;
}

/** The project whose node_modules holds deepdeck's dependencies (deepdeck's own root in this repository). */
export function projectRoot(root: string = packageRoot): string {
  const parts = root.split(sep);
  const i = parts.lastIndexOf("node_modules");
  return i > 0 ? parts.slice(0, i).join(sep) : root;
}

function run(cmd: string, args: string[], options: SpawnSyncOptions): { ok: boolean; output: string } {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...options });
  const output = `${String(r.stdout)}${String(r.stderr)}`;
  return { ok: !r.error && r.status === 0, output: r.error ? `${r.error.message}\n${output}` : output };
}

function npmCommand(env: NodeJS.ProcessEnv): [string, string[]] {
  const execpath = env["npm_execpath"];
  if (execpath && /np[mx]-cli\.js$/.test(execpath)) return [process.execPath, [join(dirname(execpath), "npm-cli.js")]];
  return [process.platform === "win32" ? "npm.cmd" : "npm", []];
}

/** Install `pkg@version` into the project with install scripts off (see the module comment). */
function npmInstall(root: string, pkg: NativePackage, version: string, log: (s: string) => void): void {
  log(`Installing ${pkg}@${version} (its install script off; the addon is built below)…`);
  const [cmd, pre] = npmCommand(process.env);
  const r = run(
    cmd,
    [...pre, "install", "--no-save", "--ignore-scripts", "--no-audit", "--no-fund", `${pkg}@${version}`],
    { cwd: root, shell: process.platform === "win32" },
  );
  if (!r.ok) throw new InstallNativeError(installNativeMessages.npmFailed(pkg, lastLines(r.output, 1)));
}

function lastLines(text: string, n: number): string {
  return text.trim().split("\n").slice(-n).join("\n");
}

export interface AddonCheck {
  loads: boolean;
  /** The TensorFlow version the addon runs (TF_Version), when it loads. */
  tensorflow?: string;
  error?: string;
}

/** Load the addon in a fresh Node, as the kernel would, and ask it for TensorFlow's version. */
export function checkAddon(root: string, pkg: NativePackage): AddonCheck {
  const script = `
    process.env.TF_CPP_MIN_LOG_LEVEL ??= "2";
    const tf = require(require.resolve(${JSON.stringify(pkg)}, { paths: [${JSON.stringify(root)}] }));
    console.log(JSON.stringify({ tensorflow: tf.backend().binding.TF_Version, backend: tf.getBackend() }));`;
  const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", cwd: root, timeout: 120_000 });
  if (r.status === 0) {
    const out = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as { tensorflow: string; backend: string };
    if (out.backend === "tensorflow") return { loads: true, tensorflow: out.tensorflow };
  }
  const lines = r.stderr.split("\n").filter((l) => /Error|error:|cannot open|undefined symbol/.test(l));
  return { loads: false, error: (lines[0] ?? lastLines(r.stderr, 1)).trim() || "no output" };
}

export interface InstallNativeResult {
  pkg: NativePackage;
  addon: string;
  changed: boolean;
  provenance: NativeProvenance | null;
  tensorflow: string;
  buildSeconds?: number;
}

function tfjsVersion(root: string): string {
  const file = require.resolve("@tensorflow/tfjs/package.json", { paths: [root] });
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}

function packageVersion(pkgDir: string): string {
  return (JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")) as { version: string }).version;
}

/** Try tfjs-node's own install script (libtensorflow and a prebuilt addon from Google's storage). */
function tryDownload(pkgDir: string, log: (s: string) => void): boolean {
  log("Trying tfjs-node's own download of libtensorflow…");
  const bin = join(projectRoot(pkgDir), "node_modules", ".bin");
  const r = run(process.execPath, [join("scripts", "install.js"), ...(pkgDir.endsWith("-gpu") ? ["gpu"] : [])], {
    cwd: pkgDir,
    timeout: 600_000,
    env: { ...process.env, PATH: `${bin}${delimiter}${process.env["PATH"] ?? ""}` },
  });
  if (!r.ok) {
    const why = r.output.split("\n").find((l) => /Error|error/.test(l)) ?? lastLines(r.output, 1);
    log(`  the download did not work (${why.trim()}).`);
  }
  return r.ok;
}

/** `node-gyp rebuild` in `dir`, after checking for what it needs; returns the seconds it took. */
function nodeGypRebuild(dir: string, python: string, variables: string[]): number {
  if (!findCompiler()) throw new InstallNativeError(installNativeMessages.noCompiler());
  if (process.platform !== "win32" && !onPath("make")) throw new InstallNativeError(installNativeMessages.noMake());
  const nodeGyp = findNodeGyp();
  if (!nodeGyp) throw new InstallNativeError(installNativeMessages.noNodeGyp());
  const nodeDir = findNodeDir();
  const args = [
    nodeGyp,
    "rebuild",
    `--python=${python}`,
    "--jobs=max",
    ...(nodeDir ? [`--nodedir=${nodeDir}`] : []),
    ...variables,
  ];
  const t0 = performance.now();
  const r = run(process.execPath, args, { cwd: dir });
  if (!r.ok) {
    if (!nodeDir && /node_api\.h|download|ENOTFOUND|getaddrinfo/i.test(r.output))
      throw new InstallNativeError(installNativeMessages.noNodeHeaders(process.version));
    throw new InstallNativeError(installNativeMessages.buildFailed(lastLines(r.output, 15)));
  }
  return (performance.now() - t0) / 1000;
}

/** node-gyp rebuild of tfjs-node's binding.gyp, with the variables node-pre-gyp would pass. */
export function buildAddon(pkgDir: string, python: string, log: (s: string) => void): number {
  const napi = addonNapiVersion(pkgDir);
  const nodeDir = findNodeDir();
  log(`Building the addon with node-gyp (N-API ${napi}${nodeDir ? `, Node's headers from ${nodeDir}` : ""})…`);
  // A build folder left from another TensorFlow would be reused by make; rebuild from scratch.
  rmSync(join(pkgDir, "build"), { recursive: true, force: true });
  return nodeGypRebuild(pkgDir, python, [
    `--napi_build_version=${napi}`,
    `--module_name=${basename(addonPath(pkgDir), ".node")}`,
    `--module_path=${dirname(addonPath(pkgDir))}`,
  ]);
}

/** The helper that silences fd 2 while tfjs-node loads (src/cli/native/quiet_stderr.c), beside the addon. */
export function quietStderrPath(pkgDir: string): string {
  return join(dirname(addonPath(pkgDir)), quietStderrFileName);
}

export function buildQuietStderr(pkgDir: string, python: string): void {
  const work = join(pkgDir, "build-deepdeck");
  rmSync(work, { recursive: true, force: true });
  makeDirs(work);
  const source = join(packageRoot, "src", "cli", "native");
  for (const f of readdirSync(source)) copyFileSync(join(source, f), join(work, f));
  try {
    nodeGypRebuild(work, python, []);
    writeAtomicSync(quietStderrPath(pkgDir), (tmp) => {
      copyFileSync(join(work, "build", "Release", quietStderrFileName), tmp);
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Check pip's TensorFlow (version, CUDA for --gpu, library files, headers, the C functions tfjs-node calls). */
export function checkPipTensorFlow(found: PythonTensorFlow, bindingDir: string, gpu: boolean): void {
  const dir = found.dir!;
  const version = found.version!;
  if (!versionAtLeast(version, 2, 9)) throw new InstallNativeError(installNativeMessages.tooOld(version, dir));
  if (gpu && !found.cuda)
    throw new InstallNativeError(installNativeMessages.notCuda(found.distribution ?? "tensorflow", version, dir));
  const libs = pipLibraries(dir);
  for (const f of [libs.main, libs.framework])
    if (!existsSync(f)) throw new InstallNativeError(installNativeMessages.noLibrary(basename(f), dir));
  if (!existsSync(join(libs.include, "tensorflow", "c", "c_api.h")))
    throw new InstallNativeError(installNativeMessages.noHeaders(dir));
  const missing = missingSymbols([libs.main, libs.framework], requiredSymbols(bindingDir, libs.include));
  if (missing.length > 0) throw new InstallNativeError(installNativeMessages.missingSymbols(libs.main, missing));
}

export function installNative(
  opts: InstallNativeOptions,
  log: (s: string) => void = (s) => {
    console.log(s);
  },
  root: string = projectRoot(),
): InstallNativeResult {
  const pkg: NativePackage = opts.gpu ? "@tensorflow/tfjs-node-gpu" : "@tensorflow/tfjs-node";
  const version = tfjsVersion(root);
  let pkgDir = nativePackageDir(pkg, root);
  if (pkgDir && packageVersion(pkgDir) !== version) pkgDir = null;
  if (!pkgDir) {
    npmInstall(root, pkg, version, log);
    // npm removes links it did not make, among them this project's own node_modules/deepdeck.
    if (root === projectRoot()) linkSelf();
    pkgDir = nativePackageDir(pkg, root);
    if (!pkgDir) throw new InstallNativeError(installNativeMessages.npmFailed(pkg, "it is still not resolvable"));
  }
  const addon = addonPath(pkgDir);
  const provenance = readProvenance(pkgDir);

  // Idempotent: an addon that loads, built from the TensorFlow that would be used now, stays.
  let found: PythonTensorFlow | null = null;
  if (opts.from !== "download" && (opts.python !== undefined || provenance?.source === "pip")) {
    found = probePython(opts.python ?? provenance?.python, opts.gpu);
  }
  if (!opts.force && existsSync(addon)) {
    const matches =
      !found ||
      (provenance?.source === "pip" && provenance.from === found.dir && provenance.tensorflow === found.version);
    if (matches) {
      const check = checkAddon(root, pkg);
      if (check.loads && !existsSync(quietStderrPath(pkgDir)) && process.platform !== "win32")
        buildQuietStderr(pkgDir, found?.python ?? opts.python ?? "python3");
      if (check.loads)
        return {
          pkg,
          addon,
          changed: false,
          provenance,
          tensorflow: check.tensorflow ?? provenance?.tensorflow ?? "?",
        };
    }
  }

  if (opts.from !== "pip" && tryDownload(pkgDir, log)) {
    const check = checkAddon(root, pkg);
    if (check.loads) {
      const p: NativeProvenance = {
        tensorflow: check.tensorflow ?? "?",
        source: "download",
        cuda: opts.gpu,
        package: pkg,
        packageVersion: version,
        builtAt: new Date().toISOString(),
      };
      writeFileAtomic(join(dirname(addon), provenanceFileName), JSON.stringify(p, null, 2) + "\n");
      if (process.platform !== "win32") buildQuietStderr(pkgDir, opts.python ?? "python3");
      return { pkg, addon, changed: true, provenance: p, tensorflow: p.tensorflow };
    }
    log(`  the downloaded addon does not load (${check.error ?? "?"}).`);
  }
  if (opts.from === "download")
    throw new InstallNativeError(
      "tfjs-node's download of libtensorflow did not work; run `npx deepdeck install-native --from pip` to use pip's TensorFlow instead.",
    );

  if (process.platform !== "linux") throw new InstallNativeError(installNativeMessages.notLinux(process.platform));
  found ??= probePython(opts.python, opts.gpu);
  log(`Using ${found.distribution ?? "tensorflow"} ${found.version} from ${found.dir} (${found.python}).`);
  checkPipTensorFlow(found, join(pkgDir, "binding"), opts.gpu);
  const how = stageDeps(pkgDir, found.dir!, opts.gpu ? found.cudaLibDirs : []);
  log(`  placed its C library in ${join(pkgDir, "deps")} (${how}s).`);
  const buildSeconds = buildAddon(pkgDir, found.python, log);
  buildQuietStderr(pkgDir, found.python);
  const check = checkAddon(root, pkg);
  if (!check.loads) throw new InstallNativeError(installNativeMessages.doesNotLoad(check.error ?? "?"));
  const p: NativeProvenance = {
    tensorflow: found.version!,
    source: "pip",
    ...(found.distribution ? { distribution: found.distribution } : {}),
    from: found.dir!,
    python: found.python,
    cuda: found.cuda,
    package: pkg,
    packageVersion: version,
    builtAt: new Date().toISOString(),
  };
  writeFileAtomic(join(dirname(addon), provenanceFileName), JSON.stringify(p, null, 2) + "\n");
  return { pkg, addon, changed: true, provenance: p, tensorflow: check.tensorflow ?? p.tensorflow, buildSeconds };
}
