// The fault figures of `npm run bench`: many auto-fixes while half of all AWS calls fail (refused, or applied with
// the answer lost), counted: fixed, failed with a record, lost, applied twice. These are figures, not timed tests;
// test/statemachines/proof.test.ts runs a small version.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deliver, eachAtOnce, scanAll, withEmulator } from './kit';
import { injectFaults } from '../local/faults';
import { allow, createGroup, createVpc, ingressRuleIds, tcp } from '../local/sandbox';
import { repoRoot } from '../local/template';
import { startLocalWarden } from '../local/warden-local';

export interface FaultFigures {
  runs: number;
  faultRate: number;
  injected: { calls: number; rejected: number; responseLost: number };
  fixed: number;
  failedRecorded: number;
  /** Events neither recorded nor kept in the dead-letter queue after 5 deliveries. */
  lost: number;
  /** Events kept in the dead-letter queue (triage failed 5 times): accounted for, not lost. */
  deadLettered: number;
  /** Rules moto revoked more than once. */
  doubleApplied: number;
  /** Fixed runs whose rule is still there. */
  fixedButOpen: number;
  wallMs: number;
}

/** `runs` world-open groups, fixed `concurrency` at a time, with `rate` of all AWS calls failing. */
export async function faultFigures(runs: number, rate = 0.5, concurrency = 10): Promise<FaultFigures> {
  return withEmulator(async (sink) => {
    // Fixes in a burst, far past the breaker's default limits (a run still spends its token, under faults too).
    const limits = { perAccount: 100_000, perControl: 100_000, total: 100_000, containment: 100_000 };
    const w = await startLocalWarden({ slackWebhookUrl: `${sink.url}/slack`, prefix: 'bench-faults', policy: { limits } });
    const sample = readFileSync(join(repoRoot, 'events', 'cloudtrail', 'authorize-ssh-world.json'), 'utf8');
    const vpc = await createVpc();
    const groups: { groupId: string; event: unknown }[] = [];
    for (let i = 0; i < runs; i++) {
      const groupId = await createGroup(vpc, `faults-${i}`, { Owner: 'bench' });
      const rule = await allow(groupId, tcp(22, '0.0.0.0/0'));
      const event = JSON.parse(sample.split('sg-0a11c0ffee0000001').join(groupId).split('sgr-0a11c0ffee00000a1').join(rule)) as { id: string };
      event.id = `faults-${i}`;
      groups.push({ groupId, event });
    }
    const faults = injectFaults({ rate, kinds: ['rejected', 'response-lost'], seed: 2026 });
    const deadLettered: string[] = [];
    const start = performance.now();
    try {
      await eachAtOnce(groups, concurrency, async (g) => {
        if (!(await deliver(w, g.event))) deadLettered.push(g.groupId);
      });
    } finally {
      faults.stop();
    }
    const wallMs = Math.round(performance.now() - start);
    const items = await scanAll(w.resources.tableName);
    const records = items.filter((i) => !i.id?.S?.startsWith('exemption#'))
      .map((i) => ({ outcome: i.outcome?.S ?? '', group: i.resourceId?.S ?? '' }));
    const revoked = (faults.log.applied.get('EC2Client:RevokeSecurityGroupIngressCommand') ?? [])
      .flatMap((input) => (input as { SecurityGroupRuleIds?: string[] }).SecurityGroupRuleIds ?? []);
    const byRule = new Map<string, number>();
    for (const id of revoked) byRule.set(id, (byRule.get(id) ?? 0) + 1);
    let fixedButOpen = 0;
    for (const r of records.filter((x) => x.outcome === 'fixed')) if ((await ingressRuleIds(r.group)).length > 0) fixedButOpen++;
    const recordedGroups = new Set(records.map((r) => r.group));
    return {
      runs, faultRate: rate,
      injected: { calls: faults.log.calls, rejected: faults.log.rejected, responseLost: faults.log.responseLost },
      fixed: records.filter((r) => r.outcome === 'fixed').length,
      failedRecorded: records.filter((r) => r.outcome === 'failed').length,
      lost: groups.filter((g) => !recordedGroups.has(g.groupId) && !deadLettered.includes(g.groupId)).length,
      deadLettered: deadLettered.length,
      doubleApplied: [...byRule.values()].filter((n) => n > 1).length,
      fixedButOpen,
      wallMs,
    };
  });
}

// `npm run bench:faults [runs]`: the fault figures alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await faultFigures(Number(process.argv[2] ?? 200)), null, 2));
}
