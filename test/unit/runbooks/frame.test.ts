// The runbook frame without AWS: start, step runner (dry-run, approval entries), conclude, mode, evidence caps.
import { defaultPolicy } from '../../../functions/domain/policy';
import { conclude } from '../../../functions/runbooks/conclude';
import type { RunbookState, RunbookSteps, StepDeps } from '../../../functions/runbooks/model';
import { capped, runbookMode, withEvidence } from '../../../functions/runbooks/plan-kit';
import { runStep } from '../../../functions/runbooks/run-step';
import { startByHand, startRun } from '../../../functions/runbooks/start';

const NOW = new Date('2026-11-22T10:00:00.000Z');
const ARN = 'arn:aws:states:eu-west-1:123456789012:execution:warden-contain-ecs-task:run-1';
const TASK = 'arn:aws:ecs:eu-west-1:123456789012:task/payments/0123456789abcdef';
const deps = { policy: defaultPolicy, now: () => NOW } as unknown as StepDeps;

const hand = (input: unknown, runbook = 'contain-ecs-task') => startRun({ runbook, input, executionName: 'run-1', executionArn: ARN }, deps);

describe('start', () => {
  test('a hand start builds the context, the synthetic finding and the first timeline entry', () => {
    const s = hand({ target: TASK, requestedBy: 'arn:aws:iam::123456789012:user/ana', reason: 'IR-7' });
    expect(s.context).toMatchObject({
      id: 'run-1', executionArn: ARN, source: 'manual', actor: { arn: 'arn:aws:iam::123456789012:user/ana' },
      finding: { control: 'runbook:contain-ecs-task', resource: { type: 'AWS::ECS::Task', id: TASK, arn: TASK, account: '123456789012', region: 'eu-west-1' }, remediation: { action: 'contain-ecs-task', mode: 'auto', targets: [TASK] } },
    });
    expect(s.runbook).toMatchObject({ name: 'contain-ecs-task', target: TASK, dryRun: false, reason: 'IR-7' });
    expect(s.runbook.timeline).toEqual([{ at: NOW.toISOString(), step: 'start', result: 'done', detail: 'started by hand: IR-7', by: 'arn:aws:iam::123456789012:user/ana' }]);
    expect(s.policy).toEqual(defaultPolicy());
  });

  test('a dry-run hand start is dry-run from the first step', () => {
    const s = hand({ target: TASK, dryRun: true });
    expect(s.runbook.dryRun).toBe(true);
    expect(s.context.finding.remediation.mode).toBe('dry-run');
  });


  test.each([
    [{}, 'needs "target"'],
    [{ target: '' }, 'needs "target"'],
    [{ target: 42 }, 'needs "target"'],
    [{ target: 'x'.repeat(3000) }, 'too long'],
    [{ target: 'sg-1\nsg-2' }, 'control characters'],
    [{ target: TASK, dryRun: 'yes' }, '"dryRun" must be'],
    [{ target: TASK, reason: { a: 1 } }, '"reason" must be'],
    [null, 'needs "target"'],
  ])('bad input %j fails with Warden.InvalidInput', (input, message) => {
    expect(() => hand(input)).toThrow(expect.objectContaining({ name: 'Warden.InvalidInput', message: expect.stringContaining(message) }));
  });

  test('a finding context is accepted only by the runbooks that answer findings, and never brings its own policy', () => {
    const base = hand({ target: TASK });
    const forged = { context: { ...base.context, source: 'guardduty' as const }, policy: { ...base.policy, approvals: { ...base.policy.approvals, approvers: ['arn:aws:iam::123456789012:user/mallory'] } } };
    expect(() => startRun({ runbook: 'restore-security-group-rule', input: forged, executionName: 'run-1', executionArn: ARN }, deps)).toThrow(expect.objectContaining({ name: 'Warden.InvalidInput', message: expect.stringContaining('started by hand only') }));
    const s = startRun({ runbook: 'contain-ecs-task', input: forged, executionName: 'run-1', executionArn: ARN }, deps);
    expect(s.policy).toEqual(defaultPolicy());
    expect(s.policy.approvals.approvers).not.toContain('arn:aws:iam::123456789012:user/mallory');
  });

  test('an unknown runbook fails', () => {
    expect(() => hand({ target: TASK }, 'nope')).toThrow(expect.objectContaining({ name: 'Warden.UnknownRunbook' }));
  });

  test('a triage start keeps the context and policy, and names the GuardDuty finding', () => {
    const base = hand({ target: TASK });
    const guardduty = { id: 'gd-1', type: 'Execution:Runtime/ReverseShell', severity: 8, resourceType: 'ECSCluster' as const };
    const context = { ...base.context, source: 'guardduty' as const, executionArn: undefined, guardduty };
    const s = startRun({ runbook: 'contain-ecs-task', input: { context, policy: base.policy }, executionName: 'run-1', executionArn: ARN }, deps);
    expect(s.context).toEqual({ ...context, id: 'run-1', executionArn: ARN });
    // A context that names another run's id cannot write that run's record, approvals or snapshots.
    const other = startRun({ runbook: 'contain-ecs-task', input: { context: { ...context, id: 'someone-elses-run' }, policy: base.policy }, executionName: 'run-2', executionArn: ARN }, deps);
    expect(other.context.id).toBe('run-2');
    expect(s.runbook.startedBy).toBe('GuardDuty finding gd-1');
    expect(s.runbook.timeline[0]!.detail).toBe('started by GuardDuty finding gd-1 (Execution:Runtime/ReverseShell, severity 8)');
  });
});

describe('runStep', () => {
  const calls: string[] = [];
  const registry: Record<string, RunbookSteps> = {
    'contain-ecs-task': {
      plan: async () => ({ detail: 'planned' }),
      'capture-evidence': async (s) => (calls.push('evidence'), { state: { ...s, runbook: { ...s.runbook, evidence: { a: 1 } } }, detail: 'captured' }),
      'tag-task': async () => (calls.push('tag'), { detail: 'tagged' }),
      'stop-task': async () => (calls.push('stop'), { detail: 'stopped' }),
      'verify-stopped': async () => ({ result: 'done', detail: 'ok' }),
    },
  };
  beforeEach(() => (calls.length = 0));

  test('a step runs and appends its entry; its state changes are kept', async () => {
    const s = await runStep('contain-ecs-task.capture-evidence', hand({ target: TASK }), registry, deps);
    expect(calls).toEqual(['evidence']);
    expect(s.runbook.evidence).toEqual({ a: 1 });
    expect(s.runbook.timeline.at(-1)).toEqual({ at: NOW.toISOString(), step: 'capture-evidence', result: 'done', detail: 'captured' });
  });

  test('in dry-run a step that changes something is described, not run; a read-only step still runs', async () => {
    const start = hand({ target: TASK, dryRun: true });
    const tagged = await runStep('contain-ecs-task.tag-task', start, registry, deps);
    const stopped = await runStep('contain-ecs-task.stop-task', tagged, registry, deps);
    await runStep('contain-ecs-task.capture-evidence', stopped, registry, deps);
    expect(calls).toEqual(['evidence']);
    expect(stopped.runbook.timeline.slice(1)).toEqual([
      { at: NOW.toISOString(), step: 'tag-task', result: 'dry-run', detail: 'would tag the task as under investigation' },
      { at: NOW.toISOString(), step: 'stop-task', result: 'dry-run', detail: 'would stop the task' },
    ]);
  });

  test('a tag before the decision runs only when the run may change things (auto or approval), never in notify or dry-run mode', async () => {
    const withMode = (mode: 'auto' | 'approval' | 'notify' | 'dry-run') =>
      ({ ...hand({ target: TASK }), live: { result: { stillViolating: true, mode, plan: { action: 'contain-ecs-task', resource: hand({ target: TASK }).context.finding.resource, targets: [TASK], steps: [] }, channel: '#x' } } }) as RunbookState;
    for (const mode of ['auto', 'approval'] as const) await runStep('contain-ecs-task.tag-task', withMode(mode), registry, deps);
    expect(calls).toEqual(['tag', 'tag']);
    const notify = await runStep('contain-ecs-task.tag-task', withMode('notify'), registry, deps);
    const dry = await runStep('contain-ecs-task.tag-task', withMode('dry-run'), registry, deps);
    expect(calls).toEqual(['tag', 'tag']);
    expect(notify.runbook.timeline.at(-1)).toMatchObject({ step: 'tag-task', result: 'skipped', detail: 'notify mode: would tag the task as under investigation' });
    expect(dry.runbook.timeline.at(-1)).toMatchObject({ step: 'tag-task', result: 'dry-run', detail: 'would tag the task as under investigation' });
  });

  test('the approval decision becomes one timeline entry before the next step', async () => {
    const approved = { ...hand({ target: TASK }), approval: { approvalId: 'AB12CD34', decision: 'approve', decidedBy: 'U0LEAD', decidedAt: '2026-11-22T09:59:00.000Z', via: 'slack' } } as unknown as RunbookState;
    const s1 = await runStep('contain-ecs-task.stop-task', approved, registry, deps);
    const s2 = await runStep('contain-ecs-task.verify-stopped', s1, registry, deps);
    expect(s2.runbook.timeline.map((e) => `${e.step}:${e.result}`)).toEqual(['start:done', 'approval:approved', 'stop-task:done', 'verify-stopped:done']);
    expect(s2.runbook.timeline[1]).toMatchObject({ at: '2026-11-22T09:59:00.000Z', by: 'U0LEAD', detail: 'approved via slack (approval AB12CD34)' });
  });

  test('an unknown step, or the state of another runbook, is refused', async () => {
    await expect(runStep('contain-ecs-task.nope', hand({ target: TASK }), registry, deps)).rejects.toMatchObject({ name: 'Warden.UnknownStep' });
    await expect(runStep('contain-ecs-task.plan', hand({ target: 'run-0' }, 'restore-security-group-rule'), registry, deps)).rejects.toMatchObject({ name: 'Warden.InvalidInput' });
  });
});

describe('start by hand: the remediate workflow (revoke-open-ingress)', () => {
  const GROUP = 'sg-0123456789abcdef0';
  const RUN_ARN = 'arn:aws:states:eu-west-1:123456789012:execution:warden-remediate:run-1';
  const byHand = (input: unknown) => startByHand({ runbook: 'revoke-open-ingress', input, executionName: 'run-1', executionArn: RUN_ARN }, deps);

  test('builds a triage-shaped run: the group under its control, no named targets, the deployed policy, who asked and why', () => {
    const s = byHand({ target: ` ${GROUP} `, requestedBy: 'arn:aws:iam::123456789012:user/ana', reason: 'IR-9', live: { result: { handStart: true } } });
    expect(s).toEqual({
      context: {
        id: 'run-1', executionArn: RUN_ARN, eventId: 'run-1', source: 'manual', eventName: 'StartRunbook', eventTime: NOW.toISOString(),
        actor: { arn: 'arn:aws:iam::123456789012:user/ana' }, requestedAt: NOW.toISOString(),
        finding: {
          control: 'sg-world-open-ingress', title: 'Revoke world-open ingress on a named security group', severity: 'HIGH',
          resource: { type: 'AWS::EC2::SecurityGroup', id: GROUP, account: '123456789012', region: 'eu-west-1' },
          evidence: 'Started by hand (revoke-open-ingress) by arn:aws:iam::123456789012:user/ana: IR-9',
          remediation: { action: 'revoke-sg-ingress', mode: 'auto', targets: [] },
        },
      },
      policy: defaultPolicy(),
    });
  });

  test('dry-run is the finding\'s mode, so it wins over any policy', () => {
    expect(byHand({ target: GROUP, dryRun: true }).context.finding.remediation.mode).toBe('dry-run');
  });

  test.each([
    [{}, 'needs "target"'],
    ['sg-0123456789abcdef0', 'needs "target"'],
    [{ target: GROUP, dryRun: 'yes' }, '"dryRun" must be'],
    [{ target: 'i-0123456789abcdef0' }, 'needs a security group id, got i-0123456789abcdef0'],
    [{ target: GROUP, policy: { approvals: { approvers: ['mallory'] } } }, '"policy" may not be given'],
    [{ target: GROUP, context: {}, policy: {} }, '"context" and "policy" may not be given'],
  ])('refuses %j with Warden.InvalidInput', (input, message) => {
    expect(() => byHand(input)).toThrow(expect.objectContaining({ name: 'Warden.InvalidInput', message: expect.stringContaining(message) }));
  });

  test('only a hand-start entry is started this way', () => {
    expect(() => startByHand({ runbook: 'contain-ecs-task', input: { target: TASK }, executionName: 'run-1', executionArn: RUN_ARN }, deps)).toThrow(expect.objectContaining({ name: 'Warden.UnknownRunbook' }));
  });
});

describe('conclude', () => {
  test('an error becomes a failed entry and the outcome failed', () => {
    const s = conclude({ ...hand({ target: TASK }), error: { Error: 'Warden.InvalidInput', Cause: 'bad target' } }, NOW);
    expect(s.runbook.timeline.slice(1).map((e) => [e.step, e.result, e.detail])).toEqual([
      ['error', 'failed', 'Warden.InvalidInput: bad target'],
      ['conclude', 'failed', 'outcome failed'],
    ]);
  });

  test('a denial names who denied it; an expiry says nobody decided', () => {
    const cause = JSON.stringify({ approvalId: 'X1', decidedBy: 'U0SEC', decidedAt: '2026-11-22T09:58:00.000Z', via: 'cli', reason: 'prod' });
    const denied = conclude({ ...hand({ target: TASK }), outcome: 'denied', denial: { Error: 'Warden.ApprovalDenied', Cause: cause } }, NOW);
    expect(denied.runbook.timeline.slice(1).map((e) => [e.step, e.result, e.by ?? '', e.detail])).toEqual([
      ['approval', 'denied', 'U0SEC', 'denied via cli (approval X1): prod'],
      ['conclude', 'done', '', 'outcome denied'],
    ]);
    const expired = conclude({ ...hand({ target: TASK }), outcome: 'expired', approvalTimeout: { Error: 'States.Timeout' } }, NOW);
    expect(expired.runbook.timeline[1]).toMatchObject({ step: 'approval', result: 'expired' });
  });
});

test('conclude of a dry-run names the changing steps it did not run', () => {
  const s = conclude({ ...hand({ target: TASK, dryRun: true }), outcome: 'dry-run' }, NOW);
  expect(s.runbook.timeline.slice(1)).toEqual([
    { at: NOW.toISOString(), step: 'dry-run', result: 'dry-run', detail: 'would then: stop the task; verify the task is stopping or stopped' },
    { at: NOW.toISOString(), step: 'conclude', result: 'done', detail: 'outcome dry-run' },
  ]);
});

describe('runbookMode', () => {
  const s = (input: unknown, runbook = 'contain-ecs-task') => hand(input, runbook);
  test('dry-run always wins', () => {
    expect(runbookMode(s({ target: TASK, dryRun: true }), 'auto', undefined).mode).toBe('dry-run');
  });
  test('a hand start uses the runbook default, not the deployment default mode', () => {
    const state = { ...s({ target: TASK }), policy: { ...defaultPolicy(), defaults: { mode: 'dry-run' as const } } };
    expect(runbookMode(state, 'auto', undefined).mode).toBe('auto');
    expect(runbookMode(state, 'approval', undefined).mode).toBe('approval');
  });
  test('an exemption in force still makes a hand start notify only; an expired one does not', () => {
    const policy = defaultPolicy();
    const tags = { [policy.exemptions.tag]: 'yes' };
    expect(runbookMode(s({ target: TASK }), 'auto', tags, { status: 'active', why: 'exempt until 2026-09-01T00:00:00Z' }).mode).toBe('notify');
    expect(runbookMode(s({ target: TASK }), 'auto', tags, { status: 'expired', why: 'exemption expired on 2026-05-01' }).mode).toBe('auto');
  });
  test('"always" runbooks never go below approval; "never" runbooks only notify', () => {
    expect(runbookMode(s({ target: 'i-0123456789abcdef0' }, 'isolate-container-instance'), 'auto', undefined).mode).toBe('approval');
    expect(runbookMode(s({ target: 'platform' }, 'eks-finding-response'), 'auto', undefined).mode).toBe('notify');
  });
  test('a policy that failed closed makes a hand start dry-run too, and says why; the start stamps the version it read', () => {
    const version = { parameter: '/warden/w/policy', status: 'fail-closed' as const, problem: 'cannot read /warden/w/policy: AccessDeniedException: no' };
    const state = startRun({ runbook: 'contain-ecs-task', input: { target: TASK }, executionName: 'run-1', executionArn: ARN }, { ...deps, policyVersion: version });
    expect(state.context.policyVersion).toEqual(version);
    expect(runbookMode(state, 'auto', undefined)).toEqual({ mode: 'dry-run', reasons: [`no valid policy (${version.problem}): failing closed → dry-run`] });
    const dry = startRun({ runbook: 'contain-ecs-task', input: { target: TASK, dryRun: true }, executionName: 'run-2', executionArn: ARN }, { ...deps, policyVersion: version });
    expect(runbookMode(dry, 'auto', undefined).reasons).toEqual([`no valid policy (${version.problem}): failing closed → dry-run`, 'dry run requested → dry-run']);
  });
  test('a triage start records the version its own start read, not the one triage brought', () => {
    const base = s({ target: TASK });
    const input = { context: { ...base.context, source: 'guardduty', policyVersion: { status: 'current', version: 1 } }, policy: base.policy };
    const mine = { parameter: '/warden/w/policy', version: 2, hash: 'ab', status: 'current' as const };
    expect(startRun({ runbook: 'contain-ecs-task', input, executionName: 'run-3', executionArn: ARN }, { ...deps, policyVersion: mine }).context.policyVersion).toEqual(mine);
    expect(startRun({ runbook: 'contain-ecs-task', input, executionName: 'run-4', executionArn: ARN }, deps).context.policyVersion).toBeUndefined();
  });
  test('a triage start keeps the mode triage decided, with the deployment default', () => {
    const base = s({ target: TASK });
    const fromTriage = { ...base, context: { ...base.context, source: 'guardduty' as const, finding: { ...base.context.finding, remediation: { ...base.context.finding.remediation, mode: 'approval' as const } } } };
    expect(runbookMode(fromTriage, 'auto', undefined).mode).toBe('approval');
    expect(runbookMode({ ...fromTriage, policy: { ...defaultPolicy(), defaults: { mode: 'notify' as const } } }, 'auto', undefined).mode).toBe('notify');
  });
});

test('oversized evidence is cut and marked, small evidence kept as is', () => {
  expect(capped({ a: 1 })).toEqual({ a: 1 });
  const big = capped({ text: 'x'.repeat(100_000) }) as { truncated: boolean; originalBytes: number; preview: string };
  expect(big).toMatchObject({ truncated: true, originalBytes: expect.any(Number) });
  expect(big.originalBytes).toBeGreaterThan(100_000);
  expect(big.preview.length).toBe(4096);
});

test('all evidence together stays within its budget: the largest items are cut first, small ones kept whole', () => {
  const big = (n: number) => ({ text: 'x'.repeat(n) });
  const s = withEvidence(hand({ target: TASK }), { a: big(40_000), b: big(45_000), c: big(30_000), finding: { id: 'gd-1' } });
  const e = s.runbook.evidence as Record<string, { truncated?: boolean; text?: string; id?: string }>;
  expect(Buffer.byteLength(JSON.stringify(e))).toBeLessThanOrEqual(96 * 1024);
  expect(e.b).toMatchObject({ truncated: true });
  expect(e.a!.text).toHaveLength(40_000);
  expect(e.c!.text).toHaveLength(30_000);
  expect(e.finding).toEqual({ id: 'gd-1' });
});

test('an expired runbook approval is recorded as expired, and the message does not claim an escalation', async () => {
  const { toRecord } = await import('../../../functions/domain/state');
  const { outcomeText } = await import('../../../functions/notify/message');
  const record = toRecord({ ...hand({ target: TASK }), outcome: 'expired', approvalTimeout: { Error: 'States.Timeout' } }, NOW);
  expect(record.approval).toEqual({ decision: 'expired' });
  expect(outcomeText(record)).toBe('Nothing was changed: no approver decided before the deadline. Please apply the steps yourself or re-run.');
  expect(outcomeText({ ...record, approval: { decision: 'expired', escalated: true } })).toContain('even after escalation');
});

describe('contain-ecs-task evidence and tags (fake ECS client, no emulator needed)', () => {
  test('environment values passed at RunTask are redacted from the task evidence; names stay', async () => {
    const { redactedTask } = await import('../../../functions/aws/evidence');
    const task = { taskArn: TASK, overrides: { containerOverrides: [{ name: 'api', command: ['run'], environment: [{ name: 'TOKEN', value: 's3cr3t' }] }] } };
    const r = redactedTask(task);
    expect(JSON.stringify(r)).not.toContain('s3cr3t');
    expect(r.overrides!.containerOverrides![0]).toEqual({ name: 'api', command: ['run'], environment: [{ name: 'TOKEN', value: '[redacted]' }] });
    expect(redactedTask({ taskArn: TASK })).toEqual({ taskArn: TASK });
  });

  test('a task that cannot be tagged is still contained: the tag step records the failure; throttling is retried', async () => {
    const { containEcsTask } = await import('../../../functions/runbooks/contain-ecs-task');
    const state = { ...hand({ target: TASK }), live: { result: { stillViolating: true, mode: 'auto', channel: '#x', plan: { action: 'contain-ecs-task', resource: hand({ target: TASK }).context.finding.resource, targets: [TASK], steps: [], details: { cluster: 'payments', taskArn: TASK, reason: 'r' } } } } } as RunbookState;
    const failing = (name: string) => ({ clients: { ecs: () => ({ send: async () => { throw Object.assign(new Error('too many tags'), { name }); } }) } }) as unknown as StepDeps;
    expect(await containEcsTask['tag-task']!(state, failing('InvalidParameterException'))).toMatchObject({ result: 'failed', detail: expect.stringContaining('containment goes on') });
    await expect(containEcsTask['tag-task']!(state, failing('ThrottlingException'))).rejects.toMatchObject({ name: 'Warden.Throttled' });
  });
});
