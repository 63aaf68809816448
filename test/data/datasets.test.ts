import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { zipSync } from "fflate";
import { after, afterEach, before, describe, test } from "node:test";
import { clearDatasetMemo, searchPath } from "../../src/data/datasets";
import { encodeIdx, parseIdx } from "../../src/data/idx";
import { requireDebianFashion, sharedDatasets, skipDatasets } from "../support/datasets";
import { dd, tf } from "../support/tf";

const scratch = mkdtempSync(join(tmpdir(), "deepdeck-data-"));
const savedEnv = { ...process.env };
before(async () => {
  await dd.ready();
});
after(() => rmSync(scratch, { recursive: true, force: true }));
afterEach(() => {
  for (const k of ["DEEPDECK_DATA_DIR", "DEEPDECK_CACHE_DIR", "KERAS_HOME"]) {
    if (savedEnv[k] === undefined) Reflect.deleteProperty(process.env, k);
    else process.env[k] = savedEnv[k];
  }
  clearDatasetMemo();
});

function mean(t: tf.Tensor): number {
  const d = t.dataSync();
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i]!;
  return s / d.length;
}

/** An isolated environment: no cache, no Keras cache, so only what a test sets up is found. */
function isolate(name: string): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  process.env["DEEPDECK_CACHE_DIR"] = join(dir, "cache");
  process.env["KERAS_HOME"] = join(dir, "keras");
  delete process.env["DEEPDECK_DATA_DIR"];
  return dir;
}

/** A tiny MNIST-shaped dataset in IDX files (n images, labels 0..n-1 mod 10). */
function writeTinyIdx(dir: string, n: number, options: { gzip?: boolean; labels?: number } = {}): void {
  mkdirSync(dir, { recursive: true });
  const pixels = new Uint8Array(n * 784).map((_, i) => i % 256);
  const labels = new Uint8Array(options.labels ?? n).map((_, i) => i % 10);
  const write = (name: string, bytes: Uint8Array) =>
    writeFileSync(join(dir, options.gzip ? `${name}.gz` : name), options.gzip ? gzipSync(bytes) : bytes);
  for (const prefix of ["train", "t10k"]) {
    write(`${prefix}-images-idx3-ubyte`, encodeIdx([n, 28, 28], pixels));
    write(`${prefix}-labels-idx1-ubyte`, encodeIdx([options.labels ?? n], labels));
  }
}

describe("real MNIST", { skip: skipDatasets }, () => {
  test("shapes, dtypes, first labels and pixel statistics match Keras's dataset_mnist()", async () => {
    isolate("real");
    const before = tf.memory().numTensors;
    const mnist = await dd.datasets.mnist({ dir: await sharedDatasets() });
    assert.equal(tf.memory().numTensors, before + 4, "four tensors, nothing else");
    assert.deepEqual(
      [mnist.train.x.shape, mnist.train.x.dtype, mnist.train.y.shape, mnist.train.y.dtype],
      [[60000, 28, 28], "int32", [60000], "int32"],
    );
    assert.deepEqual([mnist.test.x.shape, mnist.test.y.shape], [[10000, 28, 28], [10000]]);
    assert.deepEqual(Array.from(mnist.train.y.slice(0, 10).dataSync()), [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    assert.deepEqual(Array.from(mnist.test.y.slice(0, 10).dataSync()), [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    assert.ok(Math.abs(mean(mnist.train.x) - 33.3184) < 1e-3, `train mean ${mean(mnist.train.x)}`);
    assert.ok(Math.abs(mean(mnist.test.x) - 33.7912) < 1e-3);
    assert.equal(dd.str(mnist.train.y), "int32 [60000] 5 0 4 1 9 2 1 3 1 4 ...");
    tf.dispose(mnist as never);
  });
  test("DEEPDECK_DATA_DIR is searched, and limit keeps the first samples", async () => {
    isolate("env");
    process.env["DEEPDECK_DATA_DIR"] = await sharedDatasets();
    const small = await dd.datasets.mnist({ limit: 600 });
    assert.deepEqual([small.train.x.shape[0], small.test.x.shape[0]], [600, 100]);
    assert.deepEqual(Array.from(small.train.y.slice(0, 3).dataSync()), [5, 0, 4]);
    tf.dispose(small as never);
  });
});

describe("real Fashion-MNIST (Debian's dataset-fashion-mnist)", { skip: skipDatasets }, () => {
  test("is found in /usr/share/datasets and has Keras's shapes and first labels", async () => {
    requireDebianFashion();
    isolate("fashion");
    const f = await dd.datasets.fashionMnist();
    assert.deepEqual(
      [f.train.x.shape, f.test.x.shape],
      [
        [60000, 28, 28],
        [10000, 28, 28],
      ],
    );
    assert.deepEqual(Array.from(f.train.y.slice(0, 10).dataSync()), [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
    assert.equal(dd.datasets.fashionMnistClasses[9], "Ankle boot");
    tf.dispose(f as never);
  });
});

describe("files on disk", () => {
  test("raw and gzip IDX files, official raw names with a dot, and a Keras mnist.npz", async () => {
    const dir = isolate("tiny");
    writeTinyIdx(join(dir, "raw"), 12);
    writeTinyIdx(join(dir, "gz"), 12, { gzip: true });
    for (const variant of ["raw", "gz"]) {
      const d = await dd.datasets.mnist({ dir: join(dir, variant), download: false });
      assert.deepEqual(d.train.x.shape, [12, 28, 28]);
      assert.deepEqual(Array.from(d.train.y.dataSync()), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
      assert.equal(d.train.x.dataSync()[300], 300 % 256);
      tf.dispose(d as never);
      clearDatasetMemo();
    }
    const dotted = join(dir, "dotted");
    writeTinyIdx(dotted, 3);
    for (const f of readdirSync(dotted))
      copyFileSync(join(dotted, f), join(dotted, f.replace(/-(idx\d-ubyte)$/, ".$1")));
    for (const f of readdirSync(dotted)) if (!f.includes(".")) rmSync(join(dotted, f));
    const d3 = await dd.datasets.mnist({ dir: dotted, download: false });
    assert.equal(d3.test.x.shape[0], 3);
    tf.dispose(d3 as never);

    const npy = (shape: number[], bytes: Uint8Array) => {
      let header = `{'descr': '|u1', 'fortran_order': False, 'shape': (${shape.join(", ")}${shape.length === 1 ? "," : ""}), }`;
      header = header.padEnd(Math.ceil((header.length + 11) / 64) * 64 - 11) + "\n";
      const head = new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 255, header.length >> 8]);
      return new Uint8Array([...head, ...new TextEncoder().encode(header), ...bytes]);
    };
    const keras = join(dir, "keras", "datasets");
    mkdirSync(keras, { recursive: true });
    const px = new Uint8Array(5 * 784).fill(7);
    writeFileSync(
      join(keras, "mnist.npz"),
      zipSync({
        "x_train.npy": npy([5, 28, 28], px),
        "y_train.npy": npy([5], new Uint8Array([5, 0, 4, 1, 9])),
        "x_test.npy": npy([5, 28, 28], px),
        "y_test.npy": npy([5], new Uint8Array([7, 2, 1, 0, 4])),
      }),
    );
    const fromKeras = await dd.datasets.mnist({ download: false });
    assert.deepEqual(Array.from(fromKeras.train.y.dataSync()), [5, 0, 4, 1, 9]);
    assert.equal(fromKeras.test.x.dataSync()[0], 7);
    tf.dispose(fromKeras as never);
  });
  test("damaged files get an error naming the file and the fault", async () => {
    const dir = isolate("bad");
    const cases: [string, (d: string) => void, RegExp][] = [
      [
        "truncated",
        (d) =>
          writeFileSync(
            join(d, "train-images-idx3-ubyte"),
            readFileSync(join(d, "train-images-idx3-ubyte")).subarray(0, 1000),
          ),
        /train-images-idx3-ubyte is truncated: its header says \[4, 28, 28\] uint8 \(3152 bytes\), but it has 1000 bytes/,
      ],
      [
        "magic",
        (d) => {
          const b = readFileSync(join(d, "train-labels-idx1-ubyte"));
          b[0] = 0x50;
          writeFileSync(join(d, "train-labels-idx1-ubyte"), b);
        },
        /train-labels-idx1-ubyte is not an IDX file: it starts with bytes 50 00/,
      ],
      [
        "count",
        (d) => writeFileSync(join(d, "t10k-labels-idx1-ubyte"), encodeIdx([3], new Uint8Array(3))),
        /t10k-images-idx3-ubyte has 4 images but .*t10k-labels-idx1-ubyte has 3 labels/,
      ],
      [
        "gzip",
        (d) => {
          rmSync(join(d, "train-images-idx3-ubyte"));
          writeFileSync(join(d, "train-images-idx3-ubyte.gz"), new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3]));
        },
        /train-images-idx3-ubyte.gz is not a valid gzip file/,
      ],
      [
        "shape",
        (d) => writeFileSync(join(d, "train-images-idx3-ubyte"), encodeIdx([4, 28, 27], new Uint8Array(4 * 28 * 27))),
        /should hold images \[n, 28, 28\], but holds \[4, 28, 27\]/,
      ],
    ];
    for (const [name, damage, expected] of cases) {
      const d = join(dir, name);
      writeTinyIdx(d, 4);
      damage(d);
      await assert.rejects(dd.datasets.mnist({ dir: d, download: false }), expected, name);
      clearDatasetMemo();
    }
    const partial = join(dir, "missing");
    writeTinyIdx(partial, 4);
    rmSync(join(partial, "t10k-labels-idx1-ubyte"));
    await assert.rejects(
      dd.datasets.mnist({ dir: partial, download: false }),
      new RegExp(
        `^Error: mnist: ${partial.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&")} \\(option dir\\) has no MNIST files; put train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz`,
      ),
    );
  });
  test("an explicit dir wins or fails: never a silent fallback to DEEPDECK_DATA_DIR or the cache", async () => {
    const dir = isolate("explicit");
    const saved = process.env["DEEPDECK_DATA_DIR"];
    process.env["DEEPDECK_DATA_DIR"] = await sharedDatasets();
    try {
      await assert.rejects(
        dd.datasets.mnist({ dir: "/nonexistent" }),
        /^Error: mnist: option dir is "\/nonexistent", which does not exist\.$/,
      );
      await assert.rejects(
        dd.datasets.mnist({ dir: __filename }),
        /^Error: mnist: option dir is ".*datasets.test.ts", which is a file; give the folder that holds the dataset\.$/,
      );
      await assert.rejects(
        dd.datasets.mnist({ dir: 42 as never }),
        /^TypeError: mnist: option dir must be a folder path, received 42\.$/,
      );
      const empty = join(dir, "empty");
      mkdirSync(empty, { recursive: true });
      await assert.rejects(
        dd.datasets.fashionMnist({ dir: empty }),
        /fashionMnist: .*empty \(option dir\) has no Fashion-MNIST files/,
      );
    } finally {
      if (saved === undefined) delete process.env["DEEPDECK_DATA_DIR"];
      else process.env["DEEPDECK_DATA_DIR"] = saved;
    }
  });
  test("parseIdx reads every IDX element type's header", () => {
    const a = parseIdx(encodeIdx([2, 3], new Uint8Array([1, 2, 3, 4, 5, 6])), "x");
    assert.deepEqual([a.type, a.shape, Array.from(a.data)], ["uint8", [2, 3], [1, 2, 3, 4, 5, 6]]);
    const f = new Uint8Array([0, 0, 0x0d, 1, 0, 0, 0, 1, 0x3f, 0xc0, 0, 0]);
    assert.deepEqual(Array.from(parseIdx(f, "f").data), [1.5]);
    assert.throws(() => parseIdx(new Uint8Array([0, 0, 0x42, 1]), "odd"), /odd has unknown IDX type code 42/);
  });
  test("the search order is: dir, DEEPDECK_DATA_DIR, deepdeck's cache, Keras's cache, Debian's folder", () => {
    const dirs = searchPath(
      "fashion-mnist",
      { dir: "/a" },
      { DEEPDECK_DATA_DIR: "/b", DEEPDECK_CACHE_DIR: "/c", KERAS_HOME: "/k" },
    );
    assert.deepEqual(dirs, [
      "/a/fashion-mnist",
      "/a",
      "/b/fashion-mnist",
      "/b",
      "/c/datasets/fashion-mnist",
      "/k/datasets/fashion-mnist",
      "/usr/share/datasets/fashion-mnist",
    ]);
  });
});

describe("downloading", { skip: skipDatasets }, () => {
  let server: Server;
  let base = "";
  const served: string[] = [];
  let breakFile = "";
  before(async () => {
    const mnistDir = await sharedDatasets();
    server = createServer((req, res) => {
      const name = (req.url ?? "").split("/").pop()!;
      served.push(name);
      if (name === breakFile) {
        // A connection that dies half way through the file.
        const bytes = readFileSync(join(mnistDir, name));
        res.writeHead(200, { "content-length": String(bytes.length) });
        res.write(bytes.subarray(0, 1000));
        setTimeout(() => res.destroy(), 10);
        return;
      }
      try {
        const bytes = readFileSync(join(mnistDir, name));
        res.writeHead(200, { "content-length": String(bytes.length) });
        res.end(bytes);
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}/mnist/`;
  });
  after(() => server.close());

  test("a failed download leaves no partial file and says which files are missing", async () => {
    const dir = isolate("download-fail");
    breakFile = "train-images-idx3-ubyte.gz";
    await assert.rejects(dd.datasets.mnist({ mirrors: [base], quiet: true }), (e: Error) => {
      assert.match(e.message, /MNIST is not on this machine and could not be downloaded \(download failed\)/);
      assert.match(
        e.message,
        /train-images-idx3-ubyte.gz:\n {2}http:\/\/127\.0\.0\.1:\d+\/mnist\/train-images-idx3-ubyte.gz: /,
      );
      return true;
    });
    const cache = join(dir, "cache", "datasets", "mnist");
    assert.deepEqual(
      readdirSync(cache).sort(),
      ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", "train-labels-idx1-ubyte.gz"],
      "only complete, verified files",
    );
  });
  test("downloads from a mirror, verifies checksums, and loads", async () => {
    const dir = isolate("download-ok");
    breakFile = "";
    const d = await dd.datasets.mnist({ mirrors: ["http://127.0.0.1:9/nothing-here/", base], quiet: true });
    assert.deepEqual(Array.from(d.test.y.slice(0, 10).dataSync()), [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    assert.deepEqual(readdirSync(join(dir, "cache", "datasets", "mnist")).sort(), [
      "t10k-images-idx3-ubyte.gz",
      "t10k-labels-idx1-ubyte.gz",
      "train-images-idx3-ubyte.gz",
      "train-labels-idx1-ubyte.gz",
    ]);
    tf.dispose(d as never);
    clearDatasetMemo();
    served.length = 0;
    const again = await dd.datasets.mnist({ mirrors: [base], quiet: true });
    assert.deepEqual(served, [], "the second load reads the cache");
    tf.dispose(again as never);
  });
});

describe("course conveniences", () => {
  test("toCategorical one-hot encodes like Keras", async () => {
    const y = tf.tensor1d([5, 0, 4], "int32");
    const before = tf.memory().numTensors;
    const oneHot = dd.toCategorical(y, 10);
    assert.equal(tf.memory().numTensors, before + 1, "only the result is left");
    assert.deepEqual([oneHot.shape, oneHot.dtype], [[3, 10], "float32"]);
    assert.deepEqual(Array.from(oneHot.dataSync()).slice(0, 10), [0, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
    oneHot.dispose();
    const inferred = dd.toCategorical([0, 2]);
    assert.deepEqual(inferred.shape, [2, 3]);
    inferred.dispose();
    assert.throws(
      () => dd.toCategorical([0, 10], 10),
      /toCategorical: y holds class 10, which does not fit numClasses = 10/,
    );
    assert.throws(
      () => dd.toCategorical([0, 1.5]),
      /toCategorical: y\[1\] is 1.5; class labels must be whole numbers >= 0/,
    );
    assert.throws(
      () => dd.toCategorical(tf.zeros([2, 2])),
      /y must hold one label per sample, shape \[n\] or \[n, 1\], received \[2, 2\]/,
    );
    y.dispose();
  });
  test("arrayReshape is row-major and checks sizes", () => {
    const x = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]);
    const flat = dd.arrayReshape(x, [2, -1]);
    assert.deepEqual(flat.arraySync(), [
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ]);
    assert.throws(
      () => dd.arrayReshape(x, [3, -1]),
      /arrayReshape: cannot reshape \[2, 2, 2\] \(8 values\) to \[3, -1\]/,
    );
    assert.throws(() => dd.arrayReshape(x, [-1, -1]), /only one dimension of shape can be -1/);
    tf.dispose([x, flat]);
  });
  test("sampleSlice and batch take samples along the first axis", () => {
    const x = tf.range(0, 300, 1, "int32").reshape([300, 1]);
    const s = dd.sampleSlice(x, 9, 99);
    assert.deepEqual([s.shape, s.dataSync()[0]], [[90, 1], 9]);
    const b1 = dd.batch(x, 1, 128);
    assert.deepEqual([b1.shape[0], b1.dataSync()[0]], [128, 128]);
    const last = dd.batch(x, 2, 128);
    assert.equal(last.shape[0], 44);
    assert.throws(
      () => dd.batch(x, 3, 128),
      /batch: index must be a whole number in \[0, 2\] \(300 samples in batches of 128\), received 3/,
    );
    assert.throws(
      () => dd.sampleSlice(x, 5, 400),
      /sampleSlice: end must be a whole number in \[5, 300\], received 400/,
    );
    tf.dispose([x, s, b1, last]);
  });
});
