import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { addonPath, nativePackageDir, readProvenance } from "../../src/backend/native";
import { exportedSymbols, isElf } from "../../src/cli/elf";
import {
  InstallNativeError,
  checkAddon,
  checkPipTensorFlow,
  installNative,
  installNativeMessages,
  missingSymbols,
  parseInstallNativeArgs,
  pipLibraries,
  probePython,
  projectRoot,
  requiredSymbols,
  stageDeps,
  type PythonTensorFlow,
} from "../../src/cli/install_native";

const root = projectRoot();
const tmpRoot = join(root, "test", ".tmp");
mkdirSync(tmpRoot, { recursive: true });
const tmp = mkdtempSync(join(tmpRoot, "install-native-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** The Python with pip's tensorflow-cpu these tests read (the one .ci/run sets up). */
const python = process.env["DEEPDECK_PYTHON"] ?? join(root, ".venv", "bin", "python");
const needTf = `these tests read pip's TensorFlow: python3 -m venv .venv && .venv/bin/pip install tensorflow-cpu (or set DEEPDECK_PYTHON)`;

function tensorflow(): PythonTensorFlow {
  assert.ok(existsSync(python), `${python} is missing; ${needTf}`);
  return probePython(python, false);
}

function tfjsNodeDir(): string {
  const dir = nativePackageDir("@tensorflow/tfjs-node", root);
  assert.ok(dir, "@tensorflow/tfjs-node is not installed: run `npx deepdeck install-native`");
  return dir;
}

describe("install-native arguments", () => {
  test("defaults, flags and the Python to use", () => {
    assert.deepEqual(parseInstallNativeArgs([], {}), { gpu: false, from: "auto", force: false });
    assert.deepEqual(parseInstallNativeArgs(["--gpu", "--force"], {}), { gpu: true, from: "auto", force: true });
    // Naming a Python means its TensorFlow: no download attempt.
    assert.deepEqual(parseInstallNativeArgs(["--python", "/x/python"], {}), {
      gpu: false,
      from: "pip",
      force: false,
      python: "/x/python",
    });
    assert.equal(parseInstallNativeArgs([], { DEEPDECK_PYTHON: "/y/python" }).python, "/y/python");
    assert.equal(parseInstallNativeArgs(["--python=/z"], { DEEPDECK_PYTHON: "/y" }).python, "/z");
    assert.equal(parseInstallNativeArgs(["--python", "/z", "--from=auto"], {}).from, "auto");
    assert.equal(parseInstallNativeArgs(["--from", "download"], {}).from, "download");
  });
  test("mistakes are one sentence each", () => {
    assert.throws(() => parseInstallNativeArgs(["--cuda"], {}), {
      message: installNativeMessages.badArgument("--cuda"),
    });
    assert.throws(() => parseInstallNativeArgs(["--python"], {}), {
      message: "install-native: --python needs the path of a Python.",
    });
    assert.throws(() => parseInstallNativeArgs(["--from", "conda"], {}), {
      message: 'install-native: --from must be auto, download or pip, received "conda".',
    });
    assert.ok(new InstallNativeError("x") instanceof Error);
  });
});

describe("reading a shared library's exported symbols", () => {
  test("Node's own binary exports N-API; a text file is not ELF", () => {
    assert.ok(isElf(process.execPath));
    const names = exportedSymbols(process.execPath);
    assert.ok(names.has("napi_create_function"), "node exports napi_create_function");
    const text = join(tmp, "not-elf.so");
    writeFileSync(text, "hello");
    assert.equal(isElf(text), false);
    assert.throws(() => exportedSymbols(text), /is not an ELF file/);
  });
  test("the C functions tfjs-node's binding calls, and pip's libtensorflow exports all of them", () => {
    const tf = tensorflow();
    const libs = pipLibraries(tf.dir!);
    const required = requiredSymbols(join(tfjsNodeDir(), "binding"), libs.include);
    assert.equal(required.length, 55, `55 functions, got ${required.join(" ")}`);
    for (const name of ["TFE_Execute", "TFE_NewContext", "TF_Version", "TF_LoadSessionFromSavedModel"])
      assert.ok(required.includes(name), name);
    // The binding's own classes and the headers' inline string helpers are not library exports.
    for (const name of ["TF_AutoStatus", "TFE_AutoOp", "TF_TString_Init"]) assert.ok(!required.includes(name), name);
    assert.deepEqual(missingSymbols([libs.main, libs.framework], required), []);
    // The framework library alone lacks the eager API: the check names what is missing.
    const missing = missingSymbols([libs.framework], required);
    assert.ok(missing.includes("TFE_Execute"));
    assert.match(
      installNativeMessages.missingSymbols(libs.framework, missing),
      /does not export \d+ C functions tfjs-node calls \(TF.*, …\); install a TensorFlow 2 wheel from pip \(tensorflow-cpu\)\.$/,
    );
  });
});

describe("finding pip's TensorFlow", () => {
  test("through Python, without importing it", () => {
    const tf = tensorflow();
    assert.match(tf.dir!, /site-packages[/\\]tensorflow$/);
    assert.equal(tf.distribution, "tensorflow-cpu");
    assert.match(tf.version!, /^2\.\d+\.\d+/);
    assert.equal(tf.cuda, false);
    assert.equal(tf.pip, true);
  });
  test("a missing Python, a Python without pip, and one without TensorFlow each say what to install", () => {
    assert.throws(() => probePython(join(tmp, "no-such-python"), false), {
      message: installNativeMessages.noPython(join(tmp, "no-such-python")),
    });
    const bare = join(tmp, "venv-without-pip");
    assert.equal(spawnSync(python, ["-m", "venv", "--without-pip", bare]).status, 0);
    const barePython = join(bare, "bin", "python");
    assert.throws(() => probePython(barePython, false), {
      message: `${barePython} has no pip: install it (Debian/Ubuntu: sudo apt-get install python3-pip; elsewhere: ${barePython} -m ensurepip).`,
    });
    // A Python with pip but no TensorFlow: the venv above, with pip's own package folder visible.
    const pipDir = spawnSync(python, ["-c", "import pip, os; print(os.path.dirname(os.path.dirname(pip.__file__)))"], {
      encoding: "utf8",
    }).stdout.trim();
    const onlyPip = join(tmp, "only-pip");
    mkdirSync(onlyPip);
    const { symlinkSync } = require("node:fs") as typeof import("node:fs");
    symlinkSync(join(pipDir, "pip"), join(onlyPip, "pip"));
    const saved = process.env["PYTHONPATH"];
    process.env["PYTHONPATH"] = onlyPip;
    try {
      assert.throws(() => probePython(barePython, false), {
        message: `TensorFlow is not installed for ${barePython}: run \`${barePython} -m pip install tensorflow-cpu\`, or name a Python that has it with --python PATH.`,
      });
      assert.throws(() => probePython(barePython, true), /pip install 'tensorflow\[and-cuda\]'/);
    } finally {
      if (saved === undefined) delete process.env["PYTHONPATH"];
      else process.env["PYTHONPATH"] = saved;
    }
  });
  test("--gpu: a CPU build is refused; a CUDA build's NVIDIA libraries are found and placed beside it", () => {
    const tf = tensorflow();
    assert.throws(() => checkPipTensorFlow(tf, join(tfjsNodeDir(), "binding"), true), {
      message: installNativeMessages.notCuda("tensorflow-cpu", tf.version!, tf.dir!),
    });
    // No GPU here: a stand-in site-packages with a CUDA build's markers (build_info, nvidia/*/lib).
    const site = join(tmp, "cuda-site");
    const tfDir = join(site, "tensorflow");
    mkdirSync(join(tfDir, "python", "platform"), { recursive: true });
    mkdirSync(join(tfDir, "include"), { recursive: true });
    writeFileSync(join(tfDir, "__init__.py"), "raise ImportError('not to be imported')\n");
    writeFileSync(
      join(tfDir, "python", "platform", "build_info.py"),
      "build_info = collections.OrderedDict([('cuda_version', '12.5.1'), ('is_cuda_build', True)])\n",
    );
    writeFileSync(join(tfDir, "libtensorflow_cc.so.2"), "");
    writeFileSync(join(tfDir, "libtensorflow_framework.so.2"), "");
    const distInfo = join(site, "tensorflow-2.21.0.dist-info");
    mkdirSync(distInfo);
    writeFileSync(join(distInfo, "METADATA"), "Metadata-Version: 2.1\nName: tensorflow\nVersion: 2.21.0\n");
    writeFileSync(join(distInfo, "top_level.txt"), "tensorflow\n");
    writeFileSync(join(distInfo, "RECORD"), "tensorflow/__init__.py,,\n");
    mkdirSync(join(site, "nvidia", "cudnn", "lib"), { recursive: true });
    writeFileSync(join(site, "nvidia", "cudnn", "lib", "libcudnn.so.9"), "");
    const saved = process.env["PYTHONPATH"];
    process.env["PYTHONPATH"] = site;
    let found: PythonTensorFlow;
    try {
      found = probePython(python, true);
    } finally {
      if (saved === undefined) delete process.env["PYTHONPATH"];
      else process.env["PYTHONPATH"] = saved;
    }
    assert.equal(found.dir, tfDir);
    assert.equal(found.distribution, "tensorflow");
    assert.equal(found.version, "2.21.0");
    assert.equal(found.cuda, true);
    assert.deepEqual(found.cudaLibDirs, [join(site, "nvidia", "cudnn", "lib")]);
    const pkg = join(tmp, "fake-tfjs-node-gpu");
    mkdirSync(pkg);
    stageDeps(pkg, tfDir, found.cudaLibDirs);
    const lib = join(pkg, "deps", "lib");
    assert.deepEqual(readdirSync(lib).sort(), [
      "libcudnn.so.9",
      "libtensorflow.so",
      "libtensorflow_cc.so.2",
      "libtensorflow_framework.so",
      "libtensorflow_framework.so.2",
    ]);
    assert.equal(readlinkSync(join(lib, "libcudnn.so.9")), join(site, "nvidia", "cudnn", "lib", "libcudnn.so.9"));
  });
});

describe("placing the library and building", () => {
  test("deps/ holds the library under the names binding.gyp and the loader ask for", () => {
    const tf = tensorflow();
    const pkg = join(tmp, "fake-tfjs-node");
    mkdirSync(pkg);
    for (let round = 0; round < 2; round++) {
      const how = stageDeps(pkg, tf.dir!);
      const lib = join(pkg, "deps", "lib");
      assert.equal(readlinkSync(join(lib, "libtensorflow.so")), "libtensorflow_cc.so.2");
      assert.equal(readlinkSync(join(lib, "libtensorflow_framework.so")), "libtensorflow_framework.so.2");
      assert.equal(statSync(join(lib, "libtensorflow_cc.so.2")).size, statSync(pipLibraries(tf.dir!).main).size);
      assert.ok(lstatSync(join(pkg, "deps", "include")).isSymbolicLink());
      assert.ok(existsSync(join(pkg, "deps", "include", "tensorflow", "c", "c_api.h")));
      assert.match(how, /^(hard link|symlink)$/);
    }
    assert.deepEqual(
      readdirSync(pkg).filter((f) => f.startsWith(".")),
      [],
      "no temporary folders left behind",
    );
  });
  test("a second run changes nothing and reports the TensorFlow the addon runs", () => {
    const dir = tfjsNodeDir();
    assert.ok(existsSync(addonPath(dir)), "the addon is not built: run `npx deepdeck install-native`");
    const before = statSync(addonPath(dir)).mtimeMs;
    const lines: string[] = [];
    const r = installNative({ gpu: false, from: "pip", force: false, python }, (s) => lines.push(s), root);
    assert.equal(r.changed, false);
    assert.deepEqual(lines, []);
    assert.equal(statSync(addonPath(dir)).mtimeMs, before);
    assert.equal(r.tensorflow, tensorflow().version);
    const p = readProvenance(dir);
    assert.ok(p, "install-native recorded where TensorFlow came from");
    assert.equal(p.source, "pip");
    assert.equal(p.tensorflow, r.tensorflow);
    assert.equal(p.package, "@tensorflow/tfjs-node");
    assert.deepEqual(checkAddon(root, "@tensorflow/tfjs-node"), { loads: true, tensorflow: r.tensorflow });
  });
});
