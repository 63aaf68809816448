/**
 * MNIST and Fashion-MNIST in one call, like Keras's `dataset_mnist()`: found on disk (an explicit
 * folder, DEEPDECK_DATA_DIR, deepdeck's cache, Keras's cache, Debian's package), else downloaded into
 * deepdeck's cache with checksums, and returned as `{ train: { x, y }, test: { x, y } }` int32 tensors.
 */
import * as tf from "@tensorflow/tfjs";
import { existsSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { ready } from "../backend/ready";
import { backendTraits } from "../backend/traits";
import { messages } from "../messages";
import { checkKnownKeys, integer } from "../options";
import { quickLimit, quickMode } from "../quick";
import { downloadFile, type RemoteFile } from "./download";
import { parseIdx, type IdxArray } from "./idx";
import { parseNpz } from "./npy";

/** A dataset split, as Keras returns it: images [n, 28, 28] and labels [n], both int32. */
export interface Split {
  x: tf.Tensor3D;
  y: tf.Tensor1D;
}

export interface Dataset {
  train: Split;
  test: Split;
}

/** Options of {@link mnist} and {@link fashionMnist}. */
export interface DatasetOptions {
  /**
   * A folder that holds the files (or a subfolder named after the dataset). When given, only it is read:
   * a folder that does not exist or lacks the files is an error, never a silent fallback elsewhere.
   */
  dir?: string;
  /** Download the files when no folder has them. Default true. */
  download?: boolean;
  /** Base URLs to download from, tried in order. Default: the dataset's canonical mirrors. */
  mirrors?: string[];
  /** Keep only the first `limit` training and `limit / 6` test samples. Default: all (2,000 in quick mode, DEEPDECK_QUICK=1). */
  limit?: number;
  /** No progress output while downloading. Default false. */
  quiet?: boolean;
}

const optionNames = ["dir", "download", "mirrors", "limit", "quiet"] as const;

type Part = "trainImages" | "trainLabels" | "testImages" | "testLabels";

/** Everything deepdeck knows of a dataset: adding one means adding one entry to {@link specs}. */
interface DatasetSpec {
  /** The folder name on disk (deepdeck's cache, DEEPDECK_DATA_DIR, /usr/share/datasets). */
  name: string;
  /** The function that loads it, for error messages. */
  fn: string;
  title: string;
  /** The shape of one image, [height, width]. */
  imageShape: readonly [number, number];
  files: Record<Part, RemoteFile>;
  mirrors: string[];
  /** Where Keras keeps it under ~/.keras/datasets ("" for the folder itself), and as which .npz. */
  keras: { dir: string; npz?: string };
}

const specs = {
  mnist: {
    name: "mnist",
    fn: "mnist",
    title: "MNIST",
    imageShape: [28, 28],
    files: {
      trainImages: { name: "train-images-idx3-ubyte.gz", bytes: 9912422, md5: "f68b3c2dcbeaaa9fbdd348bbdeb94873" },
      trainLabels: { name: "train-labels-idx1-ubyte.gz", bytes: 28881, md5: "d53e105ee54ea40749a09fcbcd1e9432" },
      testImages: { name: "t10k-images-idx3-ubyte.gz", bytes: 1648877, md5: "9fb629c4189551a2d022fa330f9573f3" },
      testLabels: { name: "t10k-labels-idx1-ubyte.gz", bytes: 4542, md5: "ec29112dd5afa0611ce80d1b7f02629c" },
    },
    mirrors: ["https://storage.googleapis.com/cvdf-datasets/mnist/", "https://ossci-datasets.s3.amazonaws.com/mnist/"],
    keras: { dir: "", npz: "mnist.npz" },
  },
  "fashion-mnist": {
    name: "fashion-mnist",
    fn: "fashionMnist",
    title: "Fashion-MNIST",
    imageShape: [28, 28],
    files: {
      trainImages: { name: "train-images-idx3-ubyte.gz", bytes: 26421880, md5: "8d4fb7e6c68d591d4c3dfef9ec88bf0d" },
      trainLabels: { name: "train-labels-idx1-ubyte.gz", bytes: 29515, md5: "25c81989df183df01b3e8a0aad5dffbe" },
      testImages: { name: "t10k-images-idx3-ubyte.gz", bytes: 4422102, md5: "bef4ecab320f06d8554ea6380940ec79" },
      testLabels: { name: "t10k-labels-idx1-ubyte.gz", bytes: 5148, md5: "bb300cfdad3c16e7a12a480ee83cd310" },
    },
    mirrors: [
      "https://storage.googleapis.com/tensorflow/tf-keras-datasets/",
      "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    ],
    keras: { dir: "fashion-mnist" },
  },
} as const satisfies Record<string, DatasetSpec>;

/** The datasets deepdeck loads. */
export type DatasetName = keyof typeof specs;

/** Fashion-MNIST's class names, by label. */
export const fashionMnistClasses = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
] as const;

/** deepdeck's cache folder for datasets (XDG_CACHE_HOME, ~/Library/Caches, or %LOCALAPPDATA%). */
export function datasetCacheDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home = homedir(),
): string {
  if (env["DEEPDECK_CACHE_DIR"]) return join(env["DEEPDECK_CACHE_DIR"], "datasets");
  if (platform === "darwin") return join(home, "Library", "Caches", "deepdeck", "datasets");
  if (platform === "win32") return join(env["LOCALAPPDATA"] ?? join(home, "AppData", "Local"), "deepdeck", "datasets");
  return join(env["XDG_CACHE_HOME"] || join(home, ".cache"), "deepdeck", "datasets");
}

/** The names a file may have on disk: gzip or raw, and the official raw names with a dot (train-images.idx3-ubyte). */
function variants(gzName: string): string[] {
  const raw = gzName.replace(/\.gz$/, "");
  return [gzName, raw, raw.replace(/-(idx\d-ubyte)$/, ".$1")];
}

interface Found {
  dir: string;
  kind: "idx" | "npz";
  paths: Partial<Record<Part, string>>;
}

/** Look in one folder: all four IDX files, or a Keras .npz. */
function lookIn(dir: string, spec: DatasetSpec): Found | null {
  if (!existsSync(dir)) return null;
  const paths: Partial<Record<Part, string>> = {};
  for (const [part, file] of Object.entries(spec.files) as [Part, RemoteFile][]) {
    const hit = variants(file.name)
      .map((n) => join(dir, n))
      .find((p) => existsSync(p));
    if (hit) paths[part] = hit;
  }
  if (Object.keys(paths).length === 4) return { dir, kind: "idx", paths };
  if (spec.keras.npz && existsSync(join(dir, spec.keras.npz))) return { dir, kind: "npz", paths: {} };
  return null;
}

/** The folders searched, in order, with why each is there. */
export function searchPath(
  name: DatasetName,
  options: Pick<DatasetOptions, "dir"> = {},
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  const dirs: string[] = [];
  if (options.dir) dirs.push(join(options.dir, name), options.dir);
  if (env["DEEPDECK_DATA_DIR"]) dirs.push(join(env["DEEPDECK_DATA_DIR"], name), env["DEEPDECK_DATA_DIR"]);
  dirs.push(join(datasetCacheDir(env), name));
  const keras = join(env["KERAS_HOME"] ?? join(homedir(), ".keras"), "datasets");
  dirs.push(join(keras, specs[name].keras.dir));
  dirs.push(join("/usr/share/datasets", name));
  return dirs;
}

/** The folders an explicit `dir` means (itself, or its subfolder named after the dataset); it must exist. */
function explicitDirs(spec: DatasetSpec, dir: unknown): string[] {
  if (typeof dir !== "string" || dir === "")
    throw new TypeError(messages.badOption(spec.fn, "dir", dir, "a folder path"));
  if (!existsSync(dir)) throw new Error(messages.datasetDirMissing(spec.fn, dir));
  if (!statSync(dir).isDirectory()) throw new Error(messages.datasetDirIsFile(spec.fn, dir));
  return [join(dir, spec.name), dir];
}

interface RawSplit {
  x: Uint8Array;
  y: Uint8Array;
  n: number;
}

function checkImages(a: { shape: number[] }, file: string, [h, w]: DatasetSpec["imageShape"]): number {
  if (a.shape.length !== 3 || a.shape[1] !== h || a.shape[2] !== w)
    throw new Error(messages.datasetNotImages(file, [h, w], a.shape));
  return a.shape[0]!;
}

function asBytes(a: IdxArray | { data: ArrayLike<number> }, file: string): Uint8Array {
  if (a.data instanceof Uint8Array) return a.data;
  throw new Error(messages.datasetNotBytes(file));
}

function readSplit(imagesFile: string, labelsFile: string, spec: DatasetSpec): RawSplit {
  const images = parseIdx(readFileSync(imagesFile), imagesFile);
  const labels = parseIdx(readFileSync(labelsFile), labelsFile);
  const n = checkImages(images, imagesFile, spec.imageShape);
  if (labels.shape.length !== 1) throw new Error(messages.datasetNotLabels(labelsFile, labels.shape));
  if (labels.shape[0] !== n) throw new Error(messages.datasetCountMismatch(imagesFile, n, labelsFile, labels.shape[0]));
  return { x: asBytes(images, imagesFile), y: asBytes(labels, labelsFile), n };
}

function readNpz(file: string, spec: DatasetSpec): { train: RawSplit; test: RawSplit } {
  const arrays = parseNpz(readFileSync(file), file);
  const split = (x: string, y: string): RawSplit => {
    const xs = arrays[x];
    const ys = arrays[y];
    if (!xs || !ys) throw new Error(messages.npzLacks(file, !xs ? x : y));
    const n = checkImages(xs, `${file}:${x}`, spec.imageShape);
    if (ys.shape[0] !== n) throw new Error(messages.npzCountMismatch(file, x, n, y, ys.shape[0]));
    const yBytes = ys.data instanceof Uint8Array ? ys.data : Uint8Array.from(ys.data as ArrayLike<number>);
    return { x: asBytes(xs, `${file}:${x}`), y: yBytes, n };
  };
  return { train: split("x_train", "y_train"), test: split("x_test", "y_test") };
}

const memo = new Map<string, { train: RawSplit; test: RawSplit }>();

async function locate(name: DatasetName, options: DatasetOptions): Promise<{ train: RawSplit; test: RawSplit }> {
  const spec: DatasetSpec = specs[name];
  const dirs = options.dir === undefined ? searchPath(name, options) : explicitDirs(spec, options.dir);
  for (const dir of dirs) {
    const found = lookIn(dir, spec);
    if (!found) continue;
    const key = `${found.kind}:${found.dir}`;
    const cached = memo.get(key);
    if (cached) return cached;
    const p = found.paths;
    const data =
      found.kind === "npz"
        ? readNpz(join(found.dir, spec.keras.npz!), spec)
        : {
            train: readSplit(p.trainImages!, p.trainLabels!, spec),
            test: readSplit(p.testImages!, p.testLabels!, spec),
          };
    memo.set(key, data);
    return data;
  }
  if (options.dir !== undefined)
    throw new Error(
      messages.datasetNotInDir(
        spec.fn,
        options.dir,
        spec.title,
        Object.values(spec.files).map((f) => f.name),
      ),
    );
  if (options.download === false)
    throw new Error(
      messages.datasetMissing(
        spec.title,
        Object.values(spec.files).map((f) => f.name),
        join(datasetCacheDir(), name),
        dirs,
        "download: false",
      ),
    );
  await downloadDataset(name, options);
  return locate(name, { ...options, download: false });
}

/**
 * Download a dataset's files that deepdeck's cache lacks (checking each file's size and MD5), and return
 * the cache folder that then holds them all, as the canonical gzip files.
 */
export async function downloadDataset(
  name: DatasetName,
  options: Pick<DatasetOptions, "mirrors" | "quiet"> = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const spec: DatasetSpec = specs[name];
  const cache = join(datasetCacheDir(env), name);
  const mirrors = options.mirrors ?? spec.mirrors;
  const failures: string[] = [];
  for (const file of Object.values(spec.files)) {
    const target = join(cache, file.name);
    if (existsSync(target)) continue;
    try {
      await downloadFile(file, mirrors, target, { quiet: options.quiet ?? false });
    } catch (e) {
      failures.push(`${file.name}:\n${(e as Error).message.replace(/^/gm, "  ")}`);
    }
  }
  if (failures.length > 0)
    throw new Error(
      messages.datasetDownloadFailed(
        spec.title,
        Object.values(spec.files).map((f) => f.name),
        cache,
        searchPath(name, {}, env),
        failures,
      ),
    );
  return cache;
}

/** The canonical file names of a dataset (the gzip files its mirrors serve). */
export function datasetFileNames(name: DatasetName): string[] {
  const spec: DatasetSpec = specs[name];
  return Object.values(spec.files).map((f) => f.name);
}

/**
 * An int32 tensor of bytes (tfjs has no uint8). Where the backend has its own heap (wasm) the bytes are
 * widened straight into it: MNIST's 188 MB of int32 pixels are written once instead of twice.
 */
export function int32FromBytes(bytes: Uint8Array, shape: number[]): tf.Tensor {
  const heap = backendTraits().heap;
  if (heap) {
    const { info, values } = heap.int32(shape);
    values.set(bytes);
    return tf.engine().makeTensorFromTensorInfo(info);
  }
  const values = new Int32Array(bytes.length);
  values.set(bytes);
  return tf.tensor(values, shape, "int32");
}

/** Int32 tensors of a split, the first `limit` samples. */
function toTensors(raw: RawSplit, limit: number | undefined, [h, w]: DatasetSpec["imageShape"]): Split {
  const n = Math.min(raw.n, limit ?? raw.n);
  const x = int32FromBytes(raw.x.subarray(0, n * h * w), [n, h, w]) as tf.Tensor3D;
  try {
    return { x, y: int32FromBytes(raw.y.subarray(0, n), [n]) as tf.Tensor1D };
  } catch (e) {
    x.dispose();
    throw e;
  }
}

async function load(name: DatasetName, options: DatasetOptions): Promise<Dataset> {
  const { fn, imageShape } = specs[name];
  checkKnownKeys(fn, options, optionNames);
  const limit =
    options.limit === undefined ? (quickMode() ? quickLimit : undefined) : integer(fn, "limit", options.limit, 1);
  await ready();
  const raw = await locate(name, options);
  const made: tf.Tensor[] = [];
  const keep = (split: Split): Split => (made.push(split.x, split.y), split);
  try {
    return {
      train: keep(toTensors(raw.train, limit, imageShape)),
      test: keep(toTensors(raw.test, limit === undefined ? undefined : Math.max(1, Math.ceil(limit / 6)), imageShape)),
    };
  } catch (e) {
    // Out of memory on the second split must not strand the first one's 188 MB.
    tf.dispose(made);
    throw e;
  }
}

/**
 * MNIST's 60,000 training and 10,000 test digits, as R keras's `dataset_mnist()`.
 *
 * @example
 * const mnist = await dd.datasets.mnist();
 * dd.str(mnist)   // train: x int32 [60000, 28, 28], y int32 [60000] 5 0 4 1 9 2 1 3 1 4 ...
 */
export function mnist(options: DatasetOptions = {}): Promise<Dataset> {
  return load("mnist", options);
}

/** Fashion-MNIST, with the same shapes as MNIST; class names in {@link fashionMnistClasses}. */
export function fashionMnist(options: DatasetOptions = {}): Promise<Dataset> {
  return load("fashion-mnist", options);
}

/** Forget datasets read in this process (the next call reads the files again). */
export function clearDatasetMemo(): void {
  memo.clear();
}
