/** A plain text table: columns padded to their widest cell (at most `max` characters), the last column left free. */
export function renderTable(header: string[], rows: string[][], max = 48): string[] {
  const widths = header.map((h, i) => Math.min(max, Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length))));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}
