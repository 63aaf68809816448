/**
 * Where the tests find real datasets: DEEPDECK_DATASETS, else ../shared/datasets beside the repository.
 * A test that needs them fails saying so, unless DEEPDECK_SKIP_DATASETS=1.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

export const skipDatasets = process.env["DEEPDECK_SKIP_DATASETS"] === "1" ? "DEEPDECK_SKIP_DATASETS=1" : false;

export function sharedDatasets(): string {
  const dir = process.env["DEEPDECK_DATASETS"] ?? resolve(dirname(__filename), "..", "..", "..", "shared", "datasets");
  if (!existsSync(join(dir, "mnist", "train-images-idx3-ubyte.gz"))) {
    throw new Error(
      `The MNIST files are not in ${dir}/mnist: set DEEPDECK_DATASETS to the folder holding mnist/ (or DEEPDECK_SKIP_DATASETS=1 to skip these tests).`,
    );
  }
  return dir;
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
