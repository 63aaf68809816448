/**
 * Every error message the deepdeck library raises, as sentences in one place: what was received, what
 * was expected, and what to do. One file per wing; tests assert these exact texts. The tools (cli,
 * tslab, executor, deck) keep their messages beside them. This folder imports nothing from deepdeck.
 */
import { backend } from "./backend";
import { charts } from "./charts";
import { common } from "./common";
import { data } from "./data";
import { display } from "./display";
import { format } from "./format";
import { image } from "./image";
import { models } from "./models";

export { describe, shapeText } from "./describe";

/** The wings, by name; {@link messages} is all of them in one flat object (names are unique). */
export const wings = { common, backend, format, display, data, image, models, charts } as const;

export const messages = {
  ...common,
  ...backend,
  ...format,
  ...display,
  ...data,
  ...image,
  ...models,
  ...charts,
} as const;
