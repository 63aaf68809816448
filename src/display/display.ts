/**
 * Showing values in the notebook: whole MIME bundles, and displays updated in place for live output.
 * Outside a kernel (a script, a test) the text/plain part is printed instead; display never throws
 * for want of a front-end.
 */
import { randomBytes } from "node:crypto";
import { messages } from "../messages";
import { checkKnownKeys } from "../options";
import { isDisplayable, toWire, type Displayable, type MimeBundle } from "./bundle";
import { inTslabKernel, sendToTslab, type DisplayMessage } from "../tslab/display_adapter";

/** Where display messages go. The default sends them to tslab, or prints the text outside a kernel. */
export type DisplaySink = (message: DisplayMessage, update: boolean) => void;

const defaultSink: DisplaySink = (message, update) => {
  if (sendToTslab(message, update)) return;
  const text = message.data["text/plain"];
  console.log(typeof text === "string" ? text : JSON.stringify(text));
};

let sink: DisplaySink = defaultSink;

/** Send display messages somewhere else (tests, other front-ends); returns the previous sink. Pass nothing to restore the default. */
export function setDisplaySink(next?: DisplaySink): DisplaySink {
  if (next !== undefined && typeof next !== "function")
    throw new TypeError(messages.sinkNotFunction("setDisplaySink", next));
  const previous = sink;
  sink = next ?? defaultSink;
  return previous;
}

/** Whether displays reach a front-end (a tslab kernel, or a sink set by {@link setDisplaySink}) rather than the console. */
export function hasDisplayFrontEnd(): boolean {
  return sink !== defaultSink || inTslabKernel();
}

/** What {@link display} accepts: a displayable object, a MIME bundle, or a string shown as text. */
export type DisplayValue = Displayable | MimeBundle | string;

function bundleOf(value: DisplayValue, fn: string): MimeBundle {
  if (typeof value === "string") return { "text/plain": value };
  if (isDisplayable(value)) return value.toMimeBundle();
  // A bundle is a plain object; a tensor, a model or a Map is not one, whatever keys it has.
  const proto: unknown = value !== null && typeof value === "object" ? Object.getPrototypeOf(value) : undefined;
  if (proto === Object.prototype || proto === null) return value;
  throw new TypeError(messages.notDisplayable(fn, value));
}

/** Options of {@link display}. */
export interface DisplayOptions {
  /** Per-type metadata sent with the bundle, e.g. `{ "image/png": { width: 280 } }`. */
  metadata?: Record<string, unknown>;
}

/**
 * A place in the output of a cell that can be redrawn: the first `update` displays, each later one
 * replaces what is shown (Jupyter's update_display_data), as live training charts need.
 */
export class DisplayHandle {
  /** The Jupyter display_id. */
  readonly id: string;
  private shown = false;

  constructor(id: string = randomBytes(8).toString("hex")) {
    this.id = id;
  }

  /** Show `value` here, replacing what this handle showed before. */
  update(value: DisplayValue, options: DisplayOptions = {}): this {
    return this.send(value, options, "DisplayHandle.update");
  }

  /** @internal */
  send(value: DisplayValue, options: DisplayOptions, fn: string): this {
    checkKnownKeys(fn, options, ["metadata"]);
    const data = toWire(bundleOf(value, fn), fn);
    sink({ data, metadata: options.metadata ?? {}, transient: { display_id: this.id } }, this.shown);
    this.shown = true;
    return this;
  }
}

/**
 * Show a value in the notebook with every representation it has. Returns nothing, so a cell that
 * ends with it prints nothing more; use {@link newDisplay} for output that changes.
 *
 * @example dd.display({ "text/html": "<b>bold</b>", "text/plain": "bold" })
 */
export function display(value: DisplayValue, options: DisplayOptions = {}): void {
  new DisplayHandle().send(value, options, "display");
}

/**
 * A place in the cell's output that shows nothing until its first `update`, and is redrawn in
 * place by each later one.
 *
 * @example
 * const h = dd.newDisplay();
 * for (let epoch = 1; epoch <= 3; epoch++) h.update(`epoch ${epoch}`);
 */
export function newDisplay(): DisplayHandle {
  return new DisplayHandle();
}

/** A line of text updated in place: one display in a notebook, a carriage-returned line on stderr elsewhere. */
export function inPlaceLine(): (text: string, final: boolean) => void {
  const handle = hasDisplayFrontEnd() ? newDisplay() : null;
  return (text, final) => {
    if (handle) handle.update(text);
    else process.stderr.write(`\r${text}${final ? "\n" : ""}`);
  };
}
