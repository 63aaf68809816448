/**
 * What every deepdeck chart shares: the Vega-Lite schema, the base of every spec, and the options of
 * the display (PNG or not). A chart module builds its spec over {@link specBase} and displays it with
 * `showChart(spec, text, displayOptions(options))`.
 */

/** The Vega-Lite version deepdeck's specs are written for (JupyterLab renders v5 natively). */
export const vegaLiteSchema = "https://vega.github.io/schema/vega-lite/v5.json";

/** The start of every spec: the schema, and a white background so charts read the same on dark themes and in exports. */
export const specBase = { $schema: vegaLiteSchema, background: "white" } as const;

/** Options shared by every chart display. */
export interface ChartOptions {
  /** Also send a PNG, for front-ends and exports without SVG (PDF via LaTeX). Default true. */
  png?: boolean;
}

/** Split a plot function's options into the spec builder's and the display's. */
export function splitChartOptions<T extends ChartOptions>(options: T): [Omit<T, "png">, ChartOptions] {
  const { png, ...rest } = options;
  return [rest, png === undefined ? {} : { png }];
}
