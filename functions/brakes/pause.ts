import { policyFrom } from '../domain/policy/load';

/**
 * Where the deployed policy document is kept, read and written whole. Adapters: in memory (tests), and the SSM
 * parameter the functions read (parameterPolicyStore: `warden pause`, the local Warden).
 */
export interface PolicyDocumentStore {
  read(): Promise<Record<string, unknown>>;
  write(document: Record<string, unknown>): Promise<void>;
}

/** What pause or resume did. */
export interface PauseResult {
  was: boolean;
  paused: boolean;
  changed: boolean;
}

/**
 * The kill switch: set `paused` in the deployed policy. The document is validated before and after (a policy that
 * does not parse is never written), every other field is kept as it was, and nothing is written when it is already
 * so. Runs read it at their mode step and again just before a change.
 */
export async function setPaused(deployed: PolicyDocumentStore, paused: boolean): Promise<PauseResult> {
  const document = await deployed.read();
  const was = policyFrom(document).paused;
  if (was === paused) return { was, paused, changed: false };
  const next = { ...document, paused };
  policyFrom(next);
  await deployed.write(next);
  return { was, paused, changed: true };
}

/** A policy document in memory (tests). */
export function memoryPolicyStore(initial: Record<string, unknown> = {}): PolicyDocumentStore & { document: () => Record<string, unknown> } {
  let doc = structuredClone(initial);
  return {
    read: async () => structuredClone(doc),
    write: async (d) => {
      doc = structuredClone(d);
    },
    document: () => structuredClone(doc),
  };
}

/** The deployed policy as its SSM parameter keeps it: JSON text, a new version on each write (cli/policy.ts PolicyStore). */
export interface PolicyTextStore {
  get(name: string): Promise<{ text: string; version: number } | undefined>;
  put(name: string, text: string, tier?: 'Advanced'): Promise<number>;
}

/** Standard parameters hold 4 KB; past that the document needs the Advanced tier (as `warden policy push` writes it). */
const STANDARD_BYTES = 4096;

/**
 * The deployed policy document in its parameter `name`: read as JSON, written back compact (a new version), as
 * `warden policy push` writes it. Functions see the change within the stack's PolicyCacheSeconds.
 */
export function parameterPolicyStore(store: PolicyTextStore, name: string): PolicyDocumentStore {
  return {
    async read() {
      const found = await store.get(name);
      if (!found) throw new Error(`no parameter ${name}: there is no deployed policy to change`);
      return (found.text.trim() ? JSON.parse(found.text) : {}) as Record<string, unknown>;
    },
    async write(document) {
      const text = JSON.stringify(document);
      await store.put(name, text, Buffer.byteLength(text, 'utf8') > STANDARD_BYTES ? 'Advanced' : undefined);
    },
  };
}
