/**
 * The notebooks: generated from the deck (a test fails when the committed ones differ), slides mapped to
 * cells, the full run's results in them, and every notebook executed in quick mode through Jupyter on
 * the deepdeck kernel (DEEPDECK_SKIP_JUPYTER=1 opts out of that part).
 */
import assert from "node:assert/strict";
import { cpSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { installKernelSpec } from "../../src/project/kernelspec.js";
import { packageRoot as root } from "../../src/project/link.js";
import { generateNotebooks, parts, readDeck } from "../../src/deck/notebooks.mjs";
import { cellText, executeNotebook, findPython, type Notebook } from "../../src/executor/execute.js";
import { sharedDatasets, skipDatasets } from "../support/datasets.js";

const skipJupyter = process.env["DEEPDECK_SKIP_JUPYTER"] === "1" ? "DEEPDECK_SKIP_JUPYTER=1" : false;
const committed = (file: string) => readFileSync(join(root, "notebooks", file), "utf8");

describe("the notebooks", () => {
  const { deck, cache } = readDeck();
  test("are what the deck generates (run `npm run notebooks` after changing the deck)", () => {
    for (const [file, text] of generateNotebooks(deck, cache))
      assert.equal(committed(file), text, `notebooks/${file} is out of date`);
  });
  test("map slides to cells: every slide of a part in order, every chunk a code cell, every code cell a chunk", () => {
    const chunkIds = new Set(deck.chunks.map((c) => c.id));
    let covered = 0;
    for (const part of parts) {
      const nb = JSON.parse(committed(part.file)) as Notebook;
      const slides = [
        ...new Set(
          nb.cells.map((c) => (c.metadata["deepdeck"] as { slide?: number }).slide).filter((s) => s !== undefined),
        ),
      ] as number[];
      const first = deck.slides.find((s) => s.properties["name"] === part.from)!.index;
      const last = deck.slides.find((s) => s.properties["name"] === part.to)!.index;
      assert.deepEqual(
        slides,
        Array.from({ length: last - first + 1 }, (_, i) => first + i),
        `${part.file} has slides ${first}-${last} in order`,
      );
      covered += slides.length;
      const code = nb.cells.filter((c) => c.cell_type === "code");
      for (const cell of code)
        assert.ok(
          chunkIds.has((cell.metadata["deepdeck"] as { chunk: string }).chunk),
          "each code cell is a chunk of the deck",
        );
      const expected = deck.chunks.filter((c) => c.slide >= first && c.slide <= last).map((c) => c.id);
      assert.deepEqual(
        code.map((c) => (c.metadata["deepdeck"] as { chunk: string }).chunk),
        expected,
        `${part.file} has the part's chunks in order`,
      );
    }
    assert.equal(covered, deck.slides.length, "the parts cover the whole deck");
    assert.ok(
      deck.chunks.some((c) => !c.options.slides),
      "notebook-only cells exist (slides=false)",
    );
  });
  test("carry the full run's outputs, with the course's results", () => {
    const cells = parts.flatMap((p) => (JSON.parse(committed(p.file)) as Notebook).cells);
    const out = (id: string) => cellText(cells.find((c) => c.id === id)!);
    assert.ok(Number(/accuracy: (\d\.\d+)/.exec(out("evaluate-mlp"))![1]) >= 0.98);
    assert.ok(
      Number(/accuracy: (\d\.\d+)/.exec(out("evaluate-convnet"))![1]) >= 0.989,
      "the convnet (see test/deck.test.mts on its spread)",
    );
    assert.match(out("slide32-1"), /Total params: 235,146 \(918\.54 KB\)/);
    // The "beyond the R deck" cells, run in the full run too.
    assert.match(out("video-tensor"), /shape \[1, 9000, 1080, 1920, 3\]: 55,987,200,000 values/);
    const bundle = (id: string) =>
      (cells.find((c) => c.id === id)!.outputs ?? []).flatMap((o) => Object.keys(o.data ?? {}));
    assert.ok(
      bundle("optimizer-race").includes("application/vnd.vegalite.v5+json"),
      "the optimizer race is a Vega-Lite chart",
    );
    assert.match(out("optimizer-race"), /Adam: 40 steps, ends at/);
    for (const id of ["image-kernels", "augmentation-random", "grad-cam"])
      assert.ok(bundle(id).includes("image/png"), `${id} draws a picture`);
    assert.match(out("grad-cam"), /grid of 12 images 28x28 in 3 columns/);
    assert.match(out("keras-file"), /8 layers, 93322 parameters; largest difference over 100 predictions: [0-9.e-]+/);
    assert.ok(
      Number(/predictions: ([0-9.e-]+)/.exec(out("keras-file"))![1]) < 1e-5,
      "the Keras file predicts as the model does",
    );
    const kinds = new Set(cells.flatMap((c) => (c.outputs ?? []).flatMap((o) => Object.keys(o.data ?? {}))));
    for (const k of ["text/plain", "image/png", "image/svg+xml", "text/html", "application/vnd.vegalite.v5+json"])
      assert.ok(kinds.has(k), `some output is ${k}`);
  });
});

describe("the notebooks in quick mode, through Jupyter", { skip: skipJupyter || skipDatasets }, () => {
  const runDir = join(import.meta.dirname, "..", ".tmp", "notebooks-run");
  const results = new Map<string, ReturnType<typeof executeNotebook>>();
  before(async () => {
    try {
      findPython();
    } catch (e) {
      throw new Error(`${(e as Error).message}\n(Or set DEEPDECK_SKIP_JUPYTER=1.)`);
    }
    rmSync(runDir, { recursive: true, force: true });
    mkdirSync(runDir, { recursive: true });
    const dataDir = join(runDir, ".jupyter");
    installKernelSpec({ dataDir });
    const env = {
      ...process.env,
      JUPYTER_DATA_DIR: dataDir,
      DEEPDECK_QUICK: "1",
      DEEPDECK_DATA_DIR: await sharedDatasets(),
    };
    // In order: notebook 4 loads the convnet notebook 3 saved.
    for (const part of parts) {
      cpSync(join(root, "notebooks", part.file), join(runDir, part.file));
      results.set(part.file, executeNotebook(join(runDir, part.file), { env, timeout: 600 }));
    }
  });
  for (const part of parts) {
    test(`${part.file} runs without errors`, () => {
      const run = results.get(part.file)!;
      assert.equal(run.error, null);
      run.notebook.cells.forEach((c, i) =>
        assert.equal(cellText(c, "stderr"), "", `${part.file} cell ${i} (${c.id}) wrote to stderr`),
      );
    });
  }
  test("the expected kinds of output are there", () => {
    const kinds = (file: string) =>
      new Set(
        results.get(file)!.notebook.cells.flatMap((c) =>
          (c.outputs ?? []).map((o) =>
            o.output_type === "stream"
              ? "text"
              : Object.keys(o.data ?? {})
                  .sort()
                  .join(" "),
          ),
        ),
      );
    assert.ok(kinds("01-tensors-and-data.ipynb").has("text"));
    assert.ok(kinds("01-tensors-and-data.ipynb").has("image/png text/plain"), "the digit");
    assert.ok(
      [...kinds("02-mnist-dense-network.ipynb")].some((k) => k.includes("application/vnd.vegalite.v5+json")),
      "the history chart",
    );
    assert.ok(kinds("02-mnist-dense-network.ipynb").has("text/html text/plain"), "the pixel table");
    assert.ok(
      [...kinds("04-advanced-topics.ipynb")].some((k) => k.startsWith("image/png")),
      "feature maps, filters, Grad-CAM",
    );
    const cell = (file: string, id: string) => results.get(file)!.notebook.cells.find((c) => c.id === id)!;
    for (const [file, id, kind] of [
      ["02-mnist-dense-network.ipynb", "optimizer-race", "application/vnd.vegalite.v5+json"],
      ["03-convnets.ipynb", "image-kernels", "image/png"],
      ["04-advanced-topics.ipynb", "grad-cam", "image/png"],
      ["04-advanced-topics.ipynb", "augmentation-random", "image/png"],
    ] as const) {
      assert.ok(
        (cell(file, id).outputs ?? []).some((o) => kind in (o.data ?? {})),
        `${file}: ${id} shows ${kind}`,
      );
    }
  });
});
