/**
 * Where the tests find real MNIST: DEEPDECK_DATA_DIR (the package's own variable) when set, else
 * ../shared/datasets beside the repository when it exists (CI's shared copy), else the package's own
 * lookup: deepdeck's cache, downloaded there with checksums when missing (so a fresh clone with
 * internet passes). A test that needs them fails saying so, unless DEEPDECK_SKIP_DATASETS=1.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { datasetFileNames, downloadDataset, searchPath } from "../../src/data/datasets";

export const skipDatasets = process.env["DEEPDECK_SKIP_DATASETS"] === "1" ? "DEEPDECK_SKIP_DATASETS=1" : false;

// Read once at load: dataset tests change these variables to isolate their own lookups.
const env = { ...process.env };
const shared = resolve(dirname(__filename), "..", "..", "..", "shared", "datasets");

function withMnist(dir: string): string | null {
  for (const d of [join(dir, "mnist"), dir])
    if (datasetFileNames("mnist").every((f) => existsSync(join(d, f)))) return d;
  return null;
}

let found: Promise<string> | null = null;

/** A folder holding MNIST's four gzip files (pass it as `{ dir }` or DEEPDECK_DATA_DIR). */
export function sharedDatasets(): Promise<string> {
  found ??= (async () => {
    const configured = env["DEEPDECK_DATA_DIR"];
    if (configured) {
      const dir = withMnist(configured);
      if (!dir)
        throw new Error(
          `DEEPDECK_DATA_DIR=${configured} has no MNIST files (${datasetFileNames("mnist").join(", ")}, in it or in mnist/); unset it to let the tests download them, or DEEPDECK_SKIP_DATASETS=1 to skip these tests.`,
        );
      return dir;
    }
    for (const dir of [shared, ...searchPath("mnist", {}, env)]) {
      const hit = withMnist(dir);
      if (hit) return hit;
    }
    try {
      return await downloadDataset("mnist", { quiet: true }, env);
    } catch (e) {
      throw new Error(
        `${(e as Error).message}\n\nThe tests need MNIST: connect to the internet, or set DEEPDECK_DATA_DIR to a folder holding it (or DEEPDECK_SKIP_DATASETS=1 to skip these tests).`,
      );
    }
  })();
  return found;
}

/** Debian's dataset-fashion-mnist package. */
export const debianFashion = "/usr/share/datasets/fashion-mnist";
export function requireDebianFashion(): string {
  if (!existsSync(join(debianFashion, "train-images-idx3-ubyte.gz"))) {
    throw new Error(
      `Fashion-MNIST is not in ${debianFashion}: sudo apt-get install dataset-fashion-mnist (or DEEPDECK_SKIP_DATASETS=1 to skip these tests).`,
    );
  }
  return debianFashion;
}
