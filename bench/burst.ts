// The burst figures of `npm run bench`: many world-open findings arrive at once, across a few groups, under the
// breaker's default limits. Counted: auto-fixes (within the limits), held runs (waiting for a person), runs that
// found nothing left to do, and every event and run accounted for in the audit table or the dead-letter queue.
// test/statemachines/burst.test.ts runs a small version.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brakesTable } from '../functions/aws/brakes-table';
import { clients } from '../functions/aws/clients';
import { deliver, eachAtOnce, scanAll, withEmulator } from './kit';
import { defaultPolicy, type PolicyInput } from '../functions/domain/policy';
import { allow, createGroup, createVpc, tcp } from '../local/sandbox';
import { repoRoot } from '../local/template';
import { startLocalWarden, type LocalWarden } from '../local/warden-local';

export interface BurstFigures {
  findings: number;
  groups: number;
  limits: { perAccount: number; perControl: number; total: number; windowMinutes: number };
  /** Each event's decision when triaged: a rule another run had already revoked is `compliant` by then. */
  events: Record<string, number>;
  runs: number;
  /** Fixes not started because a run holding the resource's lock makes the same fix (its record accounts for them). */
  locked: number;
  outcomes: Record<string, number>;
  /** Fixed runs: at most the tightest limit. */
  autoFixed: number;
  heldListed: number;
  summaries: number;
  deadLettered: number;
  /** Runs started with no audit record, plus events neither triaged nor dead-lettered. */
  lost: number;
  wallMs: number;
}

/** `findings` CloudTrail events, each opening one rule, spread over `groups` groups, triaged `concurrency` at a time. */
export async function burstWith(w: LocalWarden, opts: { findings: number; groups: number; concurrency?: number; sinkReceived: () => { body: string }[] }): Promise<Omit<BurstFigures, 'limits'>> {
  const sample = readFileSync(join(repoRoot, 'events', 'cloudtrail', 'authorize-ssh-world.json'), 'utf8');
  const vpc = await createVpc();
  const groupIds: string[] = [];
  for (let g = 0; g < opts.groups; g++) groupIds.push(await createGroup(vpc, `burst-${g}`, { Owner: 'bench' }));
  const events: unknown[] = [];
  for (let i = 0; i < opts.findings; i++) {
    const groupId = groupIds[i % opts.groups]!;
    const rule = await allow(groupId, tcp(1000 + i, '0.0.0.0/0'));
    const event = JSON.parse(sample.split('sg-0a11c0ffee0000001').join(groupId).split('sgr-0a11c0ffee00000a1').join(rule)) as { id: string; detail: { requestParameters: unknown } };
    event.id = `burst-${i}`;
    events.push(event);
  }
  const started = new Set<string>();
  let deadLettered = 0;
  let locked = 0;
  const decided: Record<string, number> = {};
  const t0 = performance.now();
  await eachAtOnce(events, opts.concurrency ?? 10, async (event) => {
    const r = await deliver(w, event);
    if (!r) return void deadLettered++;
    // A run started by an earlier, failed delivery of the same event comes back as a duplicate: count it once.
    for (const e of r.executions) started.add(e.name);
    locked += r.locked?.length ?? 0;
    decided[r.status] = (decided[r.status] ?? 0) + 1;
  });
  const wallMs = Math.round(performance.now() - t0);
  const items = await scanAll(w.resources.tableName);
  const records = new Map(items.filter((i) => !i.id?.S?.includes('#')).map((i) => [i.id!.S!, i.outcome?.S ?? '']));
  const outcomes: Record<string, number> = {};
  for (const name of started) {
    const o = records.get(name) ?? 'no record';
    outcomes[o] = (outcomes[o] ?? 0) + 1;
  }
  const held = await brakesTable({ dynamodb: clients.dynamodb, tableName: w.resources.brakesTable }).heldRuns();
  return {
    findings: opts.findings, groups: opts.groups, events: decided, runs: started.size, locked, outcomes,
    autoFixed: outcomes.fixed ?? 0,
    heldListed: held.filter((h) => started.has(h.runId)).length,
    summaries: opts.sinkReceived().filter((r) => r.body.includes('breaker tripped')).length,
    deadLettered,
    lost: (outcomes['no record'] ?? 0),
    wallMs,
  };
}

/** The bench's burst: 1,000 findings over 20 groups under the default limits. */
export async function burstFigures(findings = 1000, groups = 20, policy: PolicyInput = {}): Promise<BurstFigures> {
  return withEmulator(async (sink) => {
    const w = await startLocalWarden({ slackWebhookUrl: `${sink.url}/slack`, prefix: 'bench-burst', policy });
    const { limits } = defaultPolicy(policy);
    const figures = await burstWith(w, { findings, groups, concurrency: 10, sinkReceived: () => sink.received });
    return { ...figures, limits: { perAccount: limits.perAccount, perControl: limits.perControl, total: limits.total, windowMinutes: limits.windowMinutes } };
  });
}

// `npm run bench:burst [findings] [groups]`: the burst figures alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await burstFigures(Number(process.argv[2] ?? 1000), Number(process.argv[3] ?? 20)), null, 2));
}
