/** The public API is exactly what src/index.ts names; changing it is a decision, so this list changes with it. */
import assert from "node:assert/strict";
import { test } from "node:test";

test("the package exports exactly its documented names, from the built entry point", () => {
  const pkg = require("../package.json") as { main: string; types: string };
  assert.equal(pkg.main, "dist/index.js");
  assert.equal(pkg.types, "dist/index.d.ts");
  const built = require("deepdeck") as Record<string, unknown>;
  assert.deepEqual(Object.keys(built).sort(), [
    "Chart",
    "DisplayHandle",
    "Figure",
    "Html",
    "LiveTraining",
    "activationNames",
    "activationSpec",
    "arrayReshape",
    "augment",
    "backendChoices",
    "backendReport",
    "batch",
    "chart",
    "colormapNames",
    "confusionMatrixSpec",
    "conv2dFilterGrad",
    "datasets",
    "dilateFilter",
    "display",
    "evaluate",
    "featureMaps",
    "featureMapsFigure",
    "filters",
    "filtersFigure",
    "fitCacheDir",
    "formatTensor",
    "getPrintOptions",
    "gradCam",
    "gradCamOverlay",
    "gradCamOverlayFigure",
    "historySpec",
    "historySummary",
    "imageFigure",
    "imageGrid",
    "imageGridFigure",
    "imshow",
    "inTslabKernel",
    "jupyterDisplaySymbol",
    "liveTraining",
    "loadKeras",
    "loadModel",
    "lossSurfaceSpec",
    "lossSurfaceSummary",
    "newDisplay",
    "optimizerPath",
    "pixelTable",
    "plotActivations",
    "plotConfusionMatrix",
    "plotHistory",
    "plotLossSurface",
    "plotProbabilities",
    "predict",
    "predictClasses",
    "print",
    "probabilitiesSpec",
    "progressLine",
    "quickMode",
    "ready",
    "renderSvg",
    "resetBackendChoice",
    "resetPrintOptions",
    "sampleSlice",
    "saveKeras",
    "saveModel",
    "setDisplaySink",
    "setPrintOptions",
    "setSeed",
    "showChart",
    "showTensor",
    "str",
    "summary",
    "summaryText",
    "tensorHtml",
    "tf",
    "toCategorical",
    "vegaLiteMime",
  ]);
});

test("importing deepdeck does not start a backend or register wasm (so synchronous tf code still works)", () => {
  const { spawnSync } = require("node:child_process") as typeof import("node:child_process");
  const run = spawnSync(
    process.execPath,
    [
      "-e",
      'const dd = require("deepdeck"); const t = dd.tf.tensor1d([1, 2]); console.log(dd.tf.getBackend(), t.sum().dataSync()[0])',
    ],
    { encoding: "utf8" },
  );
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.trim(), "cpu 3");
});
