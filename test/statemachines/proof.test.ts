// Proof that nothing is lost or done twice, end to end on moto with the real handlers and the local state machine:
// the same event delivered 3 times from each source, and AWS calls throttled at random (small versions of the
// bench's fault figures; `npm run bench` runs the large ones). Faults come from local/faults.ts, an SDK middleware
// enabled only in tests and the bench: it refuses calls before they reach moto, or lets moto apply them and then
// loses the answer.
import { DescribeTasksCommand } from '@aws-sdk/client-ecs';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { clients } from '../../functions/aws/clients';
import { deliver } from '../../bench/kit';
import { injectFaults, type FaultLog } from '../../local/faults';
import type { LocalWarden } from '../../local/warden-local';
import { allow, createGroup, createVpc, ingressRuleIds, runningTask, tcp } from '../../local/sandbox';
import { useLocalWarden } from '../support/emulator';
import { sampleEvent } from '../../local/samples';

const { sink, start: warden } = useLocalWarden();
const ACCOUNT = '123456789012';
const sample = (file: string, ids: Record<string, string>): unknown => sampleEvent(file, { '111122223333': ACCOUNT, ...ids });

/** Every audit record of the run (exemption sightings are other items of the same table). */
async function auditRecords(w: LocalWarden): Promise<{ id: string; outcome: string }[]> {
  const out = await clients.dynamodb().send(new ScanCommand({ TableName: w.resources.tableName }));
  return (out.Items ?? []).filter((i) => !i.id?.S?.startsWith('exemption#')).map((i) => ({ id: i.id!.S!, outcome: i.outcome?.S ?? '' }));
}

/** Successful calls of one command, as moto answered them (a lost answer still counts: the call took effect). */
const applied = (log: FaultLog, key: string) => log.applied.get(key) ?? [];

async function openGroup(name: string) {
  const groupId = await createGroup(await createVpc(), name, { Owner: 'payments' });
  const rule = await allow(groupId, tcp(22, '0.0.0.0/0'));
  return { groupId, rule };
}

describe('duplicate delivery: the same event 3 times gives exactly 1 action and 1 audit record', () => {
  test.each([
    ['CloudTrail', 'cloudtrail/authorize-ssh-world.json'],
    ['Config', 'config/compliance-restricted-ssh-noncompliant.json'],
    ['Security Hub', 'securityhub/finding-ec2-13-failed.json'],
  ])('%s', async (_source, file) => {
    const w = await warden();
    const { groupId, rule } = await openGroup('dup');
    const event = sample(file, { 'sg-0a11c0ffee0000001': groupId, 'sgr-0a11c0ffee00000a1': rule });
    const faults = injectFaults({ rate: 0, kinds: [] }); // records what moto applied, fails nothing
    try {
      for (let i = 0; i < 3; i++) await w.triage(event);
    } finally {
      faults.stop();
    }
    expect(applied(faults.log, 'EC2Client:RevokeSecurityGroupIngressCommand')).toHaveLength(1);
    expect((await auditRecords(w)).map((r) => r.outcome)).toEqual(['fixed']);
    expect(await ingressRuleIds(groupId)).toEqual([]);
  });

  test('GuardDuty', async () => {
    const w = await warden();
    const task = await runningTask();
    const event = sample('guardduty/ecs-runtime-reverse-shell-standalone.json', {
      'arn:aws:ecs:us-east-1:123456789012:task/payments/0a11c0ffee0000000000000000000001': task,
    });
    const faults = injectFaults({ rate: 0, kinds: [] });
    try {
      for (let i = 0; i < 3; i++) await w.triage(event);
    } finally {
      faults.stop();
    }
    expect(applied(faults.log, 'ECSClient:StopTaskCommand')).toHaveLength(1);
    expect((await auditRecords(w)).map((r) => r.outcome)).toEqual(['fixed']);
    expect((await clients.ecs().send(new DescribeTasksCommand({ cluster: 'payments', tasks: [task] }))).tasks![0]!.desiredStatus).toBe('STOPPED');
  });
});

test('throttling: half of all AWS calls fail, refused or with the answer lost; every run ends fixed, or failed with a record and a notification; none lost, none applied twice', async () => {
  // Twelve fixes of one control in a burst: limits the breaker never reaches (it still spends a token per run, under faults too).
  const w = await warden({ limits: { perControl: 1000, perAccount: 1000, total: 1000 } });
  const groups = [];
  for (let i = 0; i < 12; i++) groups.push(await openGroup(`throttled-${i}`));
  const faults = injectFaults({ rate: 0.5, kinds: ['rejected', 'response-lost'], seed: 7 });
  const undelivered: string[] = [];
  try {
    for (const [i, g] of groups.entries()) {
      const event = sample('cloudtrail/authorize-ssh-world.json', { 'sg-0a11c0ffee0000001': g.groupId, 'sgr-0a11c0ffee00000a1': g.rule });
      (event as { id: string }).id = `throttled-${i}`;
      // As TriageQueue would: a triage that fails is delivered again, up to 5 times, then kept in the DLQ.
      if (!(await deliver(w, event))) undelivered.push(g.groupId);
    }
  } finally {
    faults.stop();
  }
  expect(faults.log.rejected + faults.log.responseLost).toBeGreaterThan(20);
  const records = await auditRecords(w);
  const outcomes = records.map((r) => r.outcome);
  expect(outcomes.filter((o) => o !== 'fixed' && o !== 'failed')).toEqual([]);
  // Lost: a group whose event was neither recorded nor kept in the dead-letter queue.
  expect(records.length + undelivered.length).toBe(groups.length);
  const failed = records.filter((r) => r.outcome === 'failed');
  for (const r of failed) expect(sink().received.some((m) => JSON.stringify(m).includes(r.id))).toBe(true);
  // Applied twice: a rule moto revoked more than once (a lost answer must not make the retry act again).
  const revoked = applied(faults.log, 'EC2Client:RevokeSecurityGroupIngressCommand')
    .flatMap((input) => (input as { SecurityGroupRuleIds?: string[] }).SecurityGroupRuleIds ?? []);
  expect(revoked.length).toBe(new Set(revoked).size);
  for (const g of groups) {
    const fixed = records.some((r) => r.outcome === 'fixed' && r.id.includes(g.groupId.slice(3)));
    if (fixed) expect(await ingressRuleIds(g.groupId)).toEqual([]);
  }
  expect(outcomes.filter((o) => o === 'fixed').length).toBeGreaterThan(0);
  // Its time is the SDK's own backoff between attempts (about 50 s; a few seconds of CPU), not the machine's speed:
  // a timeout of its own, so that a loaded machine's slower CPU part cannot push it over the default.
}, 180_000);
