// cli/table.ts: borderless tables (cli-table3) that stay aligned with long values, and colour only on a terminal.
import { lookOf, renderTable, tones, useColor, wrap } from '../../cli/table';
import { plainSlackText } from '../../cli/slack-text';

const ESC = '\u001b[';
const ARN = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/payments-batch-with-a-very-long-family-name-for-testing:42';
const HEADER = ['SEVERITY', 'CONTROL', 'RESOURCE', 'EVIDENCE'];
const ROWS = [
  ['CRITICAL', 'sg-world-open-ingress', 'sg-0abc', 'tcp/22 open to 0.0.0.0/0'],
  ['HIGH', 'ecs-task-root-user', ARN, 'container "batch" runs as root (user unset) and this sentence is long enough to wrap somewhere'],
];

/** Where each column starts in the header line. */
const starts = (header: string) => HEADER.map((h) => header.indexOf(h));

test('piped (no terminal): one line per row, columns as wide as their widest cell, no trailing spaces', () => {
  const lines = renderTable(HEADER, ROWS);
  expect(lines).toHaveLength(3);
  const at = starts(lines[0]!);
  expect(lines[2]!.slice(at[2], at[2]! + ARN.length)).toBe(ARN);
  expect(lines[1]!.indexOf('tcp/22')).toBe(at[3]);
  expect(lines[2]!.indexOf('container')).toBe(at[3]);
  for (const l of lines) expect(l).toBe(l.trimEnd());
});

test('on an 80-column terminal: long values wrap inside their column, every line fits, columns stay aligned', () => {
  const look = lookOf({ write: () => true, isTTY: true, columns: 80 } as never, {});
  expect(look.width).toBe(80);
  const lines = renderTable(HEADER, ROWS, { ...look, color: false });
  expect(lines.length).toBeGreaterThan(3);
  for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
  const at = starts(lines[0]!);
  // Every piece of a cell starts at its column, preceded by the gap: read the ARN back from its column.
  const column = (i: number, line: string) => line.slice(at[i], at[i + 1] ?? undefined).trim();
  for (const l of lines.slice(1)) for (const i of [1, 2, 3]) if (l.length > at[i]!) expect(l.slice(at[i]! - 2, at[i])).toBe('  ');
  const rowLines = lines.slice(lines.findIndex((l) => l.startsWith('HIGH')));
  expect(rowLines.map((l) => column(2, l)).join('')).toBe(ARN);
  expect(rowLines.map((l) => column(3, l)).filter(Boolean).join(' ')).toBe(ROWS[1]![3]);
  expect(column(0, rowLines[0]!)).toBe('HIGH');
  expect(rowLines.slice(1).every((l) => column(0, l) === '')).toBe(true);
});

test('wrap: at spaces where it can, inside a long word where it must', () => {
  expect(wrap('a bb ccc dddd', 6)).toEqual(['a bb', 'ccc', 'dddd']);
  expect(wrap('arn:aws:ecs:x', 5)).toEqual(['arn:a', 'ws:ec', 's:x']);
  expect(wrap('', 5)).toEqual(['']);
});

test('colour: only on a TTY, never with NO_COLOR or TERM=dumb; piped output has no escape codes', () => {
  const tty = { write: () => true, isTTY: true, columns: 120 } as never;
  const pipe = { write: () => true } as never;
  expect(useColor(tty, {})).toBe(true);
  expect(useColor(tty, { NO_COLOR: '1' })).toBe(false);
  expect(useColor(tty, { TERM: 'dumb' })).toBe(false);
  expect(useColor(pipe, { FORCE_COLOR: '1' })).toBe(false);
  const coloured = renderTable(HEADER, ROWS, lookOf(tty, {}), tones(lookOf(tty, {}))).join('\n');
  expect(coloured).toContain(`${ESC}31mCRITICAL`);
  expect(coloured).toContain(`${ESC}1mSEVERITY`);
  expect(renderTable(HEADER, ROWS, lookOf(pipe, {}), tones(lookOf(pipe, {}))).join('\n')).not.toContain(ESC);
  expect(renderTable(HEADER, ROWS, lookOf(tty, { NO_COLOR: '1' }), tones(lookOf(tty, { NO_COLOR: '1' }))).join('\n')).not.toContain(ESC);
});

test("Slack date tokens read as their fallback outside Slack; other text is left as it is", () => {
  expect(plainSlackText('Approval needed: x (HIGH). Decide by <!date^1795173605^{date_short_pretty} at {time}|2026-11-20 11:20 UTC>.'))
    .toBe('Approval needed: x (HIGH). Decide by 2026-11-20 11:20 UTC.');
  expect(plainSlackText('<!date^1^{date}^https://x.example|1970-01-01 00:00 UTC> and <@U1>')).toBe('1970-01-01 00:00 UTC and <@U1>');
});
