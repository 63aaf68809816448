/**
 * Vega-Lite specs to MIME bundles: the spec itself for JupyterLab (and VS Code, nteract), an SVG
 * rendered here by vega for every other front-end, a PNG (resvg) where SVG is not enough, and text.
 */
import { inspect } from "node:util";
import type { TopLevelSpec } from "vega-lite";
import { addJupyterDisplay, type Displayable, type MimeBundle } from "../display/bundle";
import { display } from "../display/display";
import { svgToPng } from "../image/png";
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
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const { vega, vl } = await load();
  const compiled = vl.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
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
export async function chart(spec: TopLevelSpec, text: string, options: ChartOptions = {}): Promise<Chart> {
  const svg = await renderSvg(spec);
  return new Chart(spec, svg, text, options.png === false ? undefined : svgToPng(svg));
}

/** Build and display the chart of a spec. Resolves to nothing, so `await` on it prints nothing more. */
export async function showChart(spec: TopLevelSpec, text: string, options: ChartOptions = {}): Promise<void> {
  display(await chart(spec, text, options));
}
