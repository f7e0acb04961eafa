import type { Where } from '../../domain/events/refs';
import type { ScannedResource } from '../../domain/scan';

/** What one inventory reader gives: the resources it read, by kind ("security groups", "ECS services"…). */
export type Inventory = Record<string, ScannedResource[]>;

/** A part the reader could not read (a cluster's services, one repository's tags); the reader goes on with the rest. */
export type OnGap = (what: string, err: unknown) => void;

/** `fn` over `items`, at most `limit` at a time, results in order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** How many calls one reader makes at once: a few, so a large Region is not read one call at a time. */
export const PARALLEL = 8;

/** Account and Region of an ARN (`arn:aws:ecs:eu-west-1:123456789012:…`); the Region read when the ARN names none. */
export function whereOfArn(arn: string, region: string): Where {
  const [, partition = 'aws', , arnRegion, account = ''] = arn.split(':');
  return { partition, region: arnRegion || region, account };
}
