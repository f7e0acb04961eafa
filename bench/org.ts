// The organization simulation behind docs/scale.md: a hub and 20 member accounts × 2 Regions on one moto server (moto
// keeps each account's state apart by the assumed role's account), the real handlers and local state machines.
// 1. Events: in each account and Region, groups with a world-open SSH rule, each announced by its CloudTrail event;
//    every event triaged (as the triage queue delivers it) and its run executed: executions, transitions, AWS calls
//    by service and the wall time.
// 2. One sweep of the organization: in each account and Region a group no event announced; the sweep's items, the
//    runs it started, its AWS calls and wall time.
// Alone: `npm run bench:org [accounts] [groups per account and Region]` (default 20 and 2).
import { onEveryClient, type ClientPlugin } from '../functions/aws/client-cache';
import type { PolicyInput } from '../functions/domain/policy';
import { ec2InAccount, openSsh } from '../local/accounts';
import { HUB_ACCOUNT, startLocalWarden, type LocalWarden } from '../local/warden-local';
import { deliver, eachAtOnce, withEmulator } from './kit';
import { sampleEvent } from '../local/samples';

export const REGIONS = ['us-east-1', 'eu-west-1'] as const;

export interface OrgFigures {
  accounts: number;
  regions: number;
  events: { events: number; executions: number; fixed: number; transitions: number; awsCalls: number; callsByService: Record<string, number>; assumeRoles: number; wallMs: number };
  sweep: { items: number; runsStarted: number; fixed: number; transitions: number; awsCalls: number; callsByService: Record<string, number>; assumeRoles: number; wallMs: number; gaps: number };
}

/** Counts every SDK call by service (`ec2:`, `sts:` …), on every client built while it is on (local/faults.ts's way in). */
function callCounter(): { calls: Map<string, number>; plugin: ClientPlugin } {
  const calls = new Map<string, number>();
  const plugin: ClientPlugin = {
    applyToStack(stack) {
      (stack as { add(m: unknown, o: object): void }).add(
        (next: (a: unknown) => unknown, context: { clientName?: string; commandName?: string }) => (args: unknown) => {
          const key = `${(context.clientName ?? '?').replace(/Client$/, '')}:${context.commandName ?? '?'}`;
          calls.set(key, (calls.get(key) ?? 0) + 1);
          return next(args);
        },
        { step: 'initialize', name: 'warden-bench-org-counter' },
      );
    },
  };
  return { calls, plugin };
}

const byService = (calls: Map<string, number>): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const [k, n] of calls) out[k.split(':')[0]!] = (out[k.split(':')[0]!] ?? 0) + n;
  return Object.fromEntries(Object.entries(out).sort((a, b) => b[1] - a[1]));
};
const total = (calls: Map<string, number>) => [...calls.values()].reduce((a, b) => a + b, 0);

function sshEvent(account: string, region: string, group: string, rule: string, id: string): unknown {
  const event = sampleEvent<object>('cloudtrail/authorize-ssh-world.json', {
    '111122223333': account, 'sg-0a11c0ffee0000001': group, 'sgr-0a11c0ffee00000a1': rule, '"us-east-1"': `"${region}"`,
  });
  return { ...event, id };
}

const fixedRuns = (w: LocalWarden, names: readonly string[]) => names.filter((n) => w.runs.get(n)?.path.includes('MarkFixed')).length;
const transitions = (w: LocalWarden, names: readonly string[]) => names.reduce((n, name) => n + (w.runs.get(name)?.path.length ?? 0), 0);

export async function orgFigures(accountCount = 20, groupsPer = 2): Promise<OrgFigures> {
  const members = Array.from({ length: accountCount }, (_, i) => String(200000000000 + i));
  return withEmulator(async (sink) => {
    // The breaker's default limits (5 automatic fixes per control per window) would hold most of an organization's first
    // fixes: the simulation measures the fix path, so they are raised (docs/scale.md says what to set).
    const policy: PolicyInput = {
      controls: { 'sg-default-group-open': { enabled: false } }, ownRoles: [`arn:aws:iam::${HUB_ACCOUNT}:role/warden-hub-apply`],
      limits: { perControl: 100000, total: 100000, perAccount: 1000 },
    };
    const w = await startLocalWarden({ slackWebhookUrl: `${sink.url}/slack`, policy, memberAccounts: members, sweepRegions: REGIONS.join(','), msPerTimeoutSecond: 0.1 });
    const endpoint = process.env.AWS_ENDPOINT_URL!;
    const places = members.flatMap((account) => REGIONS.map((region) => ({ account, region })));
    const ec2 = new Map<string, Awaited<ReturnType<typeof ec2InAccount>>>();
    for (const p of places) ec2.set(`${p.account}/${p.region}`, await ec2InAccount(endpoint, p.account, p.region));

    // 1. Events.
    const announced: { account: string; region: string; group: string; rule: string }[] = [];
    for (const p of places) for (let i = 0; i < groupsPer; i++) announced.push({ ...p, ...(await openSsh(ec2.get(`${p.account}/${p.region}`)!, `ev-${i}`)) });
    const counter = callCounter();
    let off = onEveryClient(counter.plugin);
    let start = performance.now();
    const names: string[] = [];
    await eachAtOnce(announced, 8, async (a) => {
      const result = await deliver(w, sshEvent(a.account, a.region, a.group, a.rule, `ev-${a.account}-${a.region}-${a.group}`));
      for (const e of result?.executions ?? []) names.push(e.name);
    });
    await Promise.all(names.map((n) => w.done(n)));
    const eventsWall = performance.now() - start;
    off();
    const events = {
      events: announced.length, executions: names.length, fixed: fixedRuns(w, names), transitions: transitions(w, names),
      awsCalls: total(counter.calls), callsByService: byService(counter.calls), assumeRoles: counter.calls.get('STS:AssumeRoleCommand') ?? 0,
      wallMs: Math.round(eventsWall),
    };

    // 2. One sweep of the organization.
    for (const p of places) await openSsh(ec2.get(`${p.account}/${p.region}`)!, 'old');
    const sweepCounter = callCounter();
    off = onEveryClient(sweepCounter.plugin);
    start = performance.now();
    const swept = await w.sweep({ name: 'sweep-org' });
    const sweepWall = performance.now() - start;
    off();
    return {
      accounts: accountCount, regions: REGIONS.length, events,
      sweep: {
        items: swept.run.path.filter((s) => s === 'SweepItem').length, runsStarted: swept.started.length, fixed: fixedRuns(w, swept.started),
        transitions: transitions(w, swept.started), awsCalls: total(sweepCounter.calls), callsByService: byService(sweepCounter.calls),
        assumeRoles: sweepCounter.calls.get('STS:AssumeRoleCommand') ?? 0, wallMs: Math.round(sweepWall), gaps: swept.summary?.gaps ?? -1,
      },
    };
  });
}

// `npm run bench:org [accounts] [groups]`: the simulation alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await orgFigures(Number(process.argv[2] ?? 20), Number(process.argv[3] ?? 2)), null, 2));
}
