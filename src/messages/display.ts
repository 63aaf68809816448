import { describe } from "./describe";

/** Messages of the display wing: MIME bundles and what can be displayed. */
export const display = {
  sinkNotFunction: (fn: string, sink: unknown) =>
    `${fn}: the sink must be a function (message, update) => void, or undefined to restore the default, received ${describe(sink)}.`,
  notABundle: (fn: string, value: unknown) =>
    `${fn}: expected a MIME bundle (an object keyed by MIME type), received ${describe(value)}.`,
  notAMimeType: (fn: string, type: string) =>
    `${fn}: ${JSON.stringify(type)} is not a MIME type (expected e.g. "text/html" or "image/png").`,
  badBundlePart: (fn: string, type: string, value: unknown) =>
    `${fn}: the ${type} part must be a string, bytes or a JSON object, received ${describe(value)}.`,
  notDisplayable: (fn: string, value: unknown) =>
    `${fn}: expected a displayable object, a MIME bundle or a string, received ${describe(value)}.`,
} as const;
