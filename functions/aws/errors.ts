/** Errors Step Functions can match by name (Lambda reports `error.name` as the error type). */
export class WardenError extends Error {
  constructor(name: `Warden.${string}`, message: string) {
    super(message);
    this.name = name;
  }
}

const THROTTLE_CODES = new Set([
  'RequestLimitExceeded', 'Throttling', 'ThrottlingException', 'TooManyRequestsException',
  'ProvisionedThroughputExceededException', 'RequestThrottled', 'SlowDown',
]);

export const errorName = (err: unknown): string => (err as { name?: string })?.name ?? '';

/** A DynamoDB conditional write whose condition did not hold: an answer, not a fault. */
export const isConditionFailed = (err: unknown): boolean => errorName(err) === 'ConditionalCheckFailedException';

/** Is this AWS throttling (by error code, or HTTP 429)? */
export const isThrottling = (err: unknown): boolean =>
  THROTTLE_CODES.has(errorName(err)) || (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode === 429;

/** AWS throttling as Warden.Throttled, the name the state machines' Retry (with backoff) matches; other errors as they are. */
export const asWardenThrottled = (err: unknown): unknown =>
  isThrottling(err) ? new WardenError('Warden.Throttled', `${errorName(err) || 'HTTP 429'}: ${(err as Error).message}`) : err;

/** Re-throw AWS throttling as Warden.Throttled so the state machine's Retry (with backoff) handles it. */
export function rethrowThrottling(err: unknown): never {
  throw asWardenThrottled(err);
}

/**
 * Describe resources by id, leaving out ids that no longer exist. EC2 fails a whole batch on one unknown id
 * (`notFound`, e.g. InvalidVolume.NotFound): the batch is then asked one id at a time.
 */
export async function describeKnown<T>(ids: string[], notFound: string, describe: (ids: string[]) => Promise<T[] | undefined>): Promise<T[]> {
  if (ids.length === 0) return [];
  try {
    return (await describe(ids)) ?? [];
  } catch (err) {
    if (errorName(err) !== notFound) return rethrowThrottling(err);
    if (ids.length === 1) return [];
    return (await Promise.all(ids.map((id) => describeKnown([id], notFound, describe)))).flat();
  }
}
