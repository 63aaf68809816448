/**
 * Errors as Jupyter shows them: `ename`, `evalue` and a traceback of the user's cells only, with each
 * frame's line and column in the cell as typed (through the cell's source maps), not in the compiled
 * JavaScript, and without the kernel's, tslab's or Node's own frames below the cell.
 */
import { SourceMap } from "node:module";
import { inspect } from "node:util";
import { sourcePrefixLines, type CellSourceMaps, type Diagnostic } from "./internals";

/** What the `error` message and the execute_reply carry. */
export interface ErrorContent {
  ename: string;
  evalue: string;
  traceback: string[];
}

/** A compiled cell, as the traceback needs it: its label and how its script lines map back. */
export interface CellScript {
  /** The file name given to the vm script. */
  filename: string;
  /** What a frame in this cell is called, e.g. `In[3]`. */
  label: string;
  /** Lines added before the compiled output in the vm script. */
  headerLines: number;
  /** Lines of the compiled output; the line after them is the wrapper's call, which is not the user's. */
  outputLines: number;
  maps: CellSourceMaps | null;
}

const scripts = new Map<
  string,
  { label: string; headerLines: number; outputLines: number; toEmit?: SourceMap; toSource?: SourceMap }
>();

/** Remember a compiled cell so later tracebacks (also from functions it defines) can map its frames. */
export function registerCellScript(cell: CellScript): void {
  scripts.set(cell.filename, {
    label: cell.label,
    headerLines: cell.headerLines,
    outputLines: cell.outputLines,
    ...(cell.maps
      ? { toEmit: new SourceMap(cell.maps.toEmit as never), toSource: new SourceMap(cell.maps.toSource as never) }
      : {}),
  });
}

/** The line (1-based) and column (1-based) in the cell of a position (1-based) in its vm script. */
export function cellPosition(filename: string, line: number, column: number): { line: number; column: number } | null {
  const script = scripts.get(filename);
  if (!script?.toEmit || !script.toSource) return null;
  const inEmit = script.toEmit.findEntry(line - 1 - script.headerLines, column - 1) as {
    originalLine?: number;
    originalColumn?: number;
  };
  if (inEmit.originalLine === undefined || inEmit.originalColumn === undefined) return null;
  const inSource = script.toSource.findEntry(inEmit.originalLine, inEmit.originalColumn) as {
    originalLine?: number;
    originalColumn?: number;
  };
  if (inSource.originalLine === undefined || inSource.originalColumn === undefined) return null;
  return { line: inSource.originalLine - sourcePrefixLines + 1, column: inSource.originalColumn + 1 };
}

const framePattern = /^\s*at (?:(.*?) \()?(.*?):(\d+):(\d+)\)?$/;

/** The frames of `stack` that are in cells, rewritten to the cells' positions; other frames are dropped. */
export function userFrames(stack: string): string[] {
  const frames: string[] = [];
  for (const line of stack.split("\n")) {
    const m = framePattern.exec(line);
    if (!m) continue;
    const [, fn, file, l, c] = m;
    const script = file === undefined ? undefined : scripts.get(file.replace(/^async /, ""));
    if (!script || !file) continue;
    if (Number(l) > script.headerLines + script.outputLines) continue;
    const pos = cellPosition(file.replace(/^async /, ""), Number(l), Number(c));
    const where = pos ? `${script.label}:${pos.line}:${pos.column}` : script.label;
    // The cell's own function wrapper is anonymous; name it after the cell rather than show nothing.
    frames.push(
      fn && fn !== "Object.<anonymous>" ? `    at ${fn.replace(/^async /, "")} (${where})` : `    at ${where}`,
    );
  }
  return frames;
}

/** The error message of a value a cell threw (or rejected with). */
export function errorContent(value: unknown): ErrorContent {
  if (value instanceof Error || (typeof value === "object" && value !== null && "stack" in value)) {
    const e = value as Error;
    const ename = typeof e.name === "string" && e.name ? e.name : e.constructor.name;
    const evalue = typeof e.message === "string" ? e.message : String(e.message);
    const frames = typeof e.stack === "string" ? userFrames(e.stack) : [];
    return { ename, evalue, traceback: [`${ename}: ${evalue}`, ...frames] };
  }
  // `throw "text"` and the like: no stack to show.
  const evalue = typeof value === "string" ? value : inspect(value);
  return { ename: "Error", evalue, traceback: [`Uncaught ${evalue}`] };
}

/** TypeScript's diagnostics of a cell as one error: `line:column - message` each, as tslab prints them. */
export function diagnosticsContent(diagnostics: Diagnostic[]): ErrorContent {
  const lines = diagnostics.map(
    (d) => `${d.fileName ? d.fileName + " " : ""}${d.start.line + 1}:${d.start.character + 1} - ${d.messageText}`,
  );
  return { ename: "TypeScriptError", evalue: lines.join("\n"), traceback: lines.map((l) => `TypeScriptError: ${l}`) };
}
