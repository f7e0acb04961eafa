// `warden runbook run --endpoint` and `warden audit show --endpoint` against moto server: the CLI starts a local Warden
// on the emulator (the generated state machine, every Task bound to the real handler), and the audit record it
// prints comes back from moto's DynamoDB. Nothing is mocked. The AWS path (no --endpoint) is checked against moto's STS
// and Step Functions too; moto does not execute state machines (an execution stays RUNNING), so --wait is only checked
// up to its timeout here, and to the end with fakes in test/unit/cli-runbook.test.ts.
import { userInfo } from 'node:os';
import { DescribeTasksCommand } from '@aws-sdk/client-ecs';
import { CreateStateMachineCommand, DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { clients } from '../../functions/aws/clients';
import { runWarden } from '../support/cli';
import type { RemediationRecord } from '../../functions/domain/remediation';
import { useMoto } from '../support/emulator';
import { runningTask } from '../../local/sandbox';

const moto = useMoto();


const desired = async (task: string) =>
  (await clients.ecs().send(new DescribeTasksCommand({ cluster: 'payments', tasks: [task] }))).tasks![0]!.desiredStatus;

const warden = (...args: string[]) => runWarden(args);

const runbook = (target: string, ...more: string[]) => warden('runbook', 'run', 'contain-ecs-task', '--target', target, '--endpoint', moto().endpoint, ...more);
const auditId = (stdout: string) => /^ {2}audit id {3}(\S+)$/m.exec(stdout)?.[1] ?? '';
/** The printed timeline: "<at>  <step>  <RESULT>  <detail>" lines after "timeline:". */
const timeline = (stdout: string) => {
  const lines = stdout.slice(stdout.indexOf('timeline:\n') + 'timeline:\n'.length).split('\n');
  return lines.slice(0, lines.findIndex((l) => !l.startsWith('  '))).map((l) => l.trim());
};
const steps = (stdout: string) => timeline(stdout).map((l) => l.split(/\s{2}/).slice(1, 3).join(':'));

test('run on a standalone task: stopped, the timeline printed; audit show prints the same timeline; --json the record', async () => {
  const task = await runningTask();
  const run = await runbook(task, '--reason', 'IR-42');
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(await desired(task)).toBe('STOPPED');
  const id = auditId(run.stdout);
  expect(id).toMatch(/^contain-ecs-task-\d{8}T\d{6}-[0-9a-f]{6}$/);
  expect(steps(run.stdout)).toEqual(['start:DONE', 'plan:DONE', 'capture-evidence:DONE', 'tag-task:DONE', 'brake:DONE', 'stop-task:DONE', 'verify-stopped:DONE', 'conclude:DONE']);
  expect(run.stdout).toMatch(/^outcome\s+fixed$/m);
  expect(run.stdout).toContain(`started by  local:${userInfo().username}: IR-42`);

  const shown = await warden('audit', 'show', id, '--endpoint', moto().endpoint);
  expect(shown.code).toBe(0);
  expect(timeline(shown.stdout)).toEqual(timeline(run.stdout));

  const json = await warden('audit', 'show', id, '--endpoint', moto().endpoint, '--json');
  expect(json.code).toBe(0);
  const record = JSON.parse(json.stdout) as RemediationRecord;
  expect(record).toMatchObject({ id, outcome: 'fixed', source: 'manual', applied: [task], runbook: { name: 'contain-ecs-task', target: task, startedBy: `local:${userInfo().username}`, reason: 'IR-42' } });
  expect(record.runbook!.timeline.map((t) => t.step)).toEqual(['start', 'plan', 'capture-evidence', 'tag-task', 'brake', 'stop-task', 'verify-stopped', 'conclude']);

  const missing = await warden('audit', 'show', 'no-such-run', '--endpoint', moto().endpoint);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toBe('warden: no audit record no-such-run\n');
});

test('--dry-run changes nothing; a second run on the same emulator reuses the local resources', async () => {
  const task = await runningTask();
  const dry = await runbook(task, '--dry-run');
  expect(dry.code).toBe(0);
  expect(await desired(task)).toBe('RUNNING');
  expect(steps(dry.stdout)).toEqual(['start:DONE', 'plan:DONE', 'capture-evidence:DONE', 'tag-task:DRY-RUN', 'dry-run:DRY-RUN', 'conclude:DONE']);
  expect(dry.stdout).toMatch(/^outcome\s+dry-run$/m);

  const real = await runbook(task);
  expect(real.stderr).toBe('');
  expect(real.code).toBe(0);
  expect(auditId(real.stdout)).not.toBe(auditId(dry.stdout));
  expect(await desired(task)).toBe('STOPPED');
});

test('a task of a service needs approval: denied locally without --approve-as (exit 1), applied with it', async () => {
  const task = await runningTask('service:web');
  const unapproved = await runbook(task);
  expect(unapproved.code).toBe(1);
  expect(unapproved.stdout).toContain('waiting for approval: pass --approve-as NAME to approve locally, or --dry-run');
  expect(await desired(task)).toBe('RUNNING');
  expect(unapproved.stdout).toMatch(/^outcome\s+denied$/m);
  expect(steps(unapproved.stdout)).toContain('approval:DENIED');
  expect(steps(unapproved.stdout)).not.toContain('stop-task:DONE');

  const approved = await runbook(task, '--approve-as', 'alice');
  expect(approved.stderr).toBe('');
  expect(approved.code).toBe(0);
  expect(await desired(task)).toBe('STOPPED');
  const line = timeline(approved.stdout).find((l) => l.includes('  approval  '));
  expect(line).toMatch(/ {2}approval {2}APPROVED {2}approved via cli \(approval [A-Z2-7]{16}\) {2}\(by alice\)$/);
  expect(steps(approved.stdout).slice(-3)).toEqual(['stop-task:DONE', 'verify-stopped:DONE', 'conclude:DONE']);
  expect(approved.stdout).toMatch(/^approval\s+approved by alice via cli at /m);
});

test('a mistyped task ARN: outcome not-found, exit 1, and the ARN it looked for on stderr; a real task is untouched', async () => {
  const task = await runningTask();
  const typo = task.slice(0, -4) + 'dead';
  const run = await runbook(typo);
  expect(run.code).toBe(1);
  expect(run.stdout).toMatch(/^outcome\s+not-found$/m);
  expect(steps(run.stdout)).toEqual(['start:DONE', 'plan:DONE', 'conclude:DONE']);
  expect(run.stderr).toBe(`warden: not found: task ${typo} not found on cluster payments in us-east-1: no such task, or it stopped over an hour ago\n`);
  expect(await desired(task)).toBe('RUNNING');
});

test('on AWS: StartExecution on <stack>-<name> in the caller\'s account and region, with the hand-start input', async () => {
  const machine = await clients.sfn().send(new CreateStateMachineCommand({
    name: 'warden-contain-ecs-task', roleArn: 'arn:aws:iam::123456789012:role/warden-runbooks',
    definition: JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } }),
  }));
  const task = 'arn:aws:ecs:us-east-1:123456789012:task/payments/0123456789abcdef';
  const started = await warden('runbook', 'run', 'contain-ecs-task', '--target', task, '--reason', 'IR-9');
  expect(started.stderr).toBe('');
  expect(started.code).toBe(0);
  const id = auditId(started.stdout);
  const executionArn = /^ {2}execution {2}(\S+)$/m.exec(started.stdout)?.[1] ?? '';
  expect(executionArn).toBe(`${machine.stateMachineArn!.replace(':stateMachine:', ':execution:')}:${id}`);
  expect(started.stdout).toContain(`follow with: warden audit show ${id}`);
  const execution = await clients.sfn().send(new DescribeExecutionCommand({ executionArn }));
  expect(JSON.parse(execution.input!)).toEqual({ target: task, dryRun: false, requestedBy: 'arn:aws:sts::123456789012:user/moto', reason: 'IR-9' });

  const waited = await warden('runbook', 'run', 'contain-ecs-task', '--target', task, '--wait', '--timeout', '1', '--table', 'warden-audit');
  expect(waited.code).toBe(1);
  expect(waited.stderr).toMatch(/is still running after 1 s/);
});
