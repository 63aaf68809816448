/**
 * The course as a student runs it: JupyterLab 4 and Notebook 7 (from the venv .ci/run makes) in headless
 * Chromium, started by `deepdeck start` (127.0.0.1, token), on a course-style notebook on the deepdeck
 * kernel. Run All, then what is on screen: the backend report, a tensor as Out[n], an image grid, the
 * live chart drawn by JupyterLab's own Vega-Lite renderer and redrawn in place, the progress line, an
 * error with its name and message only; then interrupt from the toolbar, variables kept, and a restart.
 * Screenshots go to test/.tmp/screens/ to be looked at.
 * Needs JupyterLab and Notebook 7 (.ci/run) and Chromium; DEEPDECK_SKIP_BROWSER=1 opts out.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { launchChromium } from "../../src/deck/pdf.mjs";
import { makeNotebook, type Notebook } from "../../src/executor/execute.js";
import { sharedDatasets } from "../support/datasets.js";
import { skipBrowser as skip, startJupyter, type JupyterServer } from "../support/jupyter_server.mjs";

const tmp = join(import.meta.dirname, "..", ".tmp");
const screens = join(tmp, "screens");

// The notebook lives in a temporary folder outside the checkout, as a student's own would.
const epochs = 3;
const cells = [
  { markdown: "# Training a first network\nA course-style notebook, run in the browser." },
  'import * as dd from "deepdeck";\nimport * as tf from "@tensorflow/tfjs";\nawait dd.ready()',
  'const x = tf.tensor2d([[1, 2, 3], [4, 5, 6]], undefined, "int32");\nx',
  "const mnist = await dd.datasets.mnist({ limit: 1000 });\ndd.imageGrid(mnist.train.x.slice(0, 20), { labels: mnist.train.y.slice(0, 20), cols: 10, scale: 2 })",
  [
    "const model = tf.sequential({",
    "  layers: [",
    "    tf.layers.flatten({ inputShape: [28, 28] }),",
    '    tf.layers.dense({ units: 32, activation: "relu" }),',
    '    tf.layers.dense({ units: 10, activation: "softmax" }),',
    "  ],",
    "});",
    'model.compile({ optimizer: "adam", loss: "categoricalCrossentropy", metrics: ["accuracy"] });',
    "const history = await model.fit(mnist.train.x.div(255), dd.toCategorical(mnist.train.y, 10), {",
    `  epochs: ${epochs},`,
    "  batchSize: 16,",
    "  validationSplit: 0.2,",
    "  callbacks: [dd.liveTraining({ throttleMs: 0 })],",
    "});",
  ].join("\n"),
  'throw new Error("boom");',
  "let spins = 0;\nwhile (true) spins++;",
  "`${x.shape} ${history.history.loss.length}`",
];
const cell = { report: 1, tensor: 2, grid: 3, training: 4, boom: 5, loop: 6, after: 7 } as const;

/** Internals of the kernel that a student's traceback must not show. */
const internals = /sigintHandlersWrap|runInThisContext|tslab\/dist|kernel_patches|node:internal/;

/** A tall window, so every cell of the notebook is on screen at once (and in the screenshots). */
const viewport = { width: 1280, height: 2200 };

interface RenderLog {
  /** Distinct chart drawings (SVG or canvas elements) the training cell showed. */
  chartDrawings: number;
  /** The most Vega outputs the training cell ever had at once. */
  maxCharts: number;
  /** The progress texts seen, in order. */
  progress: string[];
  maxOutputs: number;
}

/** Record, while the training cell runs, how its chart and progress line change on screen. */
async function watchTrainingCell(page: Page, index: number): Promise<void> {
  await page.evaluate((i) => {
    const target = document.querySelectorAll(".jp-Notebook .jp-Cell")[i]!;
    const log: RenderLog = { chartDrawings: 0, maxCharts: 0, progress: [], maxOutputs: 0 };
    const seen = new WeakSet<Element>();
    // An anonymous callback: tsx names named functions with a helper that does not exist in the page.
    new MutationObserver(() => {
      const charts = target.querySelectorAll("[class*=jp-RenderedVegaCommon]");
      log.maxCharts = Math.max(log.maxCharts, charts.length);
      log.maxOutputs = Math.max(log.maxOutputs, target.querySelectorAll(".jp-OutputArea-output").length);
      for (const drawing of target.querySelectorAll(
        "[class*=jp-RenderedVegaCommon] svg.marks, [class*=jp-RenderedVegaCommon] canvas",
      ))
        if (!seen.has(drawing)) {
          seen.add(drawing);
          log.chartDrawings++;
        }
      const text = [...target.querySelectorAll(".jp-RenderedText")].map((e) => e.textContent).join("\n");
      if (text && text !== log.progress.at(-1)) log.progress.push(text);
    }).observe(target, { subtree: true, childList: true, characterData: true });
    (window as unknown as { renderLog: RenderLog }).renderLog = log;
  }, index);
}

const renderLog = (page: Page) => page.evaluate(() => (window as unknown as { renderLog: RenderLog }).renderLog);

/**
 * Open a notebook and wait until the page is connected to its kernel, the deepdeck one, and it is idle.
 * The toolbar's indicator reads "idle" before any kernel is connected, and a Run All clicked then is
 * dropped, so the server's own log line for the page's kernel websocket is waited for first.
 */
async function openNotebook(page: Page, server: JupyterServer, path: string): Promise<void> {
  const connected = () => (server.log().match(/Connecting to kernel/g) ?? []).length;
  const before = connected();
  await page.goto(`${server.base}${path}?token=${server.token}`);
  for (const deadline = Date.now() + 90_000; connected() === before;) {
    if (Date.now() > deadline) throw new Error("the page did not connect to a kernel within 90 s");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await page.waitForSelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', { timeout: 90_000 });
  // Every cell on the page (the tall window keeps JupyterLab's windowing from leaving any out).
  await page.waitForFunction((n) => document.querySelectorAll(".jp-Notebook .jp-Cell").length === n, cells.length);
}

async function menu(page: Page, top: string, item: string): Promise<void> {
  await page.locator(".lm-MenuBar-itemLabel", { hasText: new RegExp(`^${top}$`) }).click();
  await page.locator(".lm-Menu-itemLabel", { hasText: new RegExp(`^${item}$`) }).click();
}

/** Wait until `index` has finished (its prompt shows a number) and no cell is queued or running. */
async function waitForCell(page: Page, index: number, timeout = 180_000): Promise<void> {
  await page.waitForFunction(
    (i) => {
      const prompts = [...document.querySelectorAll(".jp-Notebook .jp-Cell .jp-InputPrompt")];
      const target = document.querySelectorAll<HTMLElement>(".jp-Notebook .jp-Cell")[i];
      return (
        target?.dataset["e2eRan"] !== "no" &&
        /\[\d+\]/.test(target?.querySelector(".jp-InputPrompt")?.textContent ?? "") &&
        !prompts.some((p) => p.textContent.includes("*"))
      );
    },
    index,
    { timeout },
  );
}

const cellAt = (page: Page, i: number): Locator => page.locator(".jp-Notebook .jp-Cell").nth(i);
const outputsOf = (page: Page, i: number): Locator => cellAt(page, i).locator(".jp-OutputArea-output");
const textOf = async (page: Page, i: number) => (await outputsOf(page, i).allInnerTexts()).join("\n");
const promptOf = async (page: Page, i: number) => (await cellAt(page, i).locator(".jp-InputPrompt").innerText()).trim();

async function runCell(page: Page, i: number): Promise<void> {
  // The prompt keeps its old number until the cell starts; waitForCell counts it done only once it was
  // seen running ([*]) since this click.
  await page.evaluate((index) => {
    const target = document.querySelectorAll<HTMLElement>(".jp-Notebook .jp-Cell")[index]!;
    target.dataset["e2eRan"] = "no";
    new MutationObserver((_, observer) => {
      if (target.querySelector(".jp-InputPrompt")?.textContent.includes("*")) {
        target.dataset["e2eRan"] = "yes";
        observer.disconnect();
      }
    }).observe(target, { subtree: true, childList: true, characterData: true });
  }, i);
  await cellAt(page, i).locator(".jp-InputPrompt").click();
  await page.locator('.jp-NotebookPanel-toolbar [data-command="notebook:run-cell-and-select-next"]').click();
}

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screens, { recursive: true });
  await page.screenshot({ path: join(screens, `${name}.png`) });
}

/** When `steps` fail, keep a screenshot of the page and show the end of the server's log with the error. */
async function explainFailure(page: Page, server: JupyterServer, name: string, steps: () => Promise<void>) {
  try {
    await steps();
  } catch (e) {
    await screenshot(page, `${name}-failure`).catch(() => {});
    const log = server.log().split("\n").slice(-40).join("\n");
    throw new Error(
      `${(e as Error).message}\n(screenshot: test/.tmp/screens/${name}-failure.png)\nServer log:\n${log}`,
    );
  }
}

/** How many pixels of a canvas (or SVG, as an image) are not background. */
async function inkOf(drawing: Locator): Promise<number> {
  const png = await drawing.screenshot();
  const { PNG } = await import("pngjs");
  const image = PNG.sync.read(png);
  let ink = 0;
  for (let i = 0; i < image.data.length; i += 4)
    if (image.data[i]! < 200 || image.data[i + 1]! < 200 || image.data[i + 2]! < 200) ink++;
  return ink;
}

/** Save from the toolbar and read back what Jupyter wrote. */
async function saveAndRead(page: Page, file: string): Promise<Notebook> {
  const before = readFileSync(file, "utf8");
  await page.locator('.jp-NotebookPanel-toolbar [data-command="docmanager:save"]').click();
  // Jupyter writes the file in place (its "atomic" save keeps a backup copy, not a temporary), so a read
  // can catch it half-written: wait until it differs from before and parses.
  for (let i = 0; i < 200; i++) {
    const now = readFileSync(file, "utf8");
    if (now !== before) {
      try {
        return JSON.parse(now) as Notebook;
      } catch {
        // Still being written.
      }
    }
    await page.waitForTimeout(50);
  }
  return JSON.parse(readFileSync(file, "utf8")) as Notebook;
}

/** The browser, with every request that leaves the machine blocked and recorded. */
async function openBrowser(): Promise<{ browser: Browser; context: BrowserContext; remote: string[] }> {
  const browser = await launchChromium();
  const context = await browser.newContext({ viewport });
  const remote: string[] = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (/^(http:\/\/127\.0\.0\.1[:/]|ws:\/\/127\.0\.0\.1[:/]|data:|blob:)/.test(url))
      return route.continue().catch(() => {});
    remote.push(url);
    return route.abort().catch(() => {});
  });
  return { browser, context, remote };
}

function courseNotebook(prefix: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), `deepdeck-${prefix}`));
  const file = join(dir, "course.ipynb");
  writeFileSync(file, JSON.stringify(makeNotebook(cells), null, 1));
  return { dir, file };
}

const errorOutput = (nb: Notebook, i: number) => nb.cells[i]!.outputs?.find((o) => o.output_type === "error");

describe("JupyterLab 4 in Chromium, started by `deepdeck start`", { skip, timeout: 300_000 }, () => {
  let server: JupyterServer;
  let browser: Browser;
  // What after() undoes, in reverse order, for whatever before() got to.
  const cleanup: (() => Promise<void> | void)[] = [];
  let remote: string[];
  let page: Page;
  let notebookFile: string;
  let saved: Notebook;

  before(async () => {
    const nb = courseNotebook("jupyterlab-");
    cleanup.push(() => rmSync(nb.dir, { recursive: true, force: true }));
    notebookFile = nb.file;
    server = await startJupyter({
      frontEnd: "lab",
      notebookDir: nb.dir,
      scratch: join(nb.dir, ".jupyter"),
      env: { DEEPDECK_DATA_DIR: await sharedDatasets() },
    });
    cleanup.push(() => server.stop());
    let context: BrowserContext;
    ({ browser, context, remote } = await openBrowser());
    cleanup.push(() => browser.close());
    page = await context.newPage();
    await explainFailure(page, server, "jupyterlab", async () => {
      await openNotebook(page, server, "/lab/tree/course.ipynb");
      await watchTrainingCell(page, cell.training);
      await menu(page, "Run", "Run All Cells");
      await waitForCell(page, cell.boom);
    });
    await screenshot(page, "jupyterlab-run-all");
    saved = await saveAndRead(page, notebookFile);
  });
  after(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  test("serves on 127.0.0.1 with a token, from JupyterLab, with the deepdeck kernel", async () => {
    assert.match(server.log(), /Starting \S*jupyter-lab --ip=127\.0\.0\.1 /);
    assert.equal(server.url.pathname, "/lab");
    assert.equal((await fetch(`${server.base}/api/kernelspecs`)).status, 403, "nothing without the token");
    assert.match(await page.locator(".jp-NotebookPanel-toolbar").innerText(), /TypeScript \(deepdeck\)/);
    assert.deepEqual(remote, [], "nothing is fetched from outside the machine");
  });
  test("the first cell shows the backend report", async () => {
    assert.match(await textOf(page, cell.report), /^TensorFlow.js backend: (wasm|tensorflow|cpu) .*\n[\s\S]*✓/);
  });
  test("a tensor as the last value is Out[n], printed numpy-style", async () => {
    assert.equal(await promptOf(page, cell.tensor), "[2]:");
    assert.equal((await textOf(page, cell.tensor)).trimEnd(), "Tensor int32 [2, 3]\n[[1, 2, 3],\n [4, 5, 6]]");
    const result = cellAt(page, cell.tensor).locator(".jp-OutputArea-executeResult");
    assert.equal(await result.count(), 1, "an execute_result, not stdout");
    assert.equal((await result.locator(".jp-OutputPrompt").innerText()).trim(), "[2]:");
  });
  test("the image grid is an image, one output, no stray text", async () => {
    const outputs = outputsOf(page, cell.grid);
    assert.equal(await outputs.count(), 1);
    const image = outputs.locator("img, svg").first();
    const box = await image.boundingBox();
    assert.ok(box && box.width >= 500 && box.height >= 100, `an image 10 digits wide: ${JSON.stringify(box)}`);
    assert.match((await outputs.first().getAttribute("data-mime-type")) ?? "", /^image\//);
  });
  test("the live chart is JupyterLab's Vega-Lite rendering, redrawn in place during training", async () => {
    const charts = cellAt(page, cell.training).locator("[class*=jp-RenderedVegaCommon]");
    assert.equal(await charts.count(), 1, "one chart");
    const drawing = charts.locator("svg.marks, canvas").first();
    const box = await drawing.boundingBox();
    assert.ok(box && box.width > 200 && box.height > 100, `the chart is drawn: ${JSON.stringify(box)}`);
    assert.ok((await inkOf(drawing)) > 2000, "the chart has curves and axes on it, not a blank area");
    const log = await renderLog(page);
    // The kernel sends one update per epoch and one at the end (test/e2e/notebook_figures); a busy browser may
    // draw only the newest of updates that arrive together, so the page must show a redraw, not each one.
    assert.ok(
      log.chartDrawings >= 2,
      `drawn during training, then redrawn: ${JSON.stringify({ ...log, progress: log.progress.length })}`,
    );
    assert.equal(log.maxCharts, 1, "in place: never more than one chart output");
    assert.equal(await outputsOf(page, cell.training).count(), 2, "the progress line and the chart, nothing else");
    assert.equal(log.maxOutputs, 2);
  });
  test("the progress line shows every epoch, updated in place", async () => {
    const text = await textOf(page, cell.training);
    assert.match(text, new RegExp(`Epoch ${epochs}/${epochs}`));
    assert.match(text, /\d+\/\d+ ━+ \d+s \d+ms\/step - accuracy: \d\.\d{4} - loss: \d\.\d{4}/);
    const log = await renderLog(page);
    assert.ok(log.progress.length >= epochs, `the line changed while training: ${log.progress.length} texts`);
  });
  test("a throwing cell shows the error's name and message, no kernel internals, and Run All stops there", async () => {
    const text = await textOf(page, cell.boom);
    assert.match(text, /Error: boom/);
    assert.doesNotMatch(text, internals);
    assert.equal(await promptOf(page, cell.loop), "[ ]:", "the cells after the error did not run");
  });
  test("the saved notebook has Out[n] and the error as Jupyter records them", () => {
    const result = saved.cells[cell.tensor]!.outputs?.find((o) => o.output_type === "execute_result") as
      { execution_count?: number } | undefined;
    assert.equal(result?.execution_count, 2, "the tensor is an execute_result with the cell's count");
    const error = errorOutput(saved, cell.boom) as
      { ename?: string; evalue?: string; traceback?: string[] } | undefined;
    assert.equal(error?.ename, "Error");
    assert.equal(error.evalue, "boom");
    assert.doesNotMatch((error.traceback ?? []).join("\n"), internals);
    const counts = saved.cells.map((c) => (c.cell_type === "code" ? c.execution_count : undefined));
    assert.deepEqual(counts, [undefined, 1, 2, 3, 4, 5, null, null], "aborted cells keep no count, as with IPython");
  });
  test("the toolbar's stop button interrupts a long cell; the next cell still sees the variables", async () => {
    // Whether the kernel said "busy" while the loop ran, as IPython does before it runs a cell.
    await page.evaluate(() => {
      const w = window as unknown as { sawBusy: boolean };
      w.sawBusy = false;
      const indicator = document.querySelector(".jp-Notebook-ExecutionIndicator")!;
      new MutationObserver(() => {
        if (indicator.getAttribute("data-status") === "busy") w.sawBusy = true;
      }).observe(indicator, { attributes: true });
    });
    await runCell(page, cell.loop);
    await page.waitForFunction((i) => {
      const cells = document.querySelectorAll(".jp-Notebook .jp-Cell");
      return cells[i]?.querySelector(".jp-InputPrompt")?.textContent.includes("*");
    }, cell.loop);
    // A SIGINT that reaches the kernel before the loop starts (while the cell is still being compiled, or
    // not yet received) has nothing to stop; a student presses stop again, and so does this test.
    let presses = 0;
    while (presses < 3) {
      presses++;
      await page.locator('.jp-NotebookPanel-toolbar [data-command="notebook:interrupt-kernel"]').click();
      const stopped = await waitForCell(page, cell.loop, 10_000).then(
        () => true,
        () => false,
      );
      if (stopped) break;
    }
    const sawBusy = await page.evaluate(() => (window as unknown as { sawBusy: boolean }).sawBusy);
    await runCell(page, cell.after);
    await waitForCell(page, cell.after, 30_000);
    await screenshot(page, "jupyterlab-interrupted");
    assert.match(await promptOf(page, cell.loop), /^\[\d+\]:$/, `the loop stopped (stop pressed ${presses} times)`);
    assert.equal((await textOf(page, cell.after)).trimEnd(), `2,3 ${epochs}`);
    const interrupted = await textOf(page, cell.loop);
    assert.match(interrupted, /interrupt/i, "the cell says it was interrupted");
    assert.doesNotMatch(interrupted, internals, "and shows no kernel internals");
    assert.ok(sawBusy, "the kernel showed busy while the loop ran");
  });
  test("restart from the toolbar gives a fresh kernel", async () => {
    await page.locator('.jp-NotebookPanel-toolbar [data-command="notebook:restart-kernel"]').click();
    await page.locator(".jp-Dialog .jp-mod-accept").click();
    await page.waitForSelector(".jp-Dialog", { state: "detached" });
    await page.waitForSelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', { timeout: 60_000 });
    await runCell(page, cell.report);
    await waitForCell(page, cell.report, 60_000);
    assert.equal(await promptOf(page, cell.report), "[1]:", "the execution count starts again");
    assert.match(await textOf(page, cell.report), /^TensorFlow.js backend: /);
    await screenshot(page, "jupyterlab-restarted");
  });
});

describe("Notebook 7 in Chromium, started by `deepdeck start --notebook`", { skip, timeout: 300_000 }, () => {
  let server: JupyterServer;
  let browser: Browser;
  // What after() undoes, in reverse order, for whatever before() got to.
  const cleanup: (() => Promise<void> | void)[] = [];
  let page: Page;

  before(async () => {
    const nb = courseNotebook("notebook7-");
    cleanup.push(() => rmSync(nb.dir, { recursive: true, force: true }));
    server = await startJupyter({
      frontEnd: "notebook",
      notebookDir: nb.dir,
      scratch: join(nb.dir, ".jupyter"),
      env: { DEEPDECK_DATA_DIR: await sharedDatasets() },
    });
    cleanup.push(() => server.stop());
    let context: BrowserContext;
    ({ browser, context } = await openBrowser());
    cleanup.push(() => browser.close());
    page = await context.newPage();
    await explainFailure(page, server, "notebook7", async () => {
      await openNotebook(page, server, "/notebooks/course.ipynb");
      await menu(page, "Run", "Run All Cells");
      await waitForCell(page, cell.boom);
    });
    await screenshot(page, "notebook7-run-all");
  });
  after(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  test("is Notebook 7 on 127.0.0.1 with a token", () => {
    assert.match(server.log(), /Starting \S*jupyter-notebook --ip=127\.0\.0\.1 /);
    assert.equal(server.url.pathname, "/tree");
  });
  test("shows the backend report, Out[n], the image, one live chart and the error", async () => {
    assert.match(await textOf(page, cell.report), /^TensorFlow.js backend: /);
    assert.equal((await textOf(page, cell.tensor)).trimEnd(), "Tensor int32 [2, 3]\n[[1, 2, 3],\n [4, 5, 6]]");
    assert.equal(await cellAt(page, cell.tensor).locator(".jp-OutputArea-executeResult").count(), 1, "Out[2]");
    assert.match((await outputsOf(page, cell.grid).first().getAttribute("data-mime-type")) ?? "", /^image\//);
    const charts = cellAt(page, cell.training).locator("[class*=jp-RenderedVegaCommon]");
    assert.equal(await charts.count(), 1);
    assert.ok(await charts.locator("svg.marks, canvas").first().isVisible());
    assert.match(await textOf(page, cell.training), new RegExp(`Epoch ${epochs}/${epochs}`));
    const boom = await textOf(page, cell.boom);
    assert.match(boom, /Error: boom/);
    assert.doesNotMatch(boom, internals);
  });
});
