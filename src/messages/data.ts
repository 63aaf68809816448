import { describe, shapeText } from "./describe";

const hex = (b: number) => b.toString(16).padStart(2, "0");

/** A dataset that is neither on disk nor downloadable, with where to put its files. */
const datasetMissing = (title: string, files: readonly string[], cache: string, dirs: readonly string[], why: string) =>
  [
    `${title} is not on this machine and could not be downloaded (${why}).`,
    `Put these files (gzip-compressed or raw) in ${cache}:`,
    files.map((f) => `  ${f}`).join("\n"),
    `or pass { dir } / set DEEPDECK_DATA_DIR to a folder that has them. Folders searched:`,
    ...dirs.map((d) => `  ${d}`),
  ].join("\n");

/** Messages of the data wing: dataset files (IDX, .npy, .npz), downloads, labels, batches, augmentation. */
export const data = {
  // Dataset files.
  datasetNotImages: (file: string, [h, w]: readonly [number, number], shape: readonly number[]) =>
    `${file} should hold images [n, ${h}, ${w}], but holds ${shapeText(shape)}.`,
  datasetNotBytes: (file: string) => `${file} should hold unsigned bytes (IDX type 0x08 / numpy uint8).`,
  datasetNotLabels: (file: string, shape: readonly number[]) =>
    `${file} should hold labels [n], but holds ${shapeText(shape)}.`,
  datasetCountMismatch: (imagesFile: string, images: number, labelsFile: string, labels: number | undefined) =>
    `${imagesFile} has ${images} images but ${labelsFile} has ${labels} labels; the files do not belong together.`,
  /** A Keras .npz without one of its four arrays (`name` without .npy). */
  npzLacks: (file: string, name: string) =>
    `${file} lacks ${name}.npy (a Keras mnist.npz has x_train, y_train, x_test, y_test).`,
  npzCountMismatch: (file: string, x: string, images: number, y: string, labels: number | undefined) =>
    `${file}: ${x} has ${images} images but ${y} has ${labels} labels.`,
  datasetMissing,
  datasetDirMissing: (fn: string, dir: string) => `${fn}: option dir is ${JSON.stringify(dir)}, which does not exist.`,
  datasetDirIsFile: (fn: string, dir: string) =>
    `${fn}: option dir is ${JSON.stringify(dir)}, which is a file; give the folder that holds the dataset.`,
  datasetNotInDir: (fn: string, dir: string, title: string, files: readonly string[]) =>
    `${fn}: ${dir} (option dir) has no ${title} files; put ${files.join(", ")} (gzip-compressed or raw) in it or in a subfolder named after the dataset, or leave out dir to search the usual places.`,
  datasetDownloadFailed: (
    title: string,
    files: readonly string[],
    cache: string,
    dirs: readonly string[],
    failures: readonly string[],
  ) => `${datasetMissing(title, files, cache, dirs, "download failed")}\n\nDownload errors:\n${failures.join("\n")}`,

  // IDX and gzip.
  notGzip: (file: string, why: string) =>
    `${file} is not a valid gzip file (${why}); delete it and load again, or replace it with a good copy.`,
  idxTooShort: (file: string, length: number) => `${file} is too short to be an IDX file (${length} bytes).`,
  idxBadMagic: (file: string, b0: number, b1: number) =>
    `${file} is not an IDX file: it starts with bytes ${hex(b0)} ${hex(b1)} where IDX files have 00 00 (is it damaged, or another format?).`,
  idxUnknownType: (file: string, code: number, known: readonly number[]) =>
    `${file} has unknown IDX type code ${hex(code)} (known: ${known.map(hex).join(", ")}).`,
  idxHeaderTruncated: (file: string, length: number, headerBytes: number) =>
    `${file} is truncated inside its header (${length} bytes, header needs ${headerBytes}).`,
  /** An IDX file whose length is not what its header says (`expected` bytes, `length` found). */
  idxSizeMismatch: (file: string, shape: readonly number[], type: string, expected: number, length: number) =>
    `${file} ${length < expected ? "is truncated" : "has extra bytes"}: its header says ${shapeText(shape)} ${type} (${expected} bytes), but it has ${length} bytes.`,

  // .npy and .npz.
  npyNoMagic: (file: string) => `${file} is not a .npy array (no \\x93NUMPY magic).`,
  npyHeaderTruncated: (file: string, length: number, needed: number) =>
    `${file} is truncated inside its .npy header (${length} bytes, the header needs ${needed}); save or download it again.`,
  npyBadHeader: (file: string, header: string) => `${file} has an unreadable .npy header: ${header.trim()}`,
  npyFortranOrder: (file: string) =>
    `${file} is stored in Fortran order, which deepdeck does not read; save it with numpy.ascontiguousarray.`,
  npyDtype: (file: string, descr: string) =>
    `${file} holds dtype ${descr}, which deepdeck does not read (uint8, int32, int64, float32, float64 are read).`,
  npyTruncated: (file: string, shape: readonly number[], needed: number, length: number) =>
    `${file} is truncated: shape ${shapeText(shape)} needs ${needed} bytes of values, it has ${length}.`,
  npzInvalid: (file: string, why: string) => `${file} is not a valid .npz (zip) file: ${why}`,

  // Downloads: each mirror's failure is one line of the error.
  downloadFailed: (failures: readonly string[]) => failures.join("\n"),
  mirrorFailed: (url: string, why: string) => `${url}: ${why}`,
  httpStatus: (status: number) => `HTTP ${status}`,
  downloadSize: (got: number, expected: number) => `got ${got} bytes, expected ${expected}`,
  downloadChecksum: (md5: string, expected: string) => `checksum mismatch: md5 ${md5}, expected ${expected}`,

  // Labels, reshapes, slices and batches.
  labelsShape: (fn: string, shape: readonly number[]) =>
    `${fn}: y must hold one label per sample, shape [n] or [n, 1], received ${shapeText(shape)}.`,
  labelsType: (fn: string, y: unknown) =>
    `${fn}: y must be a tensor or an array of class numbers, received ${describe(y)}.`,
  badLabel: (fn: string, i: number, value: number) =>
    `${fn}: y[${i}] is ${value}; class labels must be whole numbers >= 0.`,
  badNumClasses: (fn: string, numClasses: unknown) =>
    `${fn}: numClasses must be a whole number >= 1, received ${describe(numClasses)}.`,
  labelBeyondNumClasses: (fn: string, label: number, k: number) =>
    `${fn}: y holds class ${label}, which does not fit numClasses = ${k} (classes are 0 to ${k - 1}).`,
  badReshape: (fn: string, shape: unknown) =>
    `${fn}: shape must be an array of whole numbers (one of them may be -1), received ${describe(shape)}.`,
  reshapeTwoInferred: (fn: string, shape: readonly number[]) =>
    `${fn}: only one dimension of shape can be -1, received ${shapeText(shape)}.`,
  /** `known` is the size of `to` when it has no -1. */
  reshapeSize: (fn: string, from: readonly number[], size: number, to: readonly number[], known: number) =>
    `${fn}: cannot reshape ${shapeText(from)} (${size} values) to ${shapeText(to)}${to.includes(-1) ? "" : ` (${known} values)`}.`,
  noSamplesAxis: (fn: string) => `${fn}: x must have a samples axis (rank >= 1), received a scalar.`,
  badSliceStart: (fn: string, n: number, start: unknown) =>
    `${fn}: start must be a whole number in [0, ${n}], received ${describe(start)}.`,
  badSliceEnd: (fn: string, start: number, n: number, end: unknown) =>
    `${fn}: end must be a whole number in [${start}, ${n}], received ${describe(end)}.`,
  badBatchSize: (fn: string, batchSize: unknown) =>
    `${fn}: batchSize must be a whole number >= 1, received ${describe(batchSize)}.`,
  badBatchIndex: (fn: string, batches: number, n: number, batchSize: number, index: unknown) =>
    `${fn}: index must be a whole number in [0, ${batches - 1}] (${n} samples in batches of ${batchSize}), received ${describe(index)}.`,

  // Augmentation.
  augmentNotBatch: (fn: string, shape: readonly number[]) =>
    `${fn}: images must be a batch [n, height, width, channels], received shape ${shapeText(shape)}; add the channel axis with .reshape([-1, 28, 28, 1]).`,
} as const;
