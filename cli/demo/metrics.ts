// The demo's metrics: the handlers emit CloudWatch embedded-metric lines (Powertools Metrics) on stdout, as on
// Lambda; the demo takes them off its console and prints what they added up to at the end.

/** One metric with one set of dimension values, summed over the run. */
export interface MetricSum { name: string; dimensions: string; unit: string; sum: number; points: number }

interface Emf {
  _aws?: { CloudWatchMetrics?: { Namespace?: string; Dimensions?: string[][]; Metrics?: { Name: string; Unit?: string }[] }[] };
  [key: string]: unknown;
}

/** Parse one stdout chunk: the EMF object(s) in it, or undefined when it is anything else. */
export function emfLines(chunk: string): Emf[] | undefined {
  const lines = chunk.split('\n').filter((l) => l.trim());
  if (lines.length === 0 || !lines.every((l) => l.startsWith('{') && l.includes('"_aws"'))) return undefined;
  try {
    return lines.map((l) => JSON.parse(l) as Emf);
  } catch {
    return undefined;
  }
}

/** Add what one EMF object says to `sums` (key: name + dimensions). */
export function addEmf(sums: Map<string, MetricSum>, emf: Emf): void {
  for (const directive of emf._aws?.CloudWatchMetrics ?? []) {
    const dims = (directive.Dimensions?.[0] ?? []).filter((d) => d !== 'service').map((d) => `${d}=${String(emf[d])}`).join(' ');
    for (const m of directive.Metrics ?? []) {
      const raw = emf[m.Name];
      const values = (Array.isArray(raw) ? raw : [raw]).map(Number).filter(Number.isFinite);
      const key = `${m.Name}|${dims}`;
      const s = sums.get(key) ?? { name: m.Name, dimensions: dims, unit: m.Unit ?? '', sum: 0, points: 0 };
      s.sum += values.reduce((a, b) => a + b, 0);
      s.points += values.length;
      sums.set(key, s);
    }
  }
}

/** Divert EMF lines written to stdout into sums until `restore()`; everything else is written as usual. */
export function captureMetrics(stream: NodeJS.WriteStream = process.stdout): { sums: Map<string, MetricSum>; restore(): void } {
  const sums = new Map<string, MetricSum>();
  const write = stream.write.bind(stream);
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    const emf = typeof chunk === 'string' ? emfLines(chunk) : undefined;
    if (!emf) return (write as (c: unknown, ...r: unknown[]) => boolean)(chunk, ...rest);
    for (const e of emf) addEmf(sums, e);
    const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    done?.();
    return true;
  }) as typeof stream.write;
  return { sums, restore: () => void (stream.write = write as typeof stream.write) };
}

/** The summary: one line per metric and dimensions, the time metrics as averages. */
export function metricLines(sums: Map<string, MetricSum>): string[][] {
  return [...sums.values()]
    .sort((a, b) => a.name.localeCompare(b.name) || a.dimensions.localeCompare(b.dimensions))
    .map((s) => [s.name, s.dimensions || '-', s.unit === 'Milliseconds' ? `avg ${Math.round(s.sum / Math.max(1, s.points))} ms over ${s.points}` : String(s.sum)]);
}
