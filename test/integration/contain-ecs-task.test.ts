// contain-ecs-task's steps against moto server (ECS and EC2), called directly without the state machine (the state
// machine test runs the same run end to end): each step's AWS calls are recorded and checked against its declared IAM
// grants (functions/runbooks/grants.ts). No mocks.
import { DescribeTasksCommand, ListTagsForResourceCommand } from '@aws-sdk/client-ecs';
import { clients } from '../../functions/aws/clients';
import { defaultPolicy } from '../../functions/domain/policy';
import { runbookSteps, type RunbookState, type StepDeps } from '../../functions/runbooks';
import { runStep } from '../../functions/runbooks/run-step';
import { startRun } from '../../functions/runbooks/start';
import { runningTask } from '../../local/sandbox';
import { useMoto } from '../support/emulator';
import { expectDeclaredCalls, tracedSteps } from '../support/permissions';

useMoto();

const RUNBOOK = 'contain-ecs-task';
const policy = defaultPolicy();
const deps: StepDeps = { clients, audit: () => ({ dynamodb: clients.dynamodb(), tableName: 'unused' }), policy: () => policy, now: () => new Date() };
// Every call below is checked against the steps' declared IAM grants (expectDeclaredCalls, last in this file).
const steps = tracedSteps(runbookSteps);
const step = (id: string, s: RunbookState) => runStep(`${RUNBOOK}.${id}`, s, steps, deps);

let seq = 0;
const started = (target: string): RunbookState => {
  const name = `contain-${++seq}`;
  return startRun({
    runbook: RUNBOOK, input: { target, requestedBy: 'arn:aws:iam::123456789012:user/responder', reason: 'IR-9' },
    executionName: name, executionArn: `arn:aws:states:us-east-1:123456789012:execution:warden-${RUNBOOK}:${name}`,
  }, deps);
};
const desired = async (task: string) =>
  (await clients.ecs().send(new DescribeTasksCommand({ cluster: 'payments', tasks: [task] }))).tasks![0]!.desiredStatus;

test('a standalone task: planned auto, evidence, tagged, stopped, verified; stop and verify again change nothing', async () => {
  const task = await runningTask();
  let s = await step('plan', started(task));
  expect(s.live!.result).toMatchObject({ stillViolating: true, mode: 'auto', plan: { targets: [task] } });
  for (const id of ['capture-evidence', 'tag-task', 'stop-task', 'verify-stopped']) s = await step(id, s);
  expect(await desired(task)).toBe('STOPPED');
  const tags = (await clients.ecs().send(new ListTagsForResourceCommand({ resourceArn: task }))).tags ?? [];
  expect(tags).toContainEqual({ key: 'warden:incident', value: s.context.id });
  expect(JSON.stringify(s.runbook.evidence)).toContain('public.ecr.aws/nginx/nginx:1.27');
  const again = await step('verify-stopped', await step('stop-task', s));
  expect(again.verified!.result.verified).toBe(true);
  expect(again.runbook.timeline.map((e) => `${e.step}:${e.result}`).slice(1)).toEqual([
    'plan:done', 'capture-evidence:done', 'tag-task:done', 'stop-task:done', 'verify-stopped:done', 'stop-task:done', 'verify-stopped:done',
  ]);
});

test('a task that does not exist: planned as not found, nothing to contain', async () => {
  await runningTask();
  const s = await step('plan', started('arn:aws:ecs:us-east-1:123456789012:task/payments/0123456789abcdef0123456789abcdef'));
  expect(s.live!.result).toMatchObject({ stillViolating: false, absent: 'not-found' });
});

expectDeclaredCalls({ everyGrantOf: RUNBOOK });
