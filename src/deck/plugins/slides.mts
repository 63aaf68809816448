/**
 * remark plugin: the slides of a remark.js deck. Slides are separated by `---` lines (thematic breaks
 * at the top level), start with `key: value` properties, may have `--` increments and `???` notes.
 * Reports a `---` that Markdown reads as a heading underline, and unknown properties.
 */
import type { Heading, Paragraph, Root, RootContent } from "mdast";
import type { VFile } from "vfile";
import { deckData, failAt, type Slide } from "../source.mjs";

/** The slide properties remark.js understands. */
export const knownProperties = [
  "name",
  "class",
  "background-image",
  "background-position",
  "background-size",
  "background-color",
  "count",
  "template",
  "layout",
  "exclude",
  "seq",
];

function text(node: RootContent | Heading | Paragraph): string {
  if ("value" in node && typeof node.value === "string") return node.value;
  if ("children" in node) return (node.children as RootContent[]).map(text).join("");
  return "";
}

export default function remarkSlides() {
  return (tree: Root, file: VFile) => {
    const source = String(file.value);
    const slides: Slide[] = [];
    let start = 0;
    let nodes: RootContent[] = [];
    const names = new Map<string, number>();

    const close = (end: number) => {
      const index = slides.length + 1;
      const properties: Record<string, string> = {};
      let body = nodes;
      const first = nodes[0];
      if (first?.type === "paragraph") {
        const lines = source.slice(first.position!.start.offset, first.position!.end.offset).split("\n");
        if (lines.every((l) => /^[a-z][\w-]*:\s?/i.test(l))) {
          let offset = first.position!.start.offset!;
          for (const line of lines) {
            const [, key, value] = /^([a-z][\w-]*):\s?(.*)$/i.exec(line)!;
            if (!knownProperties.includes(key!))
              failAt(
                file,
                offset,
                `Unknown slide property "${key}" on slide ${index}; remark.js knows ${knownProperties.join(", ")}.`,
              );
            properties[key!] = value!.trim();
            offset += line.length + 1;
          }
          body = nodes.slice(1);
        }
      }
      if (properties["name"]) {
        const seen = names.get(properties["name"]);
        if (seen)
          failAt(
            file,
            first!.position!.start.offset!,
            `Slide ${index} is named "${properties["name"]}" like slide ${seen}; slide names must be unique.`,
          );
        names.set(properties["name"], index);
      }
      let increments = 0;
      let notes: string | null = null;
      for (const node of body) {
        if (node.type !== "paragraph") continue;
        const t = source.slice(node.position!.start.offset, node.position!.end.offset).trim();
        if (t === "--" && notes === null) increments++;
        if (t === "???" && notes === null) notes = source.slice(node.position!.end.offset, end).trim();
      }
      // The title: the first heading, else the first words of the first paragraph or code comment.
      // Content class openers (.smaller[) and closers are markup, not title text.
      const clean = (t: string) =>
        t
          .replace(/\.[a-zA-Z][\w-]*\[/g, "")
          .replace(/^[\s\]]+/, "")
          .replace(/\s+/g, " ")
          .trim();
      const heading = body.find((n): n is Heading => n.type === "heading");
      let title = heading ? clean(text(heading)) : "";
      for (const n of body) {
        if (title) break;
        if (n.type === "paragraph" && !/^(--|\?\?\?)$/.test(text(n).trim())) title = clean(text(n)).slice(0, 80);
        else if (n.type === "code") title = (/^\s*(?:\/\/|#)\s*(.+)$/m.exec(n.value)?.[1] ?? "").trim();
      }
      slides.push({
        index,
        start,
        end,
        line: source.slice(0, start).split("\n").length,
        properties,
        title,
        increments,
        notes,
      });
    };

    for (const node of tree.children) {
      const s = node.position!.start.offset!;
      const e = node.position!.end.offset!;
      if (node.type === "thematicBreak") {
        const raw = source.slice(s, e).trim();
        if (raw !== "---")
          failAt(
            file,
            s,
            `"${raw}" is a horizontal rule, not a slide separator; separate slides with a line of exactly "---" (use <hr> for a rule).`,
          );
        close(s);
        start = e + 1;
        nodes = [];
        continue;
      }
      if (node.type === "heading" && node.depth === 2 && /\n\s*-{2,}\s*$/.test(source.slice(s, e))) {
        failAt(
          file,
          s,
          `This line followed by "---" is read as a heading, not a slide break; put a blank line before "---".`,
        );
      }
      nodes.push(node);
    }
    close(source.length);
    deckData(file).slides = slides;
  };
}
