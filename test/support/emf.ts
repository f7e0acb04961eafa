/**
 * The EMF lines Powertools Metrics writes to stdout while `fn` runs, parsed, with POWERTOOLS_METRICS_DISABLED unset
 * for that time (test/setup-env.ts sets it for every other test). Other stdout lines are passed through.
 */
export interface Emf {
  _aws: { Timestamp: number; CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
  [key: string]: unknown;
}

export async function captureEmf(fn: () => unknown): Promise<Emf[]> {
  const lines: Emf[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = String(chunk);
    if (!text.includes('"_aws"')) return (write as (...a: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
    for (const l of text.split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Emf);
    return true;
  }) as typeof process.stdout.write;
  const before = process.env.POWERTOOLS_METRICS_DISABLED;
  delete process.env.POWERTOOLS_METRICS_DISABLED;
  try {
    await fn();
  } finally {
    process.stdout.write = write;
    if (before !== undefined) process.env.POWERTOOLS_METRICS_DISABLED = before;
  }
  return lines;
}
