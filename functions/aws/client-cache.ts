/**
 * One lazily-built SDK client per service and process. The SDK reads region and endpoint from the environment
 * (AWS_REGION, AWS_ENDPOINT_URL), which is how local runs reach the emulator with no code change.
 * Each service has its own module under aws/clients so a Lambda bundle holds only the clients it uses.
 */
const cache = new Map<string, unknown>();
/** The getter of every client module loaded so far, by service name. */
const loaded = new Map<string, () => unknown>();

/** A middleware plugin (the SDK's `Pluggable`) for every client built: only tests and the bench add one. */
export interface ClientPlugin { applyToStack(stack: unknown): void }
const plugins = new Set<ClientPlugin>();

export function lazy<T>(name: string, make: () => T): () => T {
  const get = (): T => {
    if (!cache.has(name)) cache.set(name, withPlugins(make()));
    return cache.get(name) as T;
  };
  loaded.set(name, get);
  return get;
}

/** How every client built from now on is captured for X-Ray (runtime/tracer.ts sets it on Lambda). */
let capture: (<T>(client: T) => T) | undefined;
export const captureClients = (fn: <T>(client: T) => T): void => void (capture = fn);

/** The client with every plugin added so far, traced when tracing is on (clients built outside this cache too: other Regions and accounts). */
export function withPlugins<T>(client: T): T {
  for (const p of plugins) (client as { middlewareStack?: { use(p: ClientPlugin): void } }).middlewareStack?.use(p);
  return capture ? capture(client) : client;
}

/**
 * The client of a service whose module (aws/clients/<name>.ts) is loaded. Code that sends a service's commands imports
 * that module (test/unit/layers.test.ts checks), so whatever code is loaded finds its client here; the Lambdas then load
 * only the SDK clients of the actions and readers they run.
 */
export function loadedClient<T>(name: string): T {
  const get = loaded.get(name);
  if (!get) throw new Error(`the ${name} client is not loaded: the code that sends its commands must import aws/clients/${name}`);
  return get() as T;
}

/** SDK retries stay short: Step Functions owns retries with backoff. */
export const sdkConfig = () => ({ maxAttempts: 2 });

/** Caches of clients built outside this one (aws/account-clients.ts): forgotten with it. */
const otherCaches = new Set<Map<string, unknown>>();
export const forgetWithClients = (other: Map<string, unknown>): void => void otherCaches.add(other);

/** Forget built clients (tests and the demo switch endpoints between runs). */
export const resetClients = (): void => {
  cache.clear();
  for (const other of otherCaches) other.clear();
};

/**
 * Tests and the bench only (fault injection, local/faults.ts): `plugin` on every client built from now on; the
 * clients built so far are forgotten so that each is rebuilt with it. Returns the undo, which forgets them again.
 */
export function onEveryClient(plugin: ClientPlugin): () => void {
  plugins.add(plugin);
  resetClients();
  return () => {
    plugins.delete(plugin);
    resetClients();
  };
}
