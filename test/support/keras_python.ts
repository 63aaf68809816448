/**
 * The Python with Keras 3 that tests compare deepdeck against: `$DEEPDECK_VENV/bin/python`, else this
 * checkout's `.venv/bin/python` (as `npm start` finds Jupyter). Missing, it fails saying what to install.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

const install =
  "python3 -m venv .venv && .venv/bin/pip install tensorflow-cpu keras h5py (or set DEEPDECK_VENV to a venv that has Keras 3)";

/** The interpreter's path, once checked to import Keras 3. */
export function kerasPython(): string {
  const venv = process.env["DEEPDECK_VENV"] || join(__dirname, "..", "..", ".venv");
  const python = join(
    venv,
    process.platform === "win32" ? "Scripts" : "bin",
    process.platform === "win32" ? "python.exe" : "python",
  );
  if (!existsSync(python)) throw new Error(`This test runs real Keras, and ${python} does not exist: ${install}`);
  // The installed version, without importing Keras (which imports TensorFlow: 5 s, for each test file).
  const probe = spawnSync(python, ["-c", "from importlib.metadata import version; print(version('keras'))"], {
    encoding: "utf8",
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "3" },
  });
  const version = probe.stdout.trim();
  if (probe.status !== 0 || !version.startsWith("3."))
    throw new Error(
      `This test runs real Keras 3, which ${python} cannot import (${version || probe.stderr.trim().split("\n").pop()}): ${install}`,
    );
  return python;
}
