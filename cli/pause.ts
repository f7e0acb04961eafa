import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseDocument } from 'yaml';
import { setPaused, type PolicyDocumentStore } from '../functions/brakes/pause';
import type { Writer } from './audit';
import { UsageError } from './evaluate';

export const PAUSE_USAGE = `usage: warden pause --policy-file FILE
       warden resume --policy-file FILE

  pause    the kill switch: set paused: true in the policy, so no run changes anything once it is deployed. Runs
           that would change something are held (at their mode step, or just before the change for runs already
           under way) and listed by warden breaker status; notify and dry-run runs go on
  resume   set paused: false; runs held while paused stay held: start them with warden breaker release
    --policy-file   the policy document to change (YAML or JSON; every other field and comment is kept). The
                    deployed policy is the stack's PolicyJson parameter: deploy the file for the change to apply

exit codes: 0 done (or already so), 2 usage error or a policy that does not validate`;

/**
 * A policy file as the deployed policy's store: read as YAML (JSON is YAML), written back with only the changed
 * top-level fields replaced, so comments and layout stay.
 */
export function filePolicyStore(path: string): PolicyDocumentStore {
  const text = () => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      throw new UsageError(`cannot read policy file ${path}`);
    }
  };
  return {
    read: async () => {
      const doc = parseDocument(text());
      if (doc.errors.length) throw new UsageError(`${path}: not valid YAML/JSON: ${doc.errors[0]!.message}`);
      return (doc.toJS() ?? {}) as Record<string, unknown>;
    },
    write: async (next) => {
      const before = text();
      const doc = parseDocument(before);
      const old = (doc.toJS() ?? {}) as Record<string, unknown>;
      for (const [k, v] of Object.entries(next)) if (JSON.stringify(old[k]) !== JSON.stringify(v)) doc.set(k, v);
      // A JSON file stays JSON.
      writeFileSync(path, before.trimStart().startsWith('{') ? `${JSON.stringify(doc.toJS(), null, 2)}\n` : doc.toString());
    },
  };
}

export interface PauseDeps {
  store: (file: string) => PolicyDocumentStore;
  out: Writer;
}

/** `warden pause|resume --policy-file FILE`; args start with the command name. */
export async function pauseCommand(args: string[], deps: PauseDeps): Promise<number> {
  const [command, ...rest] = args;
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { 'policy-file': { type: 'string' } } });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const file = parsed.values['policy-file']?.trim();
  if (!file) throw new UsageError(`${command} needs --policy-file FILE (the policy you deploy as PolicyJson)`);
  const paused = command === 'pause';
  let result;
  try {
    result = await setPaused(deps.store(file), paused);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${file}: ${(e as Error).message}`);
  }
  const state = paused ? 'paused: true' : 'paused: false';
  deps.out.write(result.changed ? `${file}: ${state} (was ${result.was}); deploy it for the change to apply\n` : `${file}: already ${state}: nothing changed\n`);
  if (!paused) deps.out.write('runs held while paused stay held: see them with warden breaker status, start them with warden breaker release --all\n');
  return 0;
}
