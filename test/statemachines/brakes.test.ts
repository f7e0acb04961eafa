// The brakes end to end: the generated state machines run locally (aws-local-stepfunctions) with every Task bound to
// the real handlers, EC2/ECS/DynamoDB in moto server (its DynamoDB operations serialized, as DynamoDB's are atomic:
// local/moto.ts), Slack a local sink. The clock is fixed (jest fakes Date only; timers stay real), so a run never
// straddles two windows. No mocks.
import { DescribeTasksCommand } from '@aws-sdk/client-ecs';
import { readFileSync } from 'node:fs';
import { getAuditRecord } from '../../functions/audit/get';
import { brakesTable } from '../../functions/aws/brakes-table';
import { clients } from '../../functions/aws/clients';
import { setPaused } from '../../functions/brakes/pause';
import type { Finding, Mode } from '../../functions/domain/model';
import { defaultPolicy, type PolicyInput } from '../../functions/domain/policy';
import type { RemediationState } from '../../functions/domain/state';
import type { LocalWarden } from '../../local/warden-local';
import { allow, createGroup, createVpc, ingressRuleIds, runningTask, tcp } from '../../local/sandbox';
import { useLocalWarden } from '../support/emulator';
import { useFixedDate } from '../support/clock';
import { pendingApproval } from '../support/approvals';

const { start, sink } = useLocalWarden();
const T0 = new Date('2031-01-01T10:01:00Z');
useFixedDate(T0);

/** Approvals wait long enough for a test to decide them (at the local warden's 0.1 ms per second: a minute). */
const APPROVALS = { approvers: ['U0LEAD'], timeoutSeconds: 604800, escalation: { timeoutSeconds: 604800 } };
const ENVIRONMENTS = { tag: 'Env', modes: { dev: 'notify', stage: 'dry-run', prod: 'approval' } } as const;

const audit = (w: LocalWarden, id: string) => getAuditRecord(id, { dynamodb: clients.dynamodb(), tableName: w.resources.tableName });
const table = (w: LocalWarden) => brakesTable({ dynamodb: clients.dynamodb, tableName: w.resources.brakesTable });
const summaries = () => sink().received.filter((r) => r.body.includes('breaker tripped'));

async function openGroup(tags: Record<string, string> = {}) {
  const groupId = await createGroup(await createVpc(), `open-${Math.random().toString(16).slice(2, 8)}`, tags);
  const rule = await allow(groupId, tcp(22, '0.0.0.0/0'));
  return { groupId, rule };
}

let seq = 0;
/** What triage would start for a world-open rule on `groupId`. */
function stateFor(policy: PolicyInput, groupId: string, rule: string, tags: Record<string, string> = {}, mode: Mode = 'auto'): RemediationState {
  const finding: Finding = {
    control: 'sg-world-open-ingress', title: 'Security group allows ingress from the whole internet', severity: 'CRITICAL',
    resource: { type: 'AWS::EC2::SecurityGroup', id: groupId, account: '123456789012', region: 'us-east-1', tags },
    evidence: 'test', remediation: { action: 'revoke-sg-ingress', mode, targets: [rule] },
  };
  return {
    context: { id: `brakes-${++seq}`, eventId: `evt-${seq}`, source: 'cloudtrail', eventName: 'AuthorizeSecurityGroupIngress', eventTime: T0.toISOString(), finding, requestedAt: T0.toISOString() },
    policy: defaultPolicy(policy),
  };
}


const approve = async (w: LocalWarden, run: string) => {
  const approvalId = await pendingApproval(w, run);
  await w.tokens.callbacks.success(w.tokens.waiting()[0]!, { decision: 'approved', approvalId, decidedBy: 'U0LEAD', decidedAt: new Date().toISOString(), via: 'cli' });
};

const HELD_AT_APPLY = ['LoadLiveState', 'StillViolating', 'ChooseMode', 'Apply', 'Applied', 'MarkHeld', 'Notify', 'Record'];
const FIXED = ['LoadLiveState', 'StillViolating', 'ChooseMode', 'Apply', 'Applied', 'Verify', 'MarkFixed', 'Notify', 'Record'];

test('concurrent automatic fixes trip the breaker at exactly the limit: the rest are held, recorded, listed, and told once', async () => {
  const policy = { limits: { perControl: 2 } };
  const w = await start(policy);
  const groups = await Promise.all(Array.from({ length: 5 }, () => openGroup()));
  const states = groups.map((g) => stateFor(policy, g.groupId, g.rule));
  const runs = await Promise.all(states.map((s) => w.remediate(s)));

  expect(runs.map((r) => r.failed)).toEqual(runs.map(() => undefined));
  const fixed = runs.filter((r) => r.path.includes('Verify'));
  const held = runs.filter((r) => r.path.includes('MarkHeld'));
  expect(fixed).toHaveLength(2);
  expect(held).toHaveLength(3);
  for (const r of fixed) expect(r.path).toEqual(FIXED);
  for (const r of held) expect(r.path).toEqual(HELD_AT_APPLY);
  const open = await Promise.all(groups.map(async (g) => (await ingressRuleIds(g.groupId)).includes(g.rule)));
  expect(open.filter(Boolean)).toHaveLength(3);

  const records = await Promise.all(states.map((s) => audit(w, s.context.id)));
  const heldRecords = records.filter((r) => r?.outcome === 'held');
  expect(heldRecords).toHaveLength(3);
  for (const r of heldRecords) {
    expect(r).toMatchObject({ applied: [], held: { reason: 'limit', stage: 'change', scope: 'control:sg-world-open-ingress', count: 2, limit: 2, why: 'breaker: control:sg-world-open-ingress 2/2 in 15 min from 10:00Z' } });
    expect(r!.verified).toBeUndefined();
  }
  expect(heldRecords.filter((r) => r!.held!.firstOfTrip)).toHaveLength(1);
  expect((await table(w).heldRuns()).map((h) => [h.runId, h.status, h.workflow]).sort()).toEqual(heldRecords.map((r) => [r!.id, 'held', 'remediate']).sort());
  expect((await table(w).current(new Date())).counters.map((c) => `${c.scope} ${c.count}/${c.limit}`)).toEqual([
    'account:123456789012 2/10', 'control:sg-world-open-ingress 2/2', 'total 2/50',
  ]);

  // Two fixes told as usual, one summary for the trip, nothing per held run.
  expect(sink().received).toHaveLength(3);
  expect(summaries()).toHaveLength(1);
  expect((summaries()[0]!.json as { text: string }).text).toMatch(/^breaker tripped: control:sg-world-open-ingress 2\/2 in 15 min from 10:00Z; [1-3] waiting$/);
  expect(sink().received.filter((r) => r.body.includes('Held:'))).toHaveLength(0);
});

test('approved fixes are not counted, dry-run and notify never count; a later trip in the same window sends no second summary', async () => {
  const policy = { limits: { perControl: 1 }, environments: ENVIRONMENTS, approvals: APPROVALS };
  const w = await start(policy);
  const notify = await openGroup({ Env: 'dev' });
  const dry = await openGroup({ Env: 'stage' });
  expect((await w.remediate(stateFor(policy, notify.groupId, notify.rule, { Env: 'dev' }))).path).toContain('NotifyOnly');
  expect((await w.remediate(stateFor(policy, dry.groupId, dry.rule, { Env: 'stage' }))).path).toContain('NotifyDryRun');
  expect((await table(w).current(new Date())).counters).toEqual([]);

  const auto = await openGroup();
  expect((await w.remediate(stateFor(policy, auto.groupId, auto.rule))).path).toEqual(FIXED);
  const over = [await openGroup(), await openGroup()];
  for (const g of over) expect((await w.remediate(stateFor(policy, g.groupId, g.rule))).path).toEqual(HELD_AT_APPLY);
  expect(summaries()).toHaveLength(1);

  // The count is full; an approved fix still applies, and spends nothing.
  const prod = await openGroup({ Env: 'prod' });
  const state = stateFor(policy, prod.groupId, prod.rule, { Env: 'prod' }, 'approval');
  const run = w.remediate(state);
  await approve(w, state.context.id);
  expect((await run).path).toEqual(['LoadLiveState', 'StillViolating', 'ChooseMode', 'RequestApproval', 'Apply', 'Applied', 'Verify', 'MarkFixed', 'Notify', 'Record']);
  expect(await ingressRuleIds(prod.groupId)).toEqual([]);
  expect((await table(w).current(new Date())).counters.find((c) => c.scope === 'total')).toMatchObject({ count: 1 });
});

test('paused: an approved run under way is held just before Apply, new runs at their mode step, notify goes on; releases restart them', async () => {
  const policy = { environments: ENVIRONMENTS, approvals: APPROVALS };
  // Every read of the policy parameter is fresh here; deployed, a pause reaches each function within PolicyCacheSeconds.
  const w = await start(policy, { policyMaxAgeSeconds: 0 });
  const prod = await openGroup({ Env: 'prod' });
  const waiting = stateFor(policy, prod.groupId, prod.rule, { Env: 'prod' }, 'approval');
  const inFlight = w.remediate(waiting);
  const approvalId = await pendingApproval(w, waiting.context.id);
  expect(await setPaused(w.policy, true)).toEqual({ was: false, paused: true, changed: true });
  await w.tokens.callbacks.success(w.tokens.waiting()[0]!, { decision: 'approved', approvalId, decidedBy: 'U0LEAD', decidedAt: new Date().toISOString(), via: 'cli' });
  expect((await inFlight).path).toEqual(['LoadLiveState', 'StillViolating', 'ChooseMode', 'RequestApproval', 'Apply', 'Applied', 'MarkHeld', 'Notify', 'Record']);
  expect(await ingressRuleIds(prod.groupId)).toEqual([prod.rule]);
  expect(await audit(w, waiting.context.id)).toMatchObject({ outcome: 'held', approval: { decision: 'approved', decidedBy: 'U0LEAD' }, held: { reason: 'paused', stage: 'change' } });

  const auto = await openGroup();
  const autoState = stateFor(policy, auto.groupId, auto.rule);
  expect((await w.remediate(autoState)).path).toEqual(['LoadLiveState', 'StillViolating', 'MarkHeld', 'Notify', 'Record']);
  expect(await audit(w, autoState.context.id)).toMatchObject({ outcome: 'held', held: { reason: 'paused', stage: 'mode' } });
  const dev = await openGroup({ Env: 'dev' });
  expect((await w.remediate(stateFor(policy, dev.groupId, dev.rule, { Env: 'dev' }))).path).toContain('NotifyOnly');
  expect(await ingressRuleIds(auto.groupId)).toEqual([auto.rule]);
  // The approval request and the notify-mode message; a paused run tells nobody.
  expect(sink().received).toHaveLength(2);
  expect((await table(w).heldRuns()).map((h) => [h.runId, h.reason]).sort()).toEqual([[autoState.context.id, 'paused'], [waiting.context.id, 'paused']].sort());

  // Released while still paused: held again (a new run, at its mode step); the first entry is released.
  const again = w.runbook('revoke-open-ingress', { release: autoState.context.id, requestedBy: 'alice', reason: 'IR-1' });
  expect((await again.done).path).toEqual(['Start', 'LoadLiveState', 'StillViolating', 'MarkHeld', 'Notify', 'Record']);
  expect(await audit(w, again.name)).toMatchObject({ outcome: 'held', held: { reason: 'paused' }, release: { of: autoState.context.id, by: 'alice', reason: 'IR-1' } });

  // Resumed: each release applies, as a person's decision (no token), the approval-gated one after a new approval.
  expect(await setPaused(w.policy, false)).toMatchObject({ paused: false, changed: true });
  const second = w.runbook('revoke-open-ingress', { release: again.name, requestedBy: 'alice' });
  expect((await second.done).path).toEqual(['Start', ...FIXED]);
  const approved = w.runbook('revoke-open-ingress', { release: waiting.context.id, requestedBy: 'bob' });
  await approve(w, approved.name);
  expect((await approved.done).path).toEqual(['Start', 'LoadLiveState', 'StillViolating', 'ChooseMode', 'RequestApproval', 'Apply', 'Applied', 'Verify', 'MarkFixed', 'Notify', 'Record']);
  expect(await ingressRuleIds(auto.groupId)).toEqual([]);
  expect(await ingressRuleIds(prod.groupId)).toEqual([]);
  expect(await audit(w, second.name)).toMatchObject({ outcome: 'fixed', source: 'cloudtrail', release: { of: again.name, by: 'alice' } });
  expect((await table(w).current(new Date())).counters).toEqual([]);
  expect((await table(w).heldRuns()).every((h) => h.status === 'released')).toBe(true);

  // A release is once: the same held run again fails at Start.
  const twice = w.runbook('revoke-open-ingress', { release: waiting.context.id, requestedBy: 'mallory' });
  expect((await twice.done).failed).toMatchObject({ error: 'Warden.InvalidInput', cause: `${waiting.context.id} was already released` });
});

// A GuardDuty sample (events/guardduty/) with the task ARN, finding id and account rewritten to moto's.
function guardDutyEvent(task: string, id: string): unknown {
  const text = readFileSync('events/guardduty/ecs-runtime-reverse-shell-standalone.json', 'utf8').split('111122223333').join('123456789012');
  const event = JSON.parse(text) as { id: string; detail: { id: string; resource: { ecsClusterDetails: { taskDetails: { arn: string } } } } };
  event.detail.resource.ecsClusterDetails.taskDetails.arn = task;
  event.id = id;
  event.detail.id = id;
  return event;
}

test('automatic containment counts against limits.containment; a hand start does not count', async () => {
  const w = await start({ limits: { containment: 1 } });
  const desired = async (task: string) => (await clients.ecs().send(new DescribeTasksCommand({ cluster: 'payments', tasks: [task] }))).tasks![0]!.desiredStatus;
  const [first, second, third] = [await runningTask(), await runningTask(), await runningTask()];
  const one = await w.triage(guardDutyEvent(first, 'gd-finding-1'));
  expect(w.runs.get(one.executions[0]!.name)!.path).toContain('StopTask');
  const two = await w.triage(guardDutyEvent(second, 'gd-finding-2'));
  const name = two.executions[0]!.name;
  expect(w.runs.get(name)!.path).toEqual([
    'Start', 'Plan', 'Needed', 'CaptureEvidence', 'TagTask', 'ChooseMode', 'Brake', 'Braked', 'MarkHeld', 'Conclude', 'Notify', 'Record', 'Finished', 'Succeeded',
  ]);
  expect([await desired(first), await desired(second)]).toEqual(['STOPPED', 'RUNNING']);
  const record = await audit(w, name);
  expect(record).toMatchObject({ outcome: 'held', held: { reason: 'limit', scope: 'containment', count: 1, limit: 1, firstOfTrip: true } });
  expect(record!.runbook!.timeline.map((t) => `${t.step}:${t.result}`)).toEqual([
    'start:done', 'plan:done', 'capture-evidence:done', 'tag-task:done', 'brake:held', 'conclude:done',
  ]);
  expect(await table(w).heldRuns()).toEqual([expect.objectContaining({ runId: name, workflow: 'contain-ecs-task', scope: 'containment' })]);
  expect((summaries()[0]!.json as { text: string }).text).toBe('breaker tripped: containment 1/1 in 15 min from 10:00Z; 1 waiting');

  const byHand = w.runbook('contain-ecs-task', { target: third, requestedBy: 'arn:aws:iam::123456789012:user/responder' });
  expect((await byHand.done).path).toContain('StopTask');
  expect(await desired(third)).toBe('STOPPED');
  expect((await audit(w, byHand.name))!.runbook!.timeline.find((t) => t.step === 'brake')!.detail).toBe('not counted: started by hand by arn:aws:iam::123456789012:user/responder');

  // Released: the held containment runs again through its own runbook, from its finding.
  const released = w.runbook('contain-ecs-task', { release: name, requestedBy: 'alice' });
  expect((await released.done).path).toContain('StopTask');
  expect(await desired(second)).toBe('STOPPED');
  expect(await audit(w, released.name)).toMatchObject({ outcome: 'fixed', source: 'guardduty', release: { of: name, by: 'alice' }, runbook: { startedBy: record!.runbook!.startedBy } });
});
