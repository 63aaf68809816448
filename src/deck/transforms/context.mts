/** What every transform reads: the deck source, its slides with their trees, and where warnings go. */
import type { VFile } from "vfile";
import type { DeckData, Slide } from "../source.mjs";
import type { SlideTree } from "../tree.mjs";

export interface DeckContext {
  source: string;
  file: VFile;
  slides: Slide[];
  /** The trees of the shown chunks, with the slide each belongs to, in source order. */
  trees: { slide: number; tree: SlideTree }[];
  data: DeckData;
}
