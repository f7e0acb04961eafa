// The demo's metric summary (cli/demo/metrics.ts): EMF lines taken off stdout and summed; everything else written.
import { PassThrough } from 'node:stream';
import { addEmf, captureMetrics, emfLines, metricLines, type MetricSum } from '../../cli/demo/metrics';

const emf = (name: string, value: number | number[], dims: Record<string, string>, unit = 'Count') => JSON.stringify({
  _aws: { Timestamp: 1, CloudWatchMetrics: [{ Namespace: 'Warden', Dimensions: [['service', ...Object.keys(dims)]], Metrics: [{ Name: name, Unit: unit }] }] },
  service: 'warden', ...dims, [name]: value,
});

test('EMF lines are summed by name and dimensions (service left out), time metrics averaged', () => {
  const sums = new Map<string, MetricSum>();
  for (const line of [emf('Remediations', 1, { outcome: 'fixed' }), emf('Remediations', 1, { outcome: 'fixed' }), emf('Remediations', 1, { outcome: 'denied' }), emf('TimeToFix', [100, 300], { control: 'c' }, 'Milliseconds')]) {
    for (const e of emfLines(line)!) addEmf(sums, e);
  }
  expect(metricLines(sums)).toEqual([
    ['Remediations', 'outcome=denied', '1'],
    ['Remediations', 'outcome=fixed', '2'],
    ['TimeToFix', 'control=c', 'avg 200 ms over 2'],
  ]);
});

test('only EMF is taken off the stream; other output is written, and restore puts write back', () => {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream;
  let written = '';
  (stream as unknown as PassThrough).on('data', (d: Buffer) => (written += d.toString()));
  const capture = captureMetrics(stream);
  stream.write(`${emf('Findings', 1, { control: 'x' })}\n`);
  stream.write('a story line\n');
  stream.write('{"level":"INFO","message":"not a metric"}\n');
  capture.restore();
  stream.write(`${emf('Findings', 1, { control: 'x' })}\n`);
  expect([...capture.sums.values()].map((s) => [s.name, s.sum])).toEqual([['Findings', 1]]);
  expect(written).toContain('a story line');
  expect(written).toContain('not a metric');
  expect(written.match(/"_aws"/g)).toHaveLength(1);
});
