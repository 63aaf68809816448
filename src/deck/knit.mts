/**
 * The knit step: every chunk of the deck runs in one kernel session, in order, on the deepdeck kernel
 * through nbclient (the executor the notebooks use), and its outputs are kept in a cache keyed by the
 * code up to that chunk, so a deck whose code has not changed builds without running anything.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { makeDirs, writeFileAtomic } from "../io/atomic_write.js";
import { executeNotebook, makeNotebook, type CellOutput } from "../executor/execute.js";
import type { ParsedDeck } from "./parse.mjs";

export interface KnitCache {
  version: 1;
  chunks: Record<string, { hash: string; outputs: CellOutput[] }>;
  inline: Record<string, { hash: string; text: string }>;
}

export interface KnitResult {
  chunks: Map<string, CellOutput[]>;
  inline: Map<string, string>;
  executed: boolean;
}

export interface KnitOptions {
  /** The cache file (JSON). */
  cache: string;
  /** Run the chunks when the cache is stale. Default false: a stale cache is an error. */
  execute?: boolean;
  /** Folder the kernel runs in (files the chunks write land there). */
  workDir: string;
  /** Environment of the kernel. */
  env?: NodeJS.ProcessEnv;
  /** Seconds a chunk may take. Default 3600. */
  timeout?: number;
  /** Run the chunks even when the cache matches the code (the cache does not see changes to deepdeck itself). */
  force?: boolean;
}

/** The hash of each evaluated chunk and inline expression: its code and all the code before it. */
export function knitHashes(deck: ParsedDeck): { chunks: Map<string, string>; inline: Map<string, string> } {
  const chunks = new Map<string, string>();
  const inline = new Map<string, string>();
  let running = createHash("sha256").update("deepdeck-knit-1").digest("hex");
  for (const expr of deck.inline.filter((e) => e.after === null))
    inline.set(
      expr.id,
      createHash("sha256")
        .update(running + expr.expression)
        .digest("hex"),
    );
  for (const chunk of deck.chunks) {
    if (!chunk.options.eval) continue;
    running = createHash("sha256")
      .update(running + chunk.code)
      .digest("hex");
    chunks.set(chunk.id, running);
    for (const expr of deck.inline.filter((e) => e.after === chunk.id))
      inline.set(
        expr.id,
        createHash("sha256")
          .update(running + expr.expression)
          .digest("hex"),
      );
  }
  return { chunks, inline };
}

export function readKnitCache(path: string): KnitCache {
  if (!existsSync(path)) return { version: 1, chunks: {}, inline: {} };
  return JSON.parse(readFileSync(path, "utf8")) as KnitCache;
}

function outputText(outputs: CellOutput[]): string {
  return outputs
    .map((o) =>
      o.output_type === "stream"
        ? [o.text ?? ""].flat().join("")
        : o.output_type === "error"
          ? `${o.ename}: ${o.evalue}`
          : [(o.data?.["text/plain"] as string | string[] | undefined) ?? ""].flat().join(""),
    )
    .join("");
}

/** Outputs of every chunk, from the cache or by running the deck. */
export function knit(deck: ParsedDeck, options: KnitOptions): KnitResult {
  const hashes = knitHashes(deck);
  const cache = readKnitCache(options.cache);
  const stale = [...hashes.chunks].filter(([id, h]) => cache.chunks[id]?.hash !== h).map(([id]) => id);
  const staleInline = [...hashes.inline].filter(([id, h]) => cache.inline[id]?.hash !== h).map(([id]) => id);
  if (stale.length === 0 && staleInline.length === 0 && !options.force) {
    return {
      chunks: new Map([...hashes.chunks.keys()].map((id) => [id, cache.chunks[id]!.outputs])),
      inline: new Map([...hashes.inline.keys()].map((id) => [id, cache.inline[id]!.text])),
      executed: false,
    };
  }
  if (!options.execute) {
    throw new Error(
      `The knit cache ${options.cache} is out of date for ${[...stale, ...staleInline].join(", ")}; run \`npm run slides -- --execute\` to run the deck's code (it trains the course's models).`,
    );
  }
  // One cell per evaluated chunk, and one per inline expression right after the chunk it follows.
  const cells: { id: string; kind: "chunk" | "inline"; source: string }[] = [];
  for (const expr of deck.inline.filter((e) => e.after === null))
    cells.push({ id: expr.id, kind: "inline", source: `String(${expr.expression})` });
  for (const chunk of deck.chunks) {
    if (!chunk.options.eval) continue;
    cells.push({ id: chunk.id, kind: "chunk", source: chunk.code });
    for (const expr of deck.inline.filter((e) => e.after === chunk.id))
      cells.push({ id: expr.id, kind: "inline", source: `String(${expr.expression})` });
  }
  makeDirs(options.workDir);
  const run = executeNotebook(makeNotebook(cells.map((c) => c.source)), {
    cwd: options.workDir,
    timeout: options.timeout ?? 3600,
    env: options.env ?? process.env,
  });
  if (run.error) {
    // nbclient stops at the failing cell: the last one that has outputs.
    const failedAt = run.notebook.cells.reduce((last, c, i) => ((c.outputs ?? []).length > 0 ? i : last), 0);
    const cell = cells[failedAt]!;
    const chunk = deck.chunks.find((c) => c.id === cell.id);
    throw new Error(
      `Chunk ${cell.id}${chunk ? ` (slide ${chunk.slide})` : ""} failed (${run.error}):\n${outputText(run.notebook.cells[failedAt]?.outputs ?? [])}`,
    );
  }
  const next: KnitCache = { version: 1, chunks: {}, inline: {} };
  cells.forEach((cell, i) => {
    const outputs = run.notebook.cells[i]?.outputs ?? [];
    if (cell.kind === "chunk") next.chunks[cell.id] = { hash: hashes.chunks.get(cell.id)!, outputs };
    else next.inline[cell.id] = { hash: hashes.inline.get(cell.id)!, text: outputText(outputs).trim() };
  });
  writeFileAtomic(options.cache, JSON.stringify(next, null, 1) + "\n");
  return {
    chunks: new Map(Object.entries(next.chunks).map(([k, v]) => [k, v.outputs])),
    inline: new Map(Object.entries(next.inline).map(([k, v]) => [k, v.text])),
    executed: true,
  };
}
