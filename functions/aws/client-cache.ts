/**
 * One lazily-built SDK client per service and process. The SDK reads region and endpoint from the environment
 * (AWS_REGION, AWS_ENDPOINT_URL), which is how local runs reach the emulator with no code change.
 * Each service has its own module under aws/clients so a Lambda bundle holds only the clients it uses.
 */
const cache = new Map<string, unknown>();

export function lazy<T>(name: string, make: () => T): () => T {
  return () => {
    if (!cache.has(name)) cache.set(name, make());
    return cache.get(name) as T;
  };
}

/** SDK retries stay short: Step Functions owns retries with backoff. */
export const sdkConfig = () => ({ maxAttempts: 2 });

/** Forget built clients (tests and the demo switch endpoints between runs). */
export const resetClients = (): void => cache.clear();
