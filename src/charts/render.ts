/**
 * Vega-Lite specs to MIME bundles: the spec itself for JupyterLab (and VS Code, nteract), an SVG
 * rendered here by vega for every other front-end, a PNG (resvg) where SVG is not enough, and text.
 */
import { inspect } from "node:util";
import type { TopLevelSpec } from "vega-lite";
import { addJupyterDisplay, type Displayable, type MimeBundle } from "../display/bundle";
import { display } from "../display/display";
import { svgToPng } from "../image/png";
import { messages } from "../messages";
import { bool, checkKnownKeys } from "../options";
import type { ChartOptions } from "./spec";

/** The MIME type JupyterLab renders Vega-Lite 5 specs from. */
export const vegaLiteMime = "application/vnd.vegalite.v5+json";

type VegaModule = typeof import("vega");
type VegaLiteModule = typeof import("vega-lite");
let libraries: Promise<{ vega: VegaModule; vl: VegaLiteModule }> | null = null;

/** vega and vega-lite, loaded on first use with a real dynamic import (they are large). */
function load(): Promise<{ vega: VegaModule; vl: VegaLiteModule }> {
  libraries ??= Promise.all([import("vega"), import("vega-lite")]).then(([vega, vl]) => ({
    vega: (vega as { default?: VegaModule }).default ?? vega,
    vl: (vl as { default?: VegaLiteModule }).default ?? vl,
  }));
  return libraries;
}

/** Render a Vega-Lite spec to SVG with vega, in this process (no browser). */
export function renderSvg(spec: TopLevelSpec): Promise<string> {
  return svgOf("renderSvg", spec);
}

/** {@link renderSvg}, its errors naming `fn`, the function the user called. */
async function svgOf(fn: string, spec: TopLevelSpec): Promise<string> {
  if (typeof spec !== "object" || spec === null || Array.isArray(spec))
    throw new TypeError(messages.notASpec(fn, spec));
  const { vega, vl } = await load();
  let view: InstanceType<typeof vega.View>;
  try {
    view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: "none" });
  } catch (e) {
    throw new Error(messages.badSpec(fn, (e as Error).message), { cause: e });
  }
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** A chart: its spec, SVG, optional PNG and a text summary. */
export class Chart implements Displayable {
  constructor(
    readonly spec: TopLevelSpec,
    readonly svg: string,
    readonly text: string,
    readonly png?: Uint8Array,
  ) {}
  toMimeBundle(): MimeBundle {
    const bundle: MimeBundle = {
      [vegaLiteMime]: this.spec,
      "image/svg+xml": this.svg,
      "text/plain": this.text,
    };
    if (this.png) bundle["image/png"] = this.png;
    return bundle;
  }
  [inspect.custom](): string {
    return this.text;
  }
}
addJupyterDisplay(Chart.prototype);

/** Build the chart of a spec: SVG always, PNG unless `png: false`. */
export function chart(spec: TopLevelSpec, text: string, options: ChartOptions = {}): Promise<Chart> {
  return chartOf("chart", spec, text, options);
}

async function chartOf(fn: string, spec: TopLevelSpec, text: string, options: ChartOptions): Promise<Chart> {
  if (typeof text !== "string") throw new TypeError(messages.badArgument(fn, "text", text, "a string (the summary)"));
  checkKnownKeys(fn, options, ["png"]);
  const png = options.png === undefined ? true : bool(fn, "png", options.png);
  const svg = await svgOf(fn, spec);
  return new Chart(spec, svg, text, png ? pngOf(fn, svg) : undefined);
}

/** The PNG of a chart's SVG, or deepdeck's sentence (with the renderer's error as the cause). */
function pngOf(fn: string, svg: string): Uint8Array {
  try {
    return svgToPng(svg);
  } catch (e) {
    throw new Error(messages.pngFailed(fn, e instanceof Error ? e.message : String(e)), { cause: e });
  }
}

/** Build and display the chart of a spec. Resolves to nothing, so `await` on it prints nothing more. */
export async function showChart(spec: TopLevelSpec, text: string, options: ChartOptions = {}): Promise<void> {
  display(await chartOf("showChart", spec, text, options));
}
