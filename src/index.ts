/**
 * deepdeck: the helper package of "Intro to Deep Learning (and Computer Vision)" in TypeScript.
 * Every public name is listed here; test/index.test.ts locks the list.
 *
 * @example
 * import * as dd from "deepdeck";
 * import * as tf from "@tensorflow/tfjs";
 * await dd.ready();
 * dd.str(tf.zeros([60000, 28, 28], "int32"));
 */
import * as tf from "@tensorflow/tfjs";
import { installConv2DGradients } from "./backend/conv2d_gradients";
import { installTensorInspect } from "./format/inspect";

installTensorInspect();
installConv2DGradients();

/** The TensorFlow.js instance deepdeck uses (the same one `import * as tf from "@tensorflow/tfjs"` gives in this project). */
export { tf };

export { ready, backendReport, resetBackendChoice, backendChoices } from "./backend/ready";
export type { BackendChoice, BackendAttempt, BackendReport } from "./backend/ready";
export { conv2dFilterGrad, dilateFilter } from "./backend/conv2d_gradients";

export { display, newDisplay, setDisplaySink, DisplayHandle } from "./display/display";
export type { DisplayValue, DisplayOptions, DisplaySink } from "./display/display";
export { jupyterDisplaySymbol } from "./display/bundle";
export type { MimeBundle, Displayable } from "./display/bundle";
export { inTslabKernel } from "./tslab/display_adapter";

export { formatTensor, print } from "./format/inspect";
export { setPrintOptions, getPrintOptions, resetPrintOptions } from "./format/print_options";
export type { PrintOptions } from "./format/print_options";
export { str } from "./format/str";
export type { StrOptions } from "./format/str";
export { tensorHtml, showTensor, Html } from "./format/tensor_html";
export type { TensorHtmlOptions } from "./format/tensor_html";
