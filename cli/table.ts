// The CLI's text tables (cli-table3, no borders) and colour: only on a terminal, never with NO_COLOR.
import Table from 'cli-table3';
import pc from 'picocolors';
import type { Writer } from './program';

/** How output looks on a stream: its width in columns, and whether to colour it. */
export interface Look {
  width: number;
  color: boolean;
}

const GAP = 2;
const MIN_COLUMN = 8;
/** The last column (free text: reasons, evidence, titles) wraps first, down to this width. */
const MIN_LAST = 30;

/** Colour only on a TTY, and never when NO_COLOR is set (https://no-color.org) or TERM is dumb. */
export function useColor(stream: Writer, env: NodeJS.ProcessEnv = process.env): boolean {
  return (stream as { isTTY?: boolean }).isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
}

/**
 * The look of a stream: on a terminal, its width (long cells wrap); piped (files, CI logs, tests), no limit: a row
 * stays on one line for grep, its columns as wide as their widest cell.
 */
export function lookOf(stream: Writer, env: NodeJS.ProcessEnv = process.env): Look {
  const tty = stream as { isTTY?: boolean; columns?: number };
  return { width: tty.isTTY && tty.columns ? tty.columns : Infinity, color: useColor(stream, env) };
}

export const PLAIN: Look = { width: Infinity, color: false };

/** picocolors, switched on or off for a look. */
export const paletteOf = (look: Look) => pc.createColors(look.color);

/** Text cut into lines of at most `width`: at spaces where it can, inside a long word (a path, an ARN) where it must. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(/ +/)) {
      let w = word;
      if (line && line.length + 1 + w.length <= width) {
        line += ` ${w}`;
        continue;
      }
      if (line) lines.push(line);
      while (w.length > width) {
        lines.push(w.slice(0, width));
        w = w.slice(width);
      }
      line = w;
    }
    lines.push(line);
  }
  return lines;
}

/**
 * Column widths that fit `width`: each column as wide as its widest cell; when too wide, the last column (free text)
 * shrinks first, then the widest, never below its header or MIN_COLUMN.
 */
export function fitWidths(cells: string[][], width: number): number[] {
  const n = Math.max(...cells.map((r) => r.length));
  const widths = Array.from({ length: n }, (_, i) => Math.max(1, ...cells.map((r) => Math.max(...(r[i] ?? '').split('\n').map((l) => l.length)))));
  const floor = widths.map((w, i) => Math.min(w, Math.max(MIN_COLUMN, (cells[0]?.[i] ?? '').length)));
  let total = widths.reduce((a, b) => a + b, 0) + GAP * (n - 1);
  const last = n - 1;
  const lastFloor = Math.max(floor[last]!, Math.min(widths[last]!, MIN_LAST));
  if (total > width && widths[last]! > lastFloor) {
    const cut = Math.min(total - width, widths[last]! - lastFloor);
    widths[last]! -= cut;
    total -= cut;
  }
  while (total > width) {
    const widest = widths.reduce((best, w, i) => (w - floor[i]! > widths[best]! - floor[best]! || (w - floor[i]! === widths[best]! - floor[best]! && w > widths[best]!) ? i : best), 0);
    if (widths[widest]! <= floor[widest]!) break; // nothing left to shrink: the line stays long
    widths[widest]!--;
    total--;
  }
  return widths;
}

/**
 * A table without borders: a header row, then the rows, each column as wide as its widest cell, the table at most
 * `look.width` wide (long cells wrap inside their column, so columns stay aligned); no trailing spaces.
 * `paint` colours a cell (column, text) when the look has colour.
 */
export function renderTable(header: string[], rows: string[][], look: Look = PLAIN, paint?: (column: number, text: string) => string): string[] {
  const widths = fitWidths([header, ...rows], look.width);
  const colors = paletteOf(look);
  const cell = (text: string, i: number, head: boolean) =>
    wrap(text, widths[i]!).map((l) => (!look.color || !l ? l : head ? colors.bold(l) : paint ? paint(i, l) : l)).join('\n');
  const none = Object.fromEntries(['top', 'top-mid', 'top-left', 'top-right', 'bottom', 'bottom-mid', 'bottom-left', 'bottom-right', 'left', 'left-mid', 'mid', 'mid-mid', 'right', 'right-mid', 'middle'].map((k) => [k, '']));
  const table = new Table({
    head: header.map((h, i) => cell(h, i, true)),
    chars: none,
    colWidths: widths.map((w) => w + GAP),
    style: { 'padding-left': 0, 'padding-right': GAP, head: [], border: [], compact: true },
  });
  table.push(...rows.map((r) => header.map((_, i) => cell(r[i] ?? '', i, false))));
  return table.toString().split('\n').map((l) => l.trimEnd());
}

const TONES: Record<string, 'red' | 'yellow' | 'green' | 'dim'> = {
  CRITICAL: 'red', HIGH: 'red', MEDIUM: 'yellow', LOW: 'dim', INFORMATIONAL: 'dim',
  violation: 'red', compliant: 'green', invalid: 'yellow', ignored: 'dim', active: 'green', expired: 'red',
};

/** A `paint` for renderTable: severities and verdicts in their colour, everything else as it is. */
export const tones = (look: Look) => {
  const colors = paletteOf(look);
  return (_column: number, text: string): string => (TONES[text] ? colors[TONES[text]](text) : text);
};
