/** A small SVG writer for figures made of images and text (grids, titles, colorbars). */

export interface SvgImage {
  png: Uint8Array;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface SvgText {
  x: number;
  y: number;
  text: string;
  size?: number;
  color?: string;
  anchor?: "start" | "middle" | "end";
  bold?: boolean;
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** An SVG document; images are embedded PNGs drawn without smoothing, so pixels stay square. */
export function svgDocument(width: number, height: number, images: SvgImage[], texts: SvgText[] = []): string {
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
  ];
  for (const im of images) {
    const href = `data:image/png;base64,${Buffer.from(im.png).toString("base64")}`;
    parts.push(
      `<image x="${im.x}" y="${im.y}" width="${im.width}" height="${im.height}" image-rendering="optimizeSpeed" style="image-rendering:pixelated" preserveAspectRatio="none" xlink:href="${href}" href="${href}"/>`,
    );
  }
  for (const t of texts) {
    parts.push(
      `<text x="${t.x}" y="${t.y}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="${t.size ?? 12}" fill="${t.color ?? "#222"}" text-anchor="${t.anchor ?? "middle"}"${t.bold ? ' font-weight="bold"' : ""}>${escapeXml(t.text)}</text>`,
    );
  }
  parts.push("</svg>");
  return parts.join("\n");
}
