import { checkKnownKeys, integer } from "../options";

/**
 * How tensors print, after numpy's `set_printoptions`.
 *
 * @example
 * dd.setPrintOptions({ precision: 2, threshold: 50 });
 */
export interface PrintOptions {
  /** Summarise (`...`) a tensor with more than this many elements. Default 1000 (numpy's). */
  threshold: number;
  /** How many items to show at each end of a summarised axis. Default 3 (numpy's). */
  edgeitems: number;
  /** Digits after the decimal point for floats. Default 4. */
  precision: number;
  /** Wrap rows longer than this many characters. Default 75 (numpy's). */
  linewidth: number;
}

export const printOptionNames = ["threshold", "edgeitems", "precision", "linewidth"] as const;

const defaults: PrintOptions = { threshold: 1000, edgeitems: 3, precision: 4, linewidth: 75 };
let current: PrintOptions = { ...defaults };

function checked(fn: string, options: Partial<PrintOptions> | undefined, base: PrintOptions): PrintOptions {
  checkKnownKeys(fn, options, printOptionNames);
  const merged = { ...base, ...options };
  integer(fn, "threshold", merged.threshold, 0);
  integer(fn, "edgeitems", merged.edgeitems, 1);
  integer(fn, "precision", merged.precision, 0, 16);
  integer(fn, "linewidth", merged.linewidth, 10);
  return merged;
}

/** Change how tensors print from now on; options left out keep their value. Returns the new options. */
export function setPrintOptions(options: Partial<PrintOptions>): PrintOptions {
  current = checked("setPrintOptions", options, current);
  return { ...current };
}

/** The print options in force. */
export function getPrintOptions(): PrintOptions {
  return { ...current };
}

/** Put every print option back to its default. */
export function resetPrintOptions(): void {
  current = { ...defaults };
}

/** The options in force, overridden per call (checked, with `fn` named in errors). */
export function resolvePrintOptions(fn: string, options?: Partial<PrintOptions>): PrintOptions {
  return options === undefined ? { ...current } : checked(fn, options, current);
}
