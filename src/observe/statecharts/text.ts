// Text on the SVG chart: sizes without a font engine, line wrapping, XML escaping. The chart uses
// a monospace font, whose advance is ~0.6 em in every common face (DejaVu Sans Mono, Menlo,
// Consolas, Liberation Mono), so a label's width is its length times one number.

export const FONT_FAMILY =
  "ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', 'Liberation Mono', monospace";
/** Per-character advance as a fraction of the font size, rounded up so text never overflows. */
const ADVANCE = 0.62;

export interface TextStyle {
  readonly size: number;
  readonly lineHeight: number;
}

export const NAME_TEXT: TextStyle = { size: 13, lineHeight: 16 };
export const SMALL_TEXT: TextStyle = { size: 11, lineHeight: 14 };

export function textWidth(text: string, style: TextStyle): number {
  return Math.ceil(Array.from(text).length * style.size * ADVANCE);
}

/**
 * Greedy wrap of `text` at the given separators (kept at the end of the line they close), so no
 * line exceeds `max` characters unless a single piece does.
 */
export function wrap(text: string, max: number, separators: readonly string[] = [', ', ' and ', ' or ']): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > 0) {
    const cut = separators
      .map((sep) => ({ at: rest.indexOf(sep), sep }))
      .filter((c) => c.at >= 0)
      .sort((a, b) => a.at - b.at)[0];
    if (cut === undefined) {
      pieces.push(rest);
      break;
    }
    const end = cut.at + cut.sep.length;
    pieces.push(rest.slice(0, end));
    rest = rest.slice(end);
  }
  const lines: string[] = [];
  for (const piece of pieces) {
    const last = lines[lines.length - 1];
    if (last !== undefined && (last + piece).trimEnd().length <= max) lines[lines.length - 1] = last + piece;
    else lines.push(piece);
  }
  return lines.map((line, i) => (i === 0 ? line.trimEnd() : `  ${line.trim()}`));
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A coordinate as written into the SVG: one decimal, no `-0`. */
export function num(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return Object.is(rounded, -0) ? '0' : String(rounded);
}
