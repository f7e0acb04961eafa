// What the fault and burst figures share: an emulator with a Slack sink, an event delivered as the triage queue would
// deliver it, a pool of workers, and every item of a table.
import { ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { clients } from '../functions/aws/clients';
import type { TriageResult } from '../functions/handlers/triage';
import { startMoto, useEmulator } from '../local/moto';
import { startSink, type Sink } from '../local/sink';
import type { LocalWarden } from '../local/warden-local';

/** moto and a Slack sink for `measure`, stopped after it. */
export async function withEmulator<T>(measure: (sink: Sink) => Promise<T>): Promise<T> {
  const moto = await startMoto();
  useEmulator(moto.endpoint);
  const sink = await startSink();
  try {
    return await measure(sink);
  } finally {
    await sink.close();
    await moto.stop();
  }
}

/** As TriageQueue would: delivered again after a failure, up to 5 times; undefined when it would go to the DLQ. */
export async function deliver(w: LocalWarden, event: unknown): Promise<TriageResult | undefined> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const result = await w.triage(event).catch(() => undefined);
    if (result) return result;
  }
  return undefined;
}

/** `work` on every item, `concurrency` at a time. */
export async function eachAtOnce<I>(items: readonly I[], concurrency: number, work: (item: I) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Every item of a table (Scan pages at 1 MB). */
export async function scanAll(TableName: string): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await clients.dynamodb().send(new ScanCommand({ TableName, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}
