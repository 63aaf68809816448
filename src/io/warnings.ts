/**
 * The one way the library warns: a sentence from the message catalogue to stderr, prefixed with
 * "deepdeck:", for what it did instead of failing (a model left uncompiled, a metric dropped). Tests
 * swap the handler to assert the exact sentence.
 */
export type WarningHandler = (message: string) => void;

const toStderr: WarningHandler = (message) => console.warn(`deepdeck: ${message}`);
let handler: WarningHandler = toStderr;

export function warn(message: string): void {
  handler(message);
}

/** Route warnings to `next` (the default, stderr, when omitted); returns the handler it replaced. */
export function setWarningHandler(next?: WarningHandler): WarningHandler {
  const previous = handler;
  handler = next ?? toStderr;
  return previous;
}
