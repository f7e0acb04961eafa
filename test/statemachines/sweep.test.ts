// The scheduled sweep end to end on the local runner: the Sweep state machine (statemachines/sweep.asl.json) with its
// PlanSweep, SweepItem and Summarize Tasks bound to the real handlers, every item inventoried from moto, each violation
// started as triage starts an event's, and those runs executed by the local remediate state machine. No mocks.
// The local runner runs the Distributed Map's items in-process (see test/unit/asl/sweep.test.ts for what it cannot
// emulate and how that is covered).
import { setTimeout as sleep } from 'node:timers/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { ModifySecurityGroupRulesCommand } from '@aws-sdk/client-ec2';
import { PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { getAuditRecord } from '../../functions/audit/get';
import { clients } from '../../functions/aws/clients';
import { lockKey } from '../../functions/domain/locks';
import type { PolicyInput } from '../../functions/domain/policy';
import type { SweepSummary } from '../../functions/domain/sweep';
import { allow, createGroup, createVpc, ingressRuleIds, tcp } from '../../local/sandbox';
import { repoRoot } from '../../local/template';
import type { LocalWarden } from '../../local/warden-local';
import { useLocalWarden } from '../support/emulator';
import { expectDeclaredCalls, tracedClients } from '../support/permissions';
import { regionClients } from '../../functions/aws/region-clients';
import { createQueue, receive } from '../support/sqs';

// Every SDK call of the sweep items is recorded and checked against their declared reads (last test).
const local = useLocalWarden({ sweepClients: (region) => tracedClients(regionClients(region), 'sweep') });
const ACCOUNT = '123456789012'; // moto's
const REGION = 'us-east-1';
/** Only the control under test: the VPCs' default groups (moto makes one per VPC) would start runs of their own. */
const ONLY_WORLD_OPEN: PolicyInput = { controls: { 'sg-default-group-open': { enabled: false } } };
/** Approval-gated, with deadlines far beyond the test: a run waits until the test answers. */
const APPROVAL: PolicyInput = {
  ...ONLY_WORLD_OPEN,
  controls: { 'sg-default-group-open': { enabled: false }, 'sg-world-open-ingress': { mode: 'approval' } },
  approvals: { approvers: ['alice'], timeoutSeconds: 604800, escalation: { channel: '#sec', timeoutSeconds: 604800 } },
};

const audit = (w: LocalWarden, id: string) => getAuditRecord(id, { dynamodb: clients.dynamodb(), tableName: w.resources.tableName });
const findingsItem = async (w: LocalWarden, id: string) =>
  (await clients.dynamodb().send(new GetItemCommand({ TableName: w.resources.findingsTable, Key: { id: { S: id } }, ConsistentRead: true }))).Item;

/** The CloudTrail sample of a world-open SSH rule, about `group` and `rule`, in moto's account. */
function sshEvent(group: string, rule: string): unknown {
  const text = readFileSync(join(repoRoot, 'events', 'cloudtrail', 'authorize-ssh-world.json'), 'utf8')
    .split('111122223333').join(ACCOUNT).split('sg-0a11c0ffee0000001').join(group).split('sgr-0a11c0ffee00000a1').join(rule);
  return JSON.parse(text);
}

/** The one approval request waiting (a run paused on RequestApproval), once it is there. */
async function waitingApproval(w: LocalWarden, count = 1): Promise<string> {
  for (let i = 0; i < 500 && w.tokens.waiting().length < count; i++) await sleep(10);
  expect(w.tokens.waiting()).toHaveLength(count);
  return w.tokens.waiting()[count - 1]!;
}

const decision = (reason: string) => ({ approvalId: 'a-test', decidedBy: 'alice', decidedAt: new Date().toISOString(), via: 'cli', reason });
const deny = (w: LocalWarden, token: string) => w.tokens.callbacks.failure(token, 'Warden.ApprovalDenied', JSON.stringify(decision('accepted risk: partner VPN')));
const approve = (w: LocalWarden, token: string) => w.tokens.callbacks.success(token, { decision: 'approved', ...decision('go') });

test('an old exposure no event reported: the sweep finds it, its run fixes it (auto), once; the summary item and event', async () => {
  const w = await local.start(ONLY_WORLD_OPEN);
  const group = await createGroup(await createVpc(), 'old-ssh', { Owner: 'payments' });
  const rule = await allow(group, tcp(22, '0.0.0.0/0'));
  // Whatever reaches the Warden bus about sweeps, delivered to a queue the test reads.
  const events = clients.events();
  await events.send(new PutRuleCommand({ Name: 'sweeps', EventBusName: w.resources.busName, EventPattern: JSON.stringify({ source: ['warden'], 'detail-type': [{ prefix: 'Warden Sweep' }] }) }));
  const queue = await createQueue(local.moto().endpoint, 'sweeps');
  await events.send(new PutTargetsCommand({ Rule: 'sweeps', EventBusName: w.resources.busName, Targets: [{ Id: 'q', Arn: queue.arn }] }));

  const first = await w.sweep({ name: 'sweep-1' });
  expect(first.run.failed).toBeUndefined();
  expect(first.run.path.filter((s) => s === 'SweepItem')).toHaveLength(4); // one Region × four resource types
  expect(first.run.path.slice(0, 2)).toEqual(['PlanSweep', 'SweepItems']);
  expect(first.run.path.slice(-3)).toEqual(['Summarize', 'Swept', 'Succeeded']);
  expect(first.started).toHaveLength(1);
  const [name] = first.started;
  expect(w.runs.get(name!)?.path).toEqual(['LoadLiveState', 'StillViolating', 'ChooseMode', 'Apply', 'Applied', 'Verify', 'MarkFixed', 'Notify', 'Record']);
  expect(await ingressRuleIds(group)).toEqual([]);
  expect(await audit(w, name!)).toMatchObject({
    outcome: 'fixed', source: 'sweep', eventId: 'sweep-1', eventName: 'Sweep', lock: lockKey({ account: ACCOUNT, region: REGION, type: 'AWS::EC2::SecurityGroup', id: group }),
    finding: { control: 'sg-world-open-ingress', remediation: { mode: 'auto', targets: [rule] } },
  });
  // Record gave the lock back.
  expect(await findingsItem(w, lockKey({ account: ACCOUNT, region: REGION, type: 'AWS::EC2::SecurityGroup', id: group }))).toBeUndefined();
  expect(first.summary).toMatchObject({
    sweepId: 'sweep-1', status: 'completed', account: ACCOUNT, regions: [REGION], items: 4, failedItems: 0,
    findings: 1, runsStarted: 1, duplicates: 0, suppressed: 0, locked: 0, gaps: 0, gapList: [],
  });
  expect(first.summary!.resources).toBeGreaterThanOrEqual(3); // the group, and the VPCs' default groups
  const [body] = await receive(local.moto().endpoint, queue.url, 1);
  const event = JSON.parse(body!) as { source: string; 'detail-type': string; detail: SweepSummary };
  expect(event).toMatchObject({ source: 'warden', 'detail-type': 'Warden Sweep Completed', detail: { sweepId: 'sweep-1', runsStarted: 1, findings: 1 } });

  // Swept again: nothing left, nothing started.
  const second = await w.sweep({ name: 'sweep-2' });
  expect(second.started).toEqual([]);
  expect(second.summary).toMatchObject({ status: 'completed', findings: 0, runsStarted: 0 });
});

test('an event and a sweep about the same resource start one run: whichever comes second is locked out', async () => {
  const w = await local.start(APPROVAL);
  const group = await createGroup(await createVpc(), 'ssh', { Owner: 'payments' });
  const rule = await allow(group, tcp(22, '0.0.0.0/0'));
  const key = lockKey({ account: ACCOUNT, region: REGION, type: 'AWS::EC2::SecurityGroup', id: group });

  // The event first: its run waits for an approval, holding the resource's lock; the sweep starts nothing for it.
  const fromEvent = await w.triage(sshEvent(group, rule), { wait: false });
  expect(fromEvent.executions).toHaveLength(1);
  const token = await waitingApproval(w);
  expect(await findingsItem(w, key)).toMatchObject({ kind: { S: 'event' } });
  const swept = await w.sweep({ name: 'sweep-during-event', wait: false });
  expect(swept.started).toEqual([]);
  expect(swept.summary).toMatchObject({ findings: 1, runsStarted: 0, locked: 1 });
  expect(w.tokens.waiting()).toEqual([token]); // no second approval request
  await approve(w, token);
  expect((await w.done(fromEvent.executions[0]!.name)).path).toContain('MarkFixed');
  expect(await ingressRuleIds(group)).toEqual([]);
  expect(await findingsItem(w, key)).toBeUndefined();

  // The sweep first: its run holds the lock; the event about the same rule is `locked`, not a second run.
  const again = await allow(group, tcp(22, '0.0.0.0/0'));
  const bySweep = await w.sweep({ name: 'sweep-first', wait: false });
  expect(bySweep.started).toHaveLength(1);
  const sweepToken = await waitingApproval(w);
  const late = await w.triage(sshEvent(group, again), { wait: false });
  expect(late.executions).toEqual([]);
  expect(late.locked).toEqual([expect.objectContaining({ control: 'sg-world-open-ingress', resource: group, why: expect.stringContaining('sweep sweep-first') })]);
  expect(w.tokens.waiting()).toEqual([sweepToken]);
  await approve(w, sweepToken);
  expect((await w.done(bySweep.started[0]!)).path).toContain('MarkFixed');
  expect(await ingressRuleIds(group)).toEqual([]);
  expect(await findingsItem(w, key)).toBeUndefined();
});

test('a denial sticks: not asked again by a sweep or an event within the period; asked again when the severity rises', async () => {
  const w = await local.start(APPROVAL);
  const group = await createGroup(await createVpc(), 'vpn', { Owner: 'payments' });
  // 9000 is not a high-risk port: HIGH.
  const rule = await allow(group, tcp(9000, '0.0.0.0/0'));
  const first = await w.sweep({ name: 'sweep-ask', wait: false });
  expect(first.started).toHaveLength(1);
  await deny(w, await waitingApproval(w));
  const denied = await w.done(first.started[0]!);
  expect(denied.path).toEqual(['LoadLiveState', 'StillViolating', 'ChooseMode', 'RequestApproval', 'MarkDenied', 'Notify', 'Record']);
  const record = await audit(w, first.started[0]!);
  expect(record).toMatchObject({ outcome: 'denied', finding: { severity: 'HIGH' } });
  const remembered = await findingsItem(w, `decision#sg-world-open-ingress##${ACCOUNT}/${REGION}/AWS::EC2::SecurityGroup/${group}`);
  expect(JSON.parse(remembered!.decision!.S!)).toMatchObject({
    decision: 'denied', control: 'sg-world-open-ingress', targets: [rule], severity: 'HIGH', by: 'alice', runId: first.started[0],
  });

  // Within the period: the sweep and an event suppress it; nobody is asked.
  const second = await w.sweep({ name: 'sweep-quiet' });
  expect(second.started).toEqual([]);
  expect(second.summary).toMatchObject({ findings: 1, suppressed: 1, runsStarted: 0 });
  const event = sshEvent(group, rule) as { detail: { requestParameters: { ipPermissions: { items: { fromPort: number; toPort: number }[] } } } };
  event.detail.requestParameters.ipPermissions.items[0]!.fromPort = 9000;
  event.detail.requestParameters.ipPermissions.items[0]!.toPort = 9000;
  const fromEvent = await w.triage(event);
  expect(fromEvent.executions).toEqual([]);
  expect(fromEvent.suppressed).toEqual([expect.objectContaining({ control: 'sg-world-open-ingress', why: expect.stringContaining('denied in run') })]);
  expect(w.tokens.waiting()).toEqual([]);
  expect(await ingressRuleIds(group)).toEqual([rule]);

  // The same rule now opens SSH: CRITICAL, above the denial's HIGH, so the sweep asks again.
  await clients.ec2().send(new ModifySecurityGroupRulesCommand({
    GroupId: group,
    SecurityGroupRules: [{ SecurityGroupRuleId: rule, SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '0.0.0.0/0' } }],
  }));
  const third = await w.sweep({ name: 'sweep-rose', wait: false });
  expect(third.started).toHaveLength(1);
  expect(third.summary).toMatchObject({ suppressed: 0, runsStarted: 1 });
  await approve(w, await waitingApproval(w));
  expect((await w.done(third.started[0]!)).path).toContain('MarkFixed');
  expect(await audit(w, third.started[0]!)).toMatchObject({ outcome: 'fixed', finding: { severity: 'CRITICAL' } });
});

test("an event that brings a new target while a sweep's run holds the resource waits: Warden.ResourceLocked (the queue delivers it again), then starts", async () => {
  const w = await local.start(APPROVAL);
  const group = await createGroup(await createVpc(), 'ssh', { Owner: 'payments' });
  await allow(group, tcp(22, '0.0.0.0/0'));
  const bySweep = await w.sweep({ name: 'sweep-holds', wait: false });
  const token = await waitingApproval(w);
  // Someone opens another rule on the same group: the sweep's run does not fix it, and must not run beside it.
  const fresh = await allow(group, tcp(3389, '0.0.0.0/0'));
  const event = sshEvent(group, fresh) as { detail: { requestParameters: { ipPermissions: { items: { fromPort: number; toPort: number }[] } } } };
  Object.assign(event.detail.requestParameters.ipPermissions.items[0]!, { fromPort: 3389, toPort: 3389 });
  await expect(w.triage(event, { wait: false })).rejects.toMatchObject({ name: 'Warden.ResourceLocked', message: expect.stringContaining('sweep sweep-holds') });
  expect(w.tokens.waiting()).toEqual([token]);

  // The sweep's run ends and gives the lock back; the same event, delivered again, starts the run for the new rule.
  await approve(w, token);
  expect((await w.done(bySweep.started[0]!)).path).toContain('MarkFixed');
  const again = await w.triage(event, { wait: false });
  expect(again.executions).toHaveLength(1);
  await approve(w, await waitingApproval(w));
  expect((await w.done(again.executions[0]!.name)).path).toContain('MarkFixed');
  expect(await ingressRuleIds(group)).toEqual([]);
});

expectDeclaredCalls();
