// The container fixes through triage and the remediate state machine, per mode: each run uses real sample events
// (ids rewritten to the emulator's), the real handlers bound to every Task, and moto server for ECS, EKS and ECR.
// moto lacks ECS UpdateClusterSettings, so Container Insights is covered by test/integration/eks-ecr-actions.test.ts.
import { CreateRepositoryCommand, DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import {
  CreateClusterCommand, DescribeTasksCommand, ListTaskDefinitionsCommand, RegisterTaskDefinitionCommand, RunTaskCommand,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import { readFileSync } from 'node:fs';
import { clients } from '../../functions/aws/clients';
import type { LocalWarden } from '../../local/warden-local';
import { useLocalWarden } from '../support/emulator';
import { ecsNetwork } from '../../local/sandbox';

const SAMPLE = '111122223333';
const ACCOUNT = '123456789012';
/** `warden(policy)`: moto and the Slack sink wiped, a fresh local Warden on them. */
const { sink, start: warden } = useLocalWarden();

const sampleText = (file: string) => readFileSync(`events/${file}`, 'utf8').split(SAMPLE).join(ACCOUNT);
const eventFrom = (file: string, ids: Record<string, string> = {}) => {
  let text = sampleText(file);
  for (const [a, b] of Object.entries(ids).sort(([x], [y]) => y.length - x.length)) text = text.split(a).join(b);
  return JSON.parse(text) as unknown;
};
const request = <T>(file: string) => (JSON.parse(sampleText(file)) as { detail: { requestParameters: T } }).detail.requestParameters;

async function rootTask(group?: string): Promise<{ task: string; taskDefinition: string }> {
  const { subnet, sg } = await ecsNetwork();
  await clients.ecs().send(new CreateClusterCommand({ clusterName: 'payments' }));
  const td = await clients.ecs().send(new RegisterTaskDefinitionCommand({
    ...request<RegisterTaskDefinitionCommandInput>('cloudtrail/ecs-register-task-definition-root.json'),
    requiresCompatibilities: ['FARGATE'], cpu: '512', memory: '1024',
  }));
  const run = await clients.ecs().send(new RunTaskCommand({
    cluster: 'payments', taskDefinition: td.taskDefinition!.taskDefinitionArn!, launchType: 'FARGATE', ...(group ? { group } : {}),
    networkConfiguration: { awsvpcConfiguration: { subnets: [subnet], securityGroups: [sg], assignPublicIp: 'DISABLED' } },
  }));
  return { task: run.tasks![0]!.taskArn!, taskDefinition: td.taskDefinition!.taskDefinitionArn! };
}

const runEvent = (r: { task: string; taskDefinition: string }, group?: string) => {
  const event = eventFrom('cloudtrail/ecs-run-task-standalone.json', {
    [`arn:aws:ecs:us-east-1:${ACCOUNT}:task/payments/0f1e2d3c4b5a69788796a5b4c3d2e1f0`]: r.task,
    [`arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/payments-batch:3`]: r.taskDefinition,
  }) as { detail: { responseElements: { tasks: { group?: string }[] } } };
  if (group) event.detail.responseElements.tasks[0]!.group = group;
  return event;
};

const desired = async (task: string) =>
  (await clients.ecs().send(new DescribeTasksCommand({ cluster: 'payments', tasks: [task] }))).tasks![0]!.desiredStatus;

async function only(w: LocalWarden, event: unknown) {
  const result = await w.triage(event);
  expect(result.status).toBe('violation');
  return result.executions.map((e) => ({ ...e, run: w.runs.get(e.name)! }));
}

test('stop-ecs-tasks, auto: a standalone root task is stopped and verified', async () => {
  const w = await warden();
  const r = await rootTask();
  const [e] = await only(w, runEvent(r));
  expect(e!.run.path).toEqual(['LoadLiveState', 'StillViolating', 'ChooseMode', 'Apply', 'Applied', 'Verify', 'MarkFixed', 'Notify', 'Record']);
  expect(await desired(r.task)).toBe('STOPPED');
});

test('stop-ecs-tasks, approval: a task that belongs to a service is not stopped without a human', async () => {
  const w = await warden();
  const r = await rootTask('service:batch');
  const [e] = await only(w, runEvent(r, 'service:batch'));
  expect(e!.run.path).toContain('RequestApproval');
  expect(e!.run.path).not.toContain('Apply');
  expect(await desired(r.task)).toBe('RUNNING');
});

test('stop-ecs-tasks, dry-run: reported, nothing stopped', async () => {
  const w = await warden({ defaults: { mode: 'dry-run' } });
  const r = await rootTask();
  const [e] = await only(w, runEvent(r));
  expect(e!.run.path).toContain('NotifyDryRun');
  expect(await desired(r.task)).toBe('RUNNING');
});

test('harden-task-definition: approval by default (no new revision); auto by policy registers a hardened one', async () => {
  const register = async () => (await clients.ecs().send(new RegisterTaskDefinitionCommand(
    request<RegisterTaskDefinitionCommandInput>('cloudtrail/ecs-register-task-definition-privileged.json'),
  ))).taskDefinition!.taskDefinitionArn!;
  const revisions = async () => (await clients.ecs().send(new ListTaskDefinitionsCommand({ familyPrefix: 'payments-web' }))).taskDefinitionArns ?? [];
  const eventFor = (arn: string) => eventFrom('cloudtrail/ecs-register-task-definition-privileged.json', { [`arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/payments-web:7`]: arn });

  let w = await warden();
  let arn = await register();
  const [approval] = await only(w, eventFor(arn));
  expect(approval!.run.path).toContain('RequestApproval');
  expect(await revisions()).toHaveLength(1);

  w = await warden({ controls: { 'ecs-task-privileged': { mode: 'auto' } } });
  arn = await register();
  const [auto] = await only(w, eventFor(arn));
  expect(auto!.run.path).toEqual(['LoadLiveState', 'StillViolating', 'ChooseMode', 'Apply', 'Applied', 'Verify', 'MarkFixed', 'Notify', 'Record']);
  expect(await revisions()).toHaveLength(2);
});

test('plan-only fixes never apply, even when policy says auto: move-env-secrets and notify-owner go to approval', async () => {
  const w = await warden({ defaults: { mode: 'auto' }, controls: { 'ecs-task-env-secrets': { mode: 'auto' }, 'ecs-task-untrusted-image': { mode: 'auto' } } });
  const files = [
    'cloudtrail/ecs-register-task-definition-env-secret-name.json',
    'cloudtrail/ecs-register-task-definition-env-secret-value.json',
    'cloudtrail/ecs-register-task-definition-untrusted-image.json',
  ];
  const secretValues = ['correct-horse-battery-staple-EXAMPLE', 'AKIAIOSFODNN7EXAMPLE'];
  for (const file of files) {
    const req = request<RegisterTaskDefinitionCommandInput>(file);
    const arn = (await clients.ecs().send(new RegisterTaskDefinitionCommand(req))).taskDefinition!.taskDefinitionArn!;
    const original = JSON.parse(sampleText(file)) as { detail: { responseElements: { taskDefinition: { taskDefinitionArn: string } } } };
    const event = eventFrom(file, { [original.detail.responseElements.taskDefinition.taskDefinitionArn]: arn });
    const runs = await only(w, event);
    const planOnly = runs.filter((e) => ['ecs-task-env-secrets', 'ecs-task-untrusted-image'].includes(e.control));
    expect(planOnly.length).toBeGreaterThan(0);
    for (const e of planOnly) {
      expect(e.run.path).toContain('RequestApproval');
      expect(e.run.path).not.toContain('Apply');
    }
  }
  // The secret values are in the samples' environment: no notification may carry them.
  expect(sampleText(files[0]!) + sampleText(files[1]!)).toContain(secretValues[0]!);
  const posted = sink().received.map((r) => r.body).join('\n');
  expect(posted).toContain('DB_PASSWORD');
  for (const value of secretValues) expect(posted).not.toContain(value);
});

test('enable-ecr-scan-on-push: auto fixes; dry-run reports and leaves the repository as it is', async () => {
  const scan = async () => (await clients.ecr().send(new DescribeRepositoriesCommand({ repositoryNames: ['payments/web'] }))).repositories![0]!.imageScanningConfiguration!.scanOnPush;
  const repo = () => clients.ecr().send(new CreateRepositoryCommand({ repositoryName: 'payments/web', imageScanningConfiguration: { scanOnPush: false } }));

  let w = await warden({ defaults: { mode: 'dry-run' } });
  await repo();
  const dry = await only(w, eventFrom('cloudtrail/ecr-create-repository-mutable-no-scan.json'));
  expect(dry.find((e) => e.control === 'ecr-scan-on-push')!.run.path).toContain('NotifyDryRun');
  expect(await scan()).toBe(false);

  w = await warden();
  await repo();
  const fixed = await only(w, eventFrom('cloudtrail/ecr-create-repository-mutable-no-scan.json'));
  expect(fixed.find((e) => e.control === 'ecr-scan-on-push')!.run.path).toContain('MarkFixed');
  expect(fixed.find((e) => e.control === 'ecr-tag-immutability')!.run.path).toContain('RequestApproval');
  expect(await scan()).toBe(true);
});
