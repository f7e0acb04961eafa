// `warden runbook list|run` and `warden audit show` with fake edges: no emulator, no AWS. The real edges (moto, the
// local state machine) are in test/integration/cli-runbook.test.ts.
import { formatRecord, auditCommand, type AuditReader } from '../../cli/audit';
import { UsageError } from '../../cli/evaluate';
import { executionName, runbookCommand, stateMachineArn, type AwsRunbookPorts, type LocalRunbookPorts, type RunbookDeps } from '../../cli/runbook';
import { runWarden, writer } from '../support/cli';
import type { RemediationRecord } from '../../functions/domain/remediation';
import { startables } from '../../functions/domain/runbooks/catalog';
import { timelineLines } from '../../functions/domain/runbooks/timeline';
import type { LocalRun } from '../../local/state-machine';
import type { HandStart } from '../../functions/runbooks/start';

const CALLER = 'arn:aws-us-gov:sts::210987654321:assumed-role/Responder/alice';
const NOW = new Date('2031-02-03T04:05:06.789Z');
const TASK = 'arn:aws:ecs:us-east-1:123456789012:task/payments/0123456789abcdef';

const run = runWarden;

const runbookRecord = (over: Partial<RemediationRecord> = {}): RemediationRecord => ({
  id: 'contain-ecs-task-20310203T040506-a1b2c3', eventId: 'contain-ecs-task-20310203T040506-a1b2c3', source: 'manual', eventName: 'StartRunbook',
  eventTime: '2031-02-03T04:05:07Z', requestedAt: '2031-02-03T04:05:07Z', finishedAt: '2031-02-03T04:05:09.500Z', durationMs: 2500,
  actor: { arn: CALLER },
  finding: {
    control: 'runbook:contain-ecs-task', title: 'Contain a compromised ECS task', severity: 'HIGH', evidence: 'by hand',
    resource: { type: 'AWS::ECS::Task', id: TASK, arn: TASK, account: '123456789012', region: 'us-east-1' },
    remediation: { action: 'contain-ecs-task', mode: 'auto', targets: [TASK] },
  },
  mode: 'approval', outcome: 'fixed', channel: '#payments-alerts', owner: 'payments', applied: [TASK], verified: true,
  approval: { approvalId: 'APPROVAL0000ABCD', decision: 'approved', decidedBy: 'bob', decidedAt: '2031-02-03T04:05:08Z', via: 'cli' },
  runbook: {
    name: 'contain-ecs-task', target: TASK, dryRun: false, startedBy: CALLER, reason: 'IR-7',
    timeline: [
      { at: '2031-02-03T04:05:07Z', step: 'start', result: 'done', detail: 'started by hand: IR-7', by: CALLER },
      { at: '2031-02-03T04:05:07Z', step: 'plan', result: 'done', detail: 'task of service:web is running' },
      { at: '2031-02-03T04:05:08Z', step: 'approval', result: 'approved', detail: 'approved via cli (approval APPROVAL0000ABCD)', by: 'bob' },
      { at: '2031-02-03T04:05:09Z', step: 'stop-task', result: 'done', detail: 'stopped' },
    ],
  },
  ...over,
});

/** Fake AWS edges: every call recorded; DescribeExecution answers from a script. */
function fakeAws(statuses: string[] = ['SUCCEEDED'], record: RemediationRecord | undefined = runbookRecord()) {
  const calls: string[] = [];
  const started: { machine: string; name: string; input: HandStart }[] = [];
  let described = 0;
  const ports: AwsRunbookPorts = {
    callerArn: async () => (calls.push('sts'), CALLER),
    region: async () => 'us-gov-west-1',
    startExecution: async (machine, name, input) => {
      calls.push('start');
      started.push({ machine, name, input: JSON.parse(input) as HandStart });
      return `${machine.replace(':stateMachine:', ':execution:')}:${name}`;
    },
    describeExecution: async () => {
      calls.push('describe');
      const status = statuses[Math.min(described++, statuses.length - 1)]!;
      return status === 'FAILED' ? { status, error: 'Warden.VerificationFailed', cause: 'still running' } : { status };
    },
    auditReader: (table) => async (id) => (calls.push(`audit:${table}:${id}`), record),
  };
  return { ports, calls, started };
}

function deps(aws: AwsRunbookPorts, over: Partial<RunbookDeps> = {}) {
  const out = writer();
  const err = writer();
  const sleeps: number[] = [];
  const d: RunbookDeps = {
    aws: () => aws,
    local: () => Promise.reject(new Error('no local run expected')),
    env: {}, out, err, now: () => NOW, suffix: () => 'a1b2c3',
    sleep: async (ms) => void sleeps.push(ms),
    ...over,
  };
  return { d, out, err, sleeps };
}

describe('warden runbook list', () => {
  test('one row per catalog runbook and hand start with its approval, target and title', async () => {
    const { code, stdout } = await run(['runbook', 'list']);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+APPROVAL\s+TARGET\s+TITLE$/);
    expect(lines).toHaveLength(startables.length + 1);
    expect(startables.map((r) => r.name)).toContain('revoke-open-ingress');
    for (const r of startables) {
      const row = lines.find((l) => l.startsWith(`${r.name} `));
      const workflow = r.workflow ? ` \\(starts the ${r.workflow} workflow by hand\\)` : '';
      expect(row).toMatch(new RegExp(`^${r.name}\\s+${r.approval}\\s+${r.target}\\s+${r.title}${workflow}$`));
    }
  });

  test('--json carries the summary and the state machine each name starts', async () => {
    const { code, stdout } = await run(['runbook', 'list', '--json']);
    expect(code).toBe(0);
    const listed = JSON.parse(stdout) as { name: string; stateMachine: string }[];
    expect(listed).toEqual(startables.map((r) => ({ name: r.name, title: r.title, approval: r.approval, target: r.target, summary: r.summary, stateMachine: r.stateMachine })));
    // The remediate workflow's hand entry: responders may start it; only triage starts the workflow itself.
    expect(listed.find((r) => r.name === 'revoke-open-ingress')?.stateMachine).toBe('revoke-open-ingress');
    expect(listed.find((r) => r.name === 'contain-ecs-task')?.stateMachine).toBe('contain-ecs-task');
  });
});

describe('warden runbook run on AWS', () => {
  test('StartExecution on <stack>-<name> in the caller\'s partition, account and region, with the hand-start input', async () => {
    const aws = fakeAws();
    const { d, out } = deps(aws.ports);
    const code = await runbookCommand(['run', 'contain-ecs-task', '--target', TASK, '--reason', 'IR-7'], d);
    expect(code).toBe(0);
    expect(aws.started).toEqual([{
      machine: 'arn:aws-us-gov:states:us-gov-west-1:210987654321:stateMachine:warden-contain-ecs-task',
      name: 'contain-ecs-task-20310203T040506-a1b2c3',
      input: { target: TASK, dryRun: false, requestedBy: CALLER, reason: 'IR-7' },
    }]);
    expect(aws.calls).toEqual(['sts', 'start']); // no --wait: nothing polled
    expect(out.text()).toContain('arn:aws-us-gov:states:us-gov-west-1:210987654321:execution:warden-contain-ecs-task:contain-ecs-task-20310203T040506-a1b2c3');
    expect(out.text()).toContain('audit id   contain-ecs-task-20310203T040506-a1b2c3');
    expect(out.text()).toContain('follow with: warden audit show contain-ecs-task-20310203T040506-a1b2c3');
  });

  test('--dry-run, env WARDEN_STACK, --stack over the env, --state-machine-arn over both', async () => {
    const aws = fakeAws();
    await runbookCommand(['run', 'revoke-open-ingress', '--target', 'sg-0abc', '--dry-run'], deps(aws.ports, { env: { WARDEN_STACK: 'sec' } }).d);
    await runbookCommand(['run', 'revoke-open-ingress', '--target', 'sg-0abc', '--stack', 'blue'], deps(aws.ports, { env: { WARDEN_STACK: 'sec' } }).d);
    await runbookCommand(['run', 'revoke-open-ingress', '--target', 'sg-0abc', '--stack', 'blue', '--state-machine-arn', 'arn:aws:states:eu-west-1:111122223333:stateMachine:x'], deps(aws.ports).d);
    expect(aws.started.map((s) => s.machine.split(':').slice(3).join(':'))).toEqual([
      // revoke-open-ingress is the remediate workflow's hand entry.
      'us-gov-west-1:210987654321:stateMachine:sec-revoke-open-ingress',
      'us-gov-west-1:210987654321:stateMachine:blue-revoke-open-ingress',
      'eu-west-1:111122223333:stateMachine:x',
    ]);
    expect(aws.started.map((s) => s.input.dryRun)).toEqual([true, false, false]);
    expect(aws.started[0]!.input).not.toHaveProperty('reason');
  });

  test('--wait polls every 2 s until the execution ends, then prints the timeline from the audit table: exit 0 on SUCCEEDED', async () => {
    const aws = fakeAws(['RUNNING', 'RUNNING', 'SUCCEEDED']);
    const { d, out, sleeps } = deps(aws.ports, { env: { AUDIT_TABLE: 'prod-audit' } });
    expect(await runbookCommand(['run', 'contain-ecs-task', '--target', TASK, '--wait'], d)).toBe(0);
    expect(sleeps).toEqual([2000, 2000]);
    expect(aws.calls).toEqual(['sts', 'start', 'describe', 'describe', 'describe', 'audit:prod-audit:contain-ecs-task-20310203T040506-a1b2c3']);
    expect(out.text()).toContain('execution SUCCEEDED');
    for (const line of timelineLines(runbookRecord().runbook!.timeline)) expect(out.text()).toContain(line);
  });

  test.each([
    ['denied', 1], ['expired', 1], ['in-progress', 1], ['not-found', 1], ['resource-gone', 1],
    ['fixed', 0], ['already-fixed', 0], ['dry-run', 0], ['notified', 0],
  ] as const)('--wait: a SUCCEEDED execution whose record says %s exits %i', async (outcome, code) => {
    const aws = fakeAws(['SUCCEEDED'], runbookRecord({ outcome }));
    expect(await runbookCommand(['run', 'contain-ecs-task', '--target', TASK, '--wait'], deps(aws.ports, { env: { AUDIT_TABLE: 't' } }).d)).toBe(code);
  });

  test('--wait: a target that does not exist exits 1 and says which id it looked for', async () => {
    const why = `task ${TASK} not found on cluster payments in us-east-1: no such task, or it stopped over an hour ago`;
    const record = runbookRecord({ outcome: 'not-found', plan: { action: 'contain-ecs-task', resource: runbookRecord().finding.resource, targets: [], steps: [why] } });
    const { d, err } = deps(fakeAws(['SUCCEEDED'], record).ports, { env: { AUDIT_TABLE: 't' } });
    expect(await runbookCommand(['run', 'contain-ecs-task', '--target', TASK, '--wait'], d)).toBe(1);
    expect(err.text()).toBe(`warden: not found: ${why}\n`);
  });

  test('--wait: fixed but not verified (a trunked host) exits 1', async () => {
    const aws = fakeAws(['SUCCEEDED'], runbookRecord({ outcome: 'fixed', verified: false }));
    expect(await runbookCommand(['run', 'contain-ecs-task', '--target', TASK, '--wait'], deps(aws.ports, { env: { AUDIT_TABLE: 't' } }).d)).toBe(1);
  });

  test('--wait: a FAILED execution exits 1 with its error; --table names the table', async () => {
    const aws = fakeAws(['FAILED'], runbookRecord({ outcome: 'failed', error: { error: 'Warden.VerificationFailed', cause: 'still running' } }));
    const { d, out } = deps(aws.ports);
    expect(await runbookCommand(['run', 'contain-ecs-task', '--target', TASK, '--wait', '--table', 'mine'], d)).toBe(1);
    expect(out.text()).toContain('execution FAILED: Warden.VerificationFailed: still running');
    expect(aws.calls.at(-1)).toBe('audit:mine:contain-ecs-task-20310203T040506-a1b2c3');
  });

  test('--wait gives up after --timeout seconds: exit 1, the run is left running', async () => {
    const aws = fakeAws(['RUNNING']);
    const { d, err, sleeps } = deps(aws.ports, { env: { AUDIT_TABLE: 't' } });
    expect(await runbookCommand(['run', 'contain-ecs-task', '--target', TASK, '--wait', '--timeout', '5'], d)).toBe(1);
    expect(sleeps).toEqual([2000, 2000, 2000]);
    expect(err.text()).toContain('still running after 5 s');
    expect(aws.calls.filter((c) => c.startsWith('audit'))).toEqual([]);
  });

  test('--wait without an audit table is a usage error before anything starts', async () => {
    const aws = fakeAws();
    await expect(runbookCommand(['run', 'contain-ecs-task', '--target', TASK, '--wait'], deps(aws.ports).d)).rejects.toThrow(UsageError);
    expect(aws.calls).toEqual([]);
  });

  test('no identity: exit 1 and nothing started', async () => {
    const aws = fakeAws();
    const { d, err } = deps({ ...aws.ports, callerArn: async () => '' });
    expect(await runbookCommand(['run', 'contain-ecs-task', '--target', TASK], d)).toBe(1);
    expect(err.text()).toContain('GetCallerIdentity');
    expect(aws.started).toEqual([]);
  });
});

describe('usage errors exit 2 and list the runbooks', () => {
  test.each([
    [['runbook']],
    [['runbook', 'frob']],
    [['runbook', 'run']],
    [['runbook', 'run', 'contain-everything', '--target', 'x']],
    [['runbook', 'run', 'contain-ecs-task']],
    [['runbook', 'run', 'contain-ecs-task', '--target', '  ']],
    [['runbook', 'run', 'contain-ecs-task', 'extra', '--target', 'x']],
    [['runbook', 'run', 'contain-ecs-task', '--target', 'x', '--approve-as', 'alice']],
    [['runbook', 'run', 'contain-ecs-task', '--target', 'x', '--timeout', 'soon']],
    [['runbook', 'run', 'contain-ecs-task', '--target', 'x', '--endpoint', 'http://127.0.0.1:1', '--state-machine-arn', 'arn:x']],
    [['runbook', 'run', 'contain-ecs-task', '--target', 'x', '--endpoint', 'http://127.0.0.1:1', '--approve-as', ' ']],
    [['runbook', 'list', '--bogus']],
  ])('%j', async (args) => {
    const { code, stderr } = await run(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^warden: /);
    for (const r of startables) expect(stderr).toContain(r.name);
  });

  test('the message says what is wrong', async () => {
    expect((await run(['runbook', 'run', 'contain-everything', '--target', 'x'])).stderr).toMatch(/^warden: unknown runbook contain-everything \(one of: contain-ecs-task, /);
    expect((await run(['runbook', 'run', 'contain-ecs-task'])).stderr).toMatch(/^warden: runbook run contain-ecs-task needs --target \(ECS task ARN\)/);
  });
});

describe('warden runbook run --endpoint (local)', () => {
  /** A local run that waits on one approval until it is decided, then ends fixed (approved) or denied. */
  function fakeLocal() {
    const calls: string[] = [];
    let started: HandStart | undefined;
    let decided: { approve: boolean; by: string; reason?: string } | undefined;
    let finish: (r: LocalRun) => void = () => undefined;
    const ports: LocalRunbookPorts = {
      start: (name, input, id) => {
        started = input as HandStart;
        calls.push(`start:${name}:${id}`);
        return { executionArn: `arn:aws:states:us-east-1:123456789012:execution:warden-${name}:${id}`, done: new Promise<LocalRun>((r) => (finish = r)) };
      },
      pendingApproval: async () => (decided ? undefined : 'APPROVAL0000ABCD'),
      decide: async (approvalId, approve, by, reason) => {
        calls.push(`decide:${approvalId}:${approve}:${by}`);
        decided = { approve, by, ...(reason ? { reason } : {}) };
        setTimeout(() => finish({ output: {}, path: ['Start', approve ? 'StopTask' : 'MarkDenied', 'Succeeded'] }), 5);
        return true;
      },
      audit: async (id) => (calls.push(`audit:${id}`), runbookRecord(decided?.approve ? {} : { outcome: 'denied', approval: { decision: 'denied', decidedBy: 'local:tester' } })),
      user: () => 'tester',
    };
    return { ports, calls, started: () => started, decided: () => decided };
  }

  test('--approve-as approves the waiting approval as a CLI decision; prints the timeline and the outcome', async () => {
    const local = fakeLocal();
    const endpoints: string[] = [];
    const { d, out } = deps(fakeAws().ports, { aws: () => { throw new Error('no AWS in a local run'); }, local: async (e) => (endpoints.push(e), local.ports) });
    const code = await runbookCommand(['run', 'contain-ecs-task', '--target', TASK, '--endpoint', 'http://127.0.0.1:5000', '--approve-as', 'bob'], d);
    expect(code).toBe(0);
    expect(endpoints).toEqual(['http://127.0.0.1:5000']);
    expect(local.started()).toEqual({ target: TASK, dryRun: false, requestedBy: 'local:tester' });
    expect(local.calls).toEqual([
      'start:contain-ecs-task:contain-ecs-task-20310203T040506-a1b2c3', 'decide:APPROVAL0000ABCD:true:bob', 'audit:contain-ecs-task-20310203T040506-a1b2c3',
    ]);
    expect(out.text()).toContain('approval APPROVAL0000ABCD approved by bob (local)');
    for (const line of timelineLines(runbookRecord().runbook!.timeline)) expect(out.text()).toContain(line);
    expect(out.text()).toContain('outcome: fixed');
    expect(out.text()).toContain('warden audit show contain-ecs-task-20310203T040506-a1b2c3 --endpoint http://127.0.0.1:5000');
  });

  test('without --approve-as: says how to approve, denies locally so nothing hangs, exit 1', async () => {
    const local = fakeLocal();
    const { d, out } = deps(fakeAws().ports, { local: async () => local.ports });
    expect(await runbookCommand(['run', 'contain-ecs-task', '--target', TASK, '--endpoint', 'http://127.0.0.1:5000'], d)).toBe(1);
    expect(out.text()).toContain('waiting for approval: pass --approve-as NAME to approve locally, or --dry-run');
    expect(local.decided()).toMatchObject({ approve: false, by: 'local:tester' });
    expect(out.text()).toContain('outcome: denied');
  });

  test('a failed local run exits 1 with its error', async () => {
    const ports: LocalRunbookPorts = {
      start: () => ({ executionArn: 'arn:x', done: Promise.resolve({ output: undefined, path: ['Start', 'Plan', 'Failed'], failed: { error: 'Warden.InvalidInput', cause: 'needs a task ARN' } }) }),
      pendingApproval: async () => undefined,
      decide: async () => { throw new Error('nothing to decide'); },
      audit: async () => undefined,
      user: () => 'tester',
    };
    const { d, out } = deps(fakeAws().ports, { local: async () => ports });
    expect(await runbookCommand(['run', 'contain-ecs-task', '--target', 'not-an-arn', '--endpoint', 'http://127.0.0.1:5000'], d)).toBe(1);
    expect(out.text()).toContain('states: Start > Plan > Failed');
    expect(out.text()).toContain('run failed: Warden.InvalidInput: needs a task ARN');
  });
});

describe('names and ARNs', () => {
  test('execution names: <runbook>-<yyyymmddThhmmss>-<hex>, valid for every runbook', () => {
    expect(executionName('contain-ecs-task', NOW, 'a1b2c3')).toBe('contain-ecs-task-20310203T040506-a1b2c3');
    for (const r of startables) {
      const name = executionName(r.name, NOW, 'ffffff');
      expect(name.length).toBeLessThanOrEqual(80);
      expect(name).toMatch(/^[A-Za-z0-9_-]+$/);
    }
    expect(() => executionName('contain ecs', NOW, 'a1b2c3')).toThrow(/not a valid execution name/);
  });

  test('the state machine ARN comes from the caller ARN; an unreadable one is an error', () => {
    expect(stateMachineArn('arn:aws-cn:iam::123456789012:user/ops', 'cn-north-1', 'warden', 'revoke-open-ingress'))
      .toBe('arn:aws-cn:states:cn-north-1:123456789012:stateMachine:warden-revoke-open-ingress');
    expect(() => stateMachineArn('not-an-arn', 'us-east-1', 'warden', 'x')).toThrow(/caller ARN/);
  });
});

describe('warden audit show', () => {
  function show(args: string[], record: RemediationRecord | undefined, env: NodeJS.ProcessEnv = {}) {
    const out = writer();
    const err = writer();
    const reads: string[] = [];
    const reader = (table: string, endpoint?: string): AuditReader => async (id) => (reads.push(`${table}|${endpoint ?? ''}|${id}`), record);
    return { out, err, reads, code: auditCommand(['show', ...args], { reader, env, out, err }) };
  }

  test('a runbook run: the header, then the timeline line by line', async () => {
    const s = show(['r-1'], runbookRecord(), { AUDIT_TABLE: 'prod-audit' });
    expect(await s.code).toBe(0);
    expect(s.reads).toEqual(['prod-audit||r-1']);
    const text = s.out.text();
    expect(text).toMatch(/^id\s+contain-ecs-task-20310203T040506-a1b2c3$/m);
    expect(text).toMatch(new RegExp(`^runbook\\s+contain-ecs-task  target ${TASK}$`, 'm'));
    expect(text).toMatch(/^outcome\s+fixed$/m);
    expect(text).toMatch(/^mode\s+approval$/m);
    expect(text).toMatch(new RegExp(`^started by\\s+${CALLER}: IR-7$`, 'm'));
    expect(text).toMatch(/^finished\s+2031-02-03T04:05:09.500Z  \(2.5 s\)$/m);
    expect(text).toMatch(/^approval\s+approved by bob via cli at 2031-02-03T04:05:08Z \(approval APPROVAL0000ABCD\)$/m);
    const timeline = text.slice(text.indexOf('timeline:\n') + 'timeline:\n'.length).trimEnd().split('\n').map((l) => l.trim());
    expect(timeline).toEqual(timelineLines(runbookRecord().runbook!.timeline));
  });

  test('a plain remediation: control, actor, plan steps, applied, verified (no timeline)', () => {
    const { runbook: _omit, ...plain } = runbookRecord();
    const text = formatRecord({
      ...plain, source: 'cloudtrail', eventName: 'AuthorizeSecurityGroupIngress', mode: 'auto', approval: undefined, applied: ['sgr-1'], verified: true,
      finding: { ...plain.finding, control: 'sg-world-open-ingress', severity: 'CRITICAL', title: 'World-open ingress' },
      plan: { action: 'revoke-sg-ingress', resource: plain.finding.resource, targets: ['sgr-1'], steps: ['revoke sgr-1 tcp/22 from 0.0.0.0/0 on sg-1'] },
    });
    expect(text).toMatch(/^control\s+sg-world-open-ingress  CRITICAL  World-open ingress$/m);
    expect(text).toMatch(new RegExp(`^actor\\s+${CALLER}  \\(cloudtrail AuthorizeSecurityGroupIngress at 2031-02-03T04:05:07Z\\)$`, 'm'));
    expect(text).toMatch(/^approval\s+none$/m);
    expect(text).toContain('plan:\n  - revoke sgr-1 tcp/22 from 0.0.0.0/0 on sg-1\napplied:   sgr-1\nverified:  yes');
    expect(text).not.toContain('timeline:');
  });

  test('the exemption the run decided with, and why', () => {
    const text = formatRecord(runbookRecord({ exemption: { status: 'expired', why: 'exemption expired on 2031-01-31', until: '2031-01-31' } }));
    expect(text).toMatch(/^exemption\s+expired: exemption expired on 2031-01-31$/m);
    expect(formatRecord(runbookRecord())).not.toMatch(/^exemption/m);
  });

  test('the Security Hub finding it wrote back to, and how each write-back went', () => {
    const text = formatRecord(runbookRecord({
      securityHub: { id: 'arn:aws:securityhub:us-east-1:123456789012:security-control/EC2.13/finding/f-1', productArn: 'arn:aws:securityhub:us-east-1::product/aws/securityhub', origin: 'securityhub' },
      securityHubUpdates: [
        { stage: 'approval', at: '2031-02-03T04:05:08Z', workflow: 'NOTIFIED', note: 'n', result: 'ok' },
        { stage: 'end', at: '2031-02-03T04:06:08Z', note: 'n', result: 'AccessDeniedException' },
      ],
    }));
    expect(text).toMatch(/^security hub\s+finding arn:aws:securityhub:us-east-1:123456789012:security-control\/EC2\.13\/finding\/f-1; approval NOTIFIED: ok; end note only: AccessDeniedException$/m);
    expect(formatRecord(runbookRecord())).not.toMatch(/^security hub/m);
  });

  test('an unfinished run says so', () => {
    const text = formatRecord(runbookRecord({ outcome: 'in-progress' }));
    expect(text).toMatch(/^outcome\s+in progress: the run has not finished$/m);
    expect(text).toMatch(/^finished\s+-$/m);
  });

  test('--json prints the record as stored', async () => {
    const s = show(['r-1', '--json', '--table', 'mine'], runbookRecord(), { AUDIT_TABLE: 'prod-audit' });
    expect(await s.code).toBe(0);
    expect(s.reads).toEqual(['mine||r-1']);
    expect(JSON.parse(s.out.text())).toEqual(runbookRecord());
  });

  test('--endpoint reads warden-audit on the emulator unless a table is named', async () => {
    const s = show(['r-1', '--endpoint', 'http://127.0.0.1:5000'], runbookRecord());
    expect(await s.code).toBe(0);
    expect(s.reads).toEqual(['warden-audit|http://127.0.0.1:5000|r-1']);
  });

  test('an unknown id exits 1', async () => {
    const s = show(['nope'], undefined, { AUDIT_TABLE: 't' });
    expect(await s.code).toBe(1);
    expect(s.err.text()).toBe('warden: no audit record nope\n');
    expect(s.out.text()).toBe('');
  });

  test.each([[['audit']], [['audit', 'list']], [['audit', 'show']], [['audit', 'show', 'a', 'b', '--table', 't']], [['audit', 'show', 'a']]])(
    'usage errors exit 2: %j', async (args) => {
      const saved = process.env.AUDIT_TABLE;
      delete process.env.AUDIT_TABLE; // the last case: no table anywhere
      try {
        const { code, stderr } = await run(args);
        expect(code).toBe(2);
        expect(stderr).toMatch(/^warden: /);
      } finally {
        if (saved !== undefined) process.env.AUDIT_TABLE = saved;
      }
    },
  );
});
