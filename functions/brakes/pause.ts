import { policyFrom } from '../domain/policy/load';

/**
 * Where the deployed policy document is kept, read and written whole. Adapters: in memory (tests), this process's
 * WARDEN_POLICY (the local Warden: envPolicyStore), a policy file (the CLI: cli/pause.ts).
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

/**
 * The deployed policy of this process: WARDEN_POLICY (JSON), as the functions read it today (runtime/config.ts).
 * The local Warden runs every handler in one process, so writing it here pauses them all; `changed` forgets the
 * cached policy.
 */
export function envPolicyStore(env: NodeJS.ProcessEnv, changed: () => void): PolicyDocumentStore {
  return {
    read: async () => (env.WARDEN_POLICY?.trim() ? (JSON.parse(env.WARDEN_POLICY) as Record<string, unknown>) : {}),
    write: async (d) => {
      env.WARDEN_POLICY = JSON.stringify(d);
      changed();
    },
  };
}
