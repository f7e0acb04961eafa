// `warden breaker status|release|reset --endpoint` against moto server: held runs made by a local Warden (the real
// handlers, the generated state machine), then listed, released (run locally to their end through the remediate
// workflow's hand entry) and the window reset, by the CLI. The clock is fixed (jest fakes Date only), so the runs and
// the CLI see the same window. Nothing is mocked.
import { userInfo } from 'node:os';
import { GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { runWarden } from '../support/cli';
import { getAuditRecord } from '../../functions/audit/get';
import { clients } from '../../functions/aws/clients';
import { defaultPolicy } from '../../functions/domain/policy';
import type { RemediationState } from '../../functions/domain/state';
import { allow, createGroup, createVpc, ingressRuleIds, tcp } from '../../local/sandbox';
import { startLocalWarden } from '../../local/warden-local';
import { useMoto } from '../support/emulator';
import { useFixedDate } from '../support/clock';

const moto = useMoto();
const T0 = new Date('2031-01-01T10:01:00Z');
useFixedDate(T0);
const ME = `local:${userInfo().username}`;

const warden = (...args: string[]) => runWarden(args);
const breaker = (...args: string[]) => warden('breaker', ...args, '--endpoint', moto().endpoint);

/** Three world-open groups fixed automatically under a control limit of 1: one fixed, two held. */
async function heldRuns() {
  const policy = { limits: { perControl: 1 } };
  const w = await startLocalWarden({ policy });
  const groups: { groupId: string; rule: string; id: string }[] = [];
  for (let i = 0; i < 3; i++) {
    const groupId = await createGroup(await createVpc(), `open-${i}`);
    const rule = await allow(groupId, tcp(22, '0.0.0.0/0'));
    const state: RemediationState = {
      context: {
        id: `cli-breaker-${i}`, eventId: `e${i}`, source: 'cloudtrail', eventName: 'AuthorizeSecurityGroupIngress', eventTime: T0.toISOString(), requestedAt: T0.toISOString(),
        finding: {
          control: 'sg-world-open-ingress', title: 't', severity: 'CRITICAL', evidence: 'e',
          resource: { type: 'AWS::EC2::SecurityGroup', id: groupId, account: '123456789012', region: 'us-east-1' },
          remediation: { action: 'revoke-sg-ingress', mode: 'auto', targets: [rule] },
        },
      },
      policy: defaultPolicy(policy),
    };
    await w.remediate(state);
    groups.push({ groupId, rule, id: state.context.id });
  }
  return { w, groups };
}

test('status lists the counts, the trip and the held runs; release restarts one as your decision; reset clears the window, recorded', async () => {
  const { w, groups } = await heldRuns();
  const [, a, b] = groups as [unknown, { groupId: string; rule: string; id: string }, { groupId: string; rule: string; id: string }];

  const status = await breaker('status');
  expect(status.code).toBe(0);
  expect(status.stdout).toMatch(/^window {5}15 min from 10:00Z \(to 10:15Z\)$/m);
  expect(status.stdout).toContain('per control 1, total 50, containment 3 per 15 min  (deployed, /warden/warden/policy)\npaused     no');
  expect(status.stdout).toMatch(/^ {2}control:sg-world-open-ingress +1\/1 {2}FULL$/m);
  expect(status.stdout).toContain('held runs (2):');
  expect(status.stdout).toContain(`  ${a.id}  limit  held 2031-01-01T10:01:00.000Z\n    breaker: control:sg-world-open-ingress 1/1 in 15 min from 10:00Z`);
  expect(status.stdout).toContain('release starts revoke-open-ingress');
  const json = JSON.parse((await breaker('status', '--json')).stdout) as { held: { runId: string }[]; trips: { scope: string }[] };
  expect(json.held.map((h) => h.runId)).toEqual([a.id, b.id]);
  expect(json.trips.map((t) => t.scope)).toEqual(['control:sg-world-open-ingress']);

  const released = await breaker('release', a.id, '--reason', 'IR-5');
  expect(released.stderr).toBe('');
  expect(released.code).toBe(0);
  const newId = /^released \S+ as (\S+) \(revoke-open-ingress\)$/m.exec(released.stdout)?.[1] ?? '';
  expect(newId).toMatch(/^release-20310101T100100-[0-9a-f]{6}$/);
  expect(released.stdout).toMatch(/^outcome: fixed$/m);
  expect(await ingressRuleIds(a.groupId)).toEqual([]);
  const record = await getAuditRecord(newId, { dynamodb: clients.dynamodb(), tableName: w.resources.tableName });
  expect(record).toMatchObject({ outcome: 'fixed', release: { of: a.id, by: ME, reason: 'IR-5' } });
  expect((await warden('audit', 'show', newId, '--endpoint', moto().endpoint)).stdout).toMatch(new RegExp(`^released +from ${a.id} by ${ME} at 2031-01-01T10:01:00.000Z: IR-5$`, 'm'));
  const shownHeld = (await warden('audit', 'show', a.id, '--endpoint', moto().endpoint)).stdout;
  expect(shownHeld).toMatch(/^outcome +held$/m);
  expect(shownHeld).toContain(`breaker: control:sg-world-open-ingress 1/1 in 15 min from 10:00Z (just before the change); start it again: warden breaker release ${a.id}`);

  const again = await breaker('release', a.id);
  expect(again.code).toBe(1);
  expect(again.stderr).toBe(`warden: ${a.id} is not held: released by ${ME} as ${newId}\n`);
  expect((await breaker('release', 'no-such-run')).stderr).toBe('warden: no held run no-such-run\n');

  const reset = await breaker('reset', '--reason', 'false alarm');
  expect(reset.code).toBe(0);
  expect(reset.stdout).toContain(`breaker reset by ${ME}: cleared account:123456789012 1/10, control:sg-world-open-ingress 1/1, total 1/50, trip control:sg-world-open-ingress`);
  const auditId = /recorded in the audit table as (\S+)/.exec(reset.stdout)?.[1] ?? '';
  expect(auditId).toMatch(/^brakes#reset#2031-01-01T10:01:00.000Z#[0-9a-f]{6}$/);
  const entry = (await clients.dynamodb().send(new GetItemCommand({ TableName: w.resources.tableName, Key: { id: { S: auditId } } }))).Item;
  expect(entry).toMatchObject({ kind: { S: 'brakes' }, action: { S: 'reset' }, by: { S: ME }, at: { S: T0.toISOString() }, reason: { S: 'false alarm' } });
  const after = await breaker('status');
  expect(after.stdout).toContain('(nothing spent in this window)');
  expect(after.stdout).toMatch(/^trips:\n {2}\(none\)$/m);
  expect(after.stdout).toContain(`held runs (1):\n  ${b.id}`);

  const all = await breaker('release', '--all');
  expect(all.code).toBe(0);
  expect(await ingressRuleIds(b.groupId)).toEqual([]);
  expect((await breaker('status')).stdout).toContain('held runs (0):');
  expect((await breaker('release', '--all')).stdout).toBe('no held runs\n');
  // Every held entry is kept as released, with who and as what.
  const items = (await clients.dynamodb().send(new ScanCommand({ TableName: w.resources.brakesTable }))).Items ?? [];
  expect(items.filter((i) => i.kind?.S === 'held').map((i) => [i.runId?.S, i.status?.S, i.releasedBy?.S]).sort()).toEqual([[a.id, 'released', ME], [b.id, 'released', ME]]);
});

test('pause and resume write the deployed policy parameter in the emulator, keeping the rest of the document', async () => {
  const w = await startLocalWarden({ policy: { limits: { perControl: 1 } } });
  const deployed = async () => JSON.parse((await clients.ssm().send(new GetParameterCommand({ Name: w.resources.policyParameter }))).Parameter!.Value!) as Record<string, unknown>;
  const paused = await warden('pause', '--endpoint', moto().endpoint);
  expect(paused).toMatchObject({ code: 0, stderr: '' });
  expect(paused.stdout).toContain(`${w.resources.policyParameter}: paused: true (was false)`);
  expect(await deployed()).toEqual({ limits: { perControl: 1 }, paused: true });
  expect((await warden('resume', '--endpoint', moto().endpoint)).code).toBe(0);
  expect(await deployed()).toEqual({ limits: { perControl: 1 }, paused: false });
});
