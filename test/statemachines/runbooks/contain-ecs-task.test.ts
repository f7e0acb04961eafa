// contain-ecs-task end to end: the generated state machine run locally (aws-local-stepfunctions) with every Task bound
// to the real handlers, and ECS/EC2/DynamoDB in moto server. Nothing is mocked.
import { DescribeTasksCommand, ListTagsForResourceCommand } from '@aws-sdk/client-ecs';
import { readFileSync } from 'node:fs';
import { clients } from '../../../functions/aws/clients';
import { getAuditRecord } from '../../../functions/audit/get';
import type { LocalWarden } from '../../../local/warden-local';
import { useLocalWarden } from '../../support/emulator';
import { runningTask } from '../../../local/sandbox';

const { start: warden } = useLocalWarden();


const desired = async (task: string) =>
  (await clients.ecs().send(new DescribeTasksCommand({ cluster: 'payments', tasks: [task] }))).tasks![0]!.desiredStatus;
const tagsOf = async (arn: string) =>
  Object.fromEntries(((await clients.ecs().send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags ?? []).map((t) => [t.key, t.value]));
const audit = (w: LocalWarden, id: string) => getAuditRecord(id, { dynamodb: clients.dynamodb(), tableName: w.resources.tableName });

test('a hand start on a standalone task: evidence captured, task tagged and stopped, timeline recorded', async () => {
  const w = await warden();
  const task = await runningTask();
  const e = w.runbook('contain-ecs-task', { target: task, requestedBy: 'arn:aws:iam::123456789012:user/responder', reason: 'IR-42' });
  const run = await e.done;
  expect(run.failed).toBeUndefined();
  expect(run.path).toEqual([
    'Start', 'Plan', 'Needed', 'CaptureEvidence', 'TagTask', 'ChooseMode', 'Brake', 'Braked', 'StopTask', 'VerifyStopped', 'MarkFixed',
    'Conclude', 'Notify', 'Record', 'Finished', 'Succeeded',
  ]);
  expect(await desired(task)).toBe('STOPPED');
  expect(await tagsOf(task)).toMatchObject({ 'warden:incident': e.name, 'warden:finding': 'manual' });
  const record = await audit(w, e.name);
  expect(record).toMatchObject({ outcome: 'fixed', mode: 'auto', source: 'manual', applied: [task] });
  expect(record!.runbook!.timeline.map((t) => `${t.step}:${t.result}`)).toEqual([
    'start:done', 'plan:done', 'capture-evidence:done', 'tag-task:done', 'brake:done', 'stop-task:done', 'verify-stopped:done', 'conclude:done',
  ]);
  const evidence = JSON.stringify(record!.runbook!.evidence);
  expect(evidence).toContain('public.ecr.aws/nginx/nginx:1.27');
  expect(evidence).toContain('DB_PASSWORD');
  expect(evidence).not.toContain('hunter2-secret');
});

// GuardDuty samples (events/guardduty/, see events/README.md) with the task ARN and account rewritten to moto's.
const SAMPLE_ACCOUNT = '111122223333';
function guardDutyEvent(file: string, task: string, over: { severity?: number; id?: string } = {}): unknown {
  const text = readFileSync(`events/guardduty/${file}`, 'utf8').split(SAMPLE_ACCOUNT).join('123456789012');
  const event = JSON.parse(text) as { id: string; detail: { severity: number; resource: { ecsClusterDetails: { taskDetails: { arn: string } } } } };
  event.detail.resource.ecsClusterDetails.taskDetails.arn = task;
  if (over.severity !== undefined) event.detail.severity = over.severity;
  if (over.id) event.id = over.id;
  return event;
}

test('a high-severity GuardDuty runtime finding on a standalone task starts contain-ecs-task: auto, stopped, finding in the evidence', async () => {
  const w = await warden();
  const task = await runningTask();
  const result = await w.triage(guardDutyEvent('ecs-runtime-reverse-shell-standalone.json', task));
  expect(result).toMatchObject({ status: 'violation', executions: [{ control: 'guardduty-container-threat', duplicate: false }] });
  const name = result.executions[0]!.name;
  const run = w.runs.get(name)!;
  expect(run.path).toContain('StopTask');
  expect(run.path.at(-1)).toBe('Succeeded');
  expect(await desired(task)).toBe('STOPPED');
  expect(await tagsOf(task)).toMatchObject({ 'warden:finding': 'c0ffee00000000000000000000000001' });
  const record = await audit(w, name);
  expect(record).toMatchObject({ outcome: 'fixed', source: 'guardduty', runbook: { name: 'contain-ecs-task', startedBy: 'GuardDuty finding c0ffee00000000000000000000000001' } });
  expect(record!.runbook!.evidence!.finding).toMatchObject({ id: 'c0ffee00000000000000000000000001', type: 'Execution:Runtime/ReverseShell', severity: 8 });

  // The same finding updated (new event, same id, same severity) is a repeat: nothing more runs.
  const again = await w.triage(guardDutyEvent('ecs-runtime-reverse-shell-standalone.json', task, { id: 'another-event-id' }));
  expect(again).toMatchObject({ status: 'ignored', reason: expect.stringContaining('repeat of GuardDuty finding') });
});

test('a task of a service waits for approval; approved, it is stopped and the approver is on the timeline', async () => {
  const w = await warden();
  const task = await runningTask('service:payments-web');
  const e = w.runbook('contain-ecs-task', { target: task, requestedBy: 'responder' });
  for (let i = 0; i < 200 && w.tokens.waiting().length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  expect(w.tokens.waiting()).toHaveLength(1);
  expect(await desired(task)).toBe('RUNNING');
  await w.tokens.callbacks.success(w.tokens.waiting()[0]!, { approvalId: 'APPROVAL0001', decision: 'approve', decidedBy: 'U0LEAD', decidedAt: new Date().toISOString(), via: 'cli' });
  const run = await e.done;
  expect(run.path).toEqual(expect.arrayContaining(['ChooseMode', 'RequestApproval', 'Brake', 'Braked', 'StopTask', 'VerifyStopped', 'Succeeded']));
  expect(await desired(task)).toBe('STOPPED');
  const record = await audit(w, e.name);
  expect(record!.runbook!.timeline.map((t) => `${t.step}:${t.result}`)).toContain('approval:approved');
  expect(record!.runbook!.timeline.find((t) => t.step === 'approval')).toMatchObject({ by: 'U0LEAD' });
  expect(record).toMatchObject({ mode: 'approval', approval: { decision: 'approved', decidedBy: 'U0LEAD' } });
});

test('dry-run: evidence captured, nothing tagged or stopped', async () => {
  const w = await warden();
  const task = await runningTask();
  const run = await w.runbook('contain-ecs-task', { target: task, dryRun: true }).done;
  expect(run.path).toEqual(['Start', 'Plan', 'Needed', 'CaptureEvidence', 'TagTask', 'ChooseMode', 'MarkDryRun', 'Conclude', 'Notify', 'Record', 'Finished', 'Succeeded']);
  expect(await desired(task)).toBe('RUNNING');
  expect(await tagsOf(task)).toEqual({});
});

test('a task already stopped: nothing to do, recorded as already-fixed', async () => {
  const w = await warden();
  const task = await runningTask();
  const first = await w.runbook('contain-ecs-task', { target: task }).done;
  expect(first.path.at(-1)).toBe('Succeeded');
  const e = w.runbook('contain-ecs-task', { target: task });
  const run = await e.done;
  expect(run.path).toEqual(['Start', 'Plan', 'Needed', 'MarkNothingToDo', 'Conclude', 'Notify', 'Record', 'Finished', 'Succeeded']);
  expect(await audit(w, e.name)).toMatchObject({ outcome: 'already-fixed' });
});

test('a mistyped task ARN: not-found (never "contained"), the ARN it looked for in the record and the notification', async () => {
  const w = await warden();
  await runningTask();
  const typo = 'arn:aws:ecs:us-east-1:123456789012:task/payments/0000000000000000000000000000dead';
  const e = w.runbook('contain-ecs-task', { target: typo, requestedBy: 'arn:aws:iam::123456789012:user/responder' });
  const run = await e.done;
  expect(run.path).toEqual(['Start', 'Plan', 'Needed', 'MarkAbsent', 'Conclude', 'Notify', 'Record', 'Finished', 'Succeeded']);
  const record = await audit(w, e.name);
  expect(record).toMatchObject({ outcome: 'not-found', plan: { targets: [], steps: [`task ${typo} not found on cluster payments in us-east-1: no such task, or it stopped over an hour ago`] } });
  expect(record!.runbook!.timeline.map((t) => `${t.step}:${t.result}`)).toEqual(['start:done', 'plan:done', 'conclude:done']);
  expect(record!.runbook!.timeline.at(-1)!.detail).toBe('outcome not-found');
  expect(record!.notifications).toEqual(expect.arrayContaining([expect.objectContaining({ delivered: true })]));
});

test('a target that is not a task ARN fails cleanly: nothing read or changed, failure notified and recorded', async () => {
  const w = await warden();
  const e = w.runbook('contain-ecs-task', { target: 'sg-0123456789abcdef0' });
  const run = await e.done;
  expect(run.path).toEqual(['Start', 'Plan', 'Conclude', 'Notify', 'Record', 'Finished', 'Failed']);
  expect(run.failed).toMatchObject({ error: 'Warden.RunbookFailed' });
  const record = await audit(w, e.name);
  expect(record).toMatchObject({ outcome: 'failed', error: { error: 'Warden.InvalidInput' } });
  expect(record!.runbook!.timeline.at(-2)).toMatchObject({ step: 'error', result: 'failed', detail: expect.stringContaining('needs a task ARN') });
});

test('input without a target never starts anything: Start fails the run', async () => {
  const w = await warden();
  const run = await w.runbook('contain-ecs-task', { dryRun: true }).done;
  expect(run.path).toEqual(['Start']);
  expect(run.failed).toMatchObject({ error: 'Warden.InvalidInput' });
});
