/** A rendered figure: PNG bytes (every front-end), an SVG when it has text, and a one-line description. */
import { existsSync, statSync } from "node:fs";
import { inspect } from "node:util";
import { addJupyterDisplay, type Displayable, type MimeBundle } from "../display/bundle";
import { writeFileAtomic } from "../io/atomic_write";
import { saveError } from "../io/save_errors";
import { messages } from "../messages";

export class Figure implements Displayable {
  constructor(
    /** The figure as PNG bytes. */
    readonly png: Uint8Array,
    /** Width and height of the PNG in pixels. */
    readonly width: number,
    readonly height: number,
    /** What the figure shows, for text-only front-ends. */
    readonly description: string,
    /** The figure as SVG, when it has text (titles, colorbars). */
    readonly svg?: string,
  ) {}

  toMimeBundle(): MimeBundle {
    const bundle: MimeBundle = { "image/png": this.png, "text/plain": this.description };
    if (this.svg) bundle["image/svg+xml"] = this.svg;
    return bundle;
  }

  /** Write the figure to `path` (`.png` or `.svg`), through a temporary file and a rename. */
  save(path: string): void {
    if (typeof path !== "string") throw new TypeError(messages.figureSavePath(path));
    const svg = path.toLowerCase().endsWith(".svg");
    if (!svg && !path.toLowerCase().endsWith(".png")) throw new Error(messages.figureSavePath(path));
    if (svg && !this.svg) throw new Error(messages.figureNoSvg());
    if (existsSync(path) && statSync(path).isDirectory())
      throw new Error(messages.saveFailed("Figure.save", path, messages.saveTargetIsFolder()));
    try {
      writeFileAtomic(path, svg ? this.svg! : this.png);
    } catch (e) {
      throw saveError("Figure.save", path, e);
    }
  }

  [inspect.custom](): string {
    return this.description;
  }
}
addJupyterDisplay(Figure.prototype);
