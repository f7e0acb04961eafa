// Triage with a finding memory: GuardDuty updates of a finding already handled are ignored unless the severity rises.
// Events are the samples in events/guardduty/, with only the event id, severity, updatedAt and count changed.
import { defaultPolicy } from '../../functions/domain/policy';
import type { FindingMemory, SeenFinding } from '../../functions/domain/repeats';
import type { RemediationState } from '../../functions/domain/state';
import { createTriage, type ExecutionStarter } from '../../functions/handlers/triage';
import { sample } from './events/fixtures';

/** The fields the tests change. */
interface GuardDutyEvent { id: string; detail: { severity: number; updatedAt: string; service: { count: number } } }

const FINDING = 'c0ffee00000000000000000000000001';
const T0 = '2026-03-02T10:12:31.000Z';
const NOW = new Date('2026-03-02T12:00:00.000Z');

/** The standalone reverse-shell sample (severity 8, count 1) as update `n` of the same finding. */
function update(n: number, over: { severity?: number; updatedAt?: string; count?: number; file?: string } = {}): GuardDutyEvent {
  const e = structuredClone(sample(over.file ?? 'guardduty/ecs-runtime-reverse-shell-standalone.json')) as unknown as GuardDutyEvent;
  e.id = `5c1d0e6a-0000-4000-8000-00000000010${n}`;
  if (over.severity !== undefined) e.detail.severity = over.severity;
  e.detail.updatedAt = over.updatedAt ?? new Date(Date.parse(T0) + n * 60_000).toISOString();
  e.detail.service.count = over.count ?? n + 1;
  return e;
}

/** Like the DynamoDB memory: keeps the highest severity. */
function fakeMemory() {
  const items = new Map<string, SeenFinding>();
  const memory: FindingMemory = {
    recall: async (id) => items.get(id),
    remember: async (f) => {
      const old = items.get(f.id);
      if (!old || old.severity <= f.severity) items.set(f.id, f);
    },
  };
  return { memory, items };
}

function fakeStarter() {
  const started: { name: string; input: RemediationState }[] = [];
  let failNext = false;
  const starter: ExecutionStarter = {
    async start(name, input) {
      if (failNext) {
        failNext = false;
        throw new Error('StartExecution failed');
      }
      started.push({ name, input });
      return { executionArn: `arn:aws:states:us-east-1:111122223333:execution:remediate:${name}`, duplicate: false };
    },
  };
  return { starter, started, failNextStart: () => (failNext = true) };
}

function setup() {
  const m = fakeMemory();
  const s = fakeStarter();
  const triage = createTriage({ policy: () => ({ policy: defaultPolicy() }), starter: s.starter, memory: m.memory, now: () => NOW });
  return { triage, ...m, ...s };
}

test('first event of a finding is handled and remembered with its severity, count and update time', async () => {
  const { triage, items, started } = setup();
  const r = await triage(update(0));
  expect(r.status).toBe('violation');
  expect(r.executions).toHaveLength(1);
  expect(started[0]!.input.context.finding.remediation.action).toBe('contain-ecs-task');
  expect(items.get(FINDING)).toEqual({ id: FINDING, severity: 8, updatedAt: T0, count: 1, handledAt: NOW.toISOString() });
});

test('the same finding updated (count + 1, same severity) is ignored with a reason, and nothing is started', async () => {
  const { triage, items, started } = setup();
  await triage(update(0));
  const r = await triage(update(1));
  expect(r).toEqual({
    status: 'ignored',
    reason: `repeat of GuardDuty finding ${FINDING} already handled at severity 8 on ${NOW.toISOString()} (count 2, updated 2026-03-02T10:13:31.000Z, severity 8)`,
    executions: [],
  });
  expect(started).toHaveLength(1);
  expect(items.get(FINDING)).toMatchObject({ count: 1, updatedAt: T0 });
});

test('a duplicate delivery of the handled event is ignored too', async () => {
  const { triage, started } = setup();
  await triage(update(0));
  expect((await triage(update(0))).status).toBe('ignored');
  expect(started).toHaveLength(1);
});

test('an out-of-order (older) update is ignored', async () => {
  const { triage, started } = setup();
  await triage(update(2));
  const r = await triage(update(1, { severity: 9 }));
  expect(r).toMatchObject({ status: 'ignored', reason: expect.stringContaining('out-of-order update') });
  expect(started).toHaveLength(1);
});

test('a severity increase is handled again: the reason and the evidence say so, and the new severity is remembered', async () => {
  const { triage, items, started } = setup();
  await triage(update(0));
  const r = await triage(update(1, { severity: 9 }));
  expect(r.status).toBe('violation');
  expect(r.reason).toContain('severity increased from 8 to 9');
  expect(r.executions).toHaveLength(1);
  expect(started).toHaveLength(2);
  expect(started[1]!.input.context.finding.evidence).toMatch(/; severity raised from 8 to 9$/);
  expect(started[1]!.input.context.finding.severity).toBe('CRITICAL');
  expect(items.get(FINDING)).toMatchObject({ severity: 9, count: 2 });
  // A later update at 9 is a repeat again.
  expect((await triage(update(2, { severity: 9 }))).status).toBe('ignored');
});

test('from the notify band to the contain band: notified first, contained on the increase', async () => {
  const { triage, started } = setup();
  expect((await triage(update(0, { file: 'guardduty/ecs-runtime-medium.json' }))).status).toBe('violation');
  expect(started[0]!.input.context.finding.remediation.action).toBe('notify-owner');
  const r = await triage(update(1, { file: 'guardduty/ecs-runtime-medium.json', severity: 8 }));
  expect(r).toMatchObject({ status: 'violation', reason: expect.stringContaining('severity increased from 5 to 8') });
  expect(started[1]!.input.context.finding.remediation.action).not.toBe('notify-owner');
});

test('a failed start is not remembered: the retried event is handled, not ignored as a repeat', async () => {
  const { triage, items, started, failNextStart } = setup();
  failNextStart();
  await expect(triage(update(0))).rejects.toThrow('StartExecution failed');
  expect(items.size).toBe(0);
  const retried = await triage(update(0));
  expect(retried.status).toBe('violation');
  expect(started).toHaveLength(1);
  expect(items.get(FINDING)).toMatchObject({ severity: 8 });
});

test('ignored (low severity) findings are not remembered: a rise from 2 to 5 is handled as new', async () => {
  const { triage, items, started } = setup();
  const low = await triage(update(0, { severity: 2 }));
  expect(low.status).toBe('ignored');
  expect(low.reason).toContain('recorded only');
  expect(items.size).toBe(0);
  const r = await triage(update(1, { severity: 5 }));
  expect(r.status).toBe('violation');
  expect(r.reason ?? '').not.toContain('severity increased');
  expect(started).toHaveLength(1);
  expect(items.get(FINDING)).toMatchObject({ severity: 5 });
});

test('without a memory every update is handled (the evaluate CLI and older wiring)', async () => {
  const s = fakeStarter();
  const triage = createTriage({ policy: () => ({ policy: defaultPolicy() }), starter: s.starter });
  await triage(update(0));
  expect((await triage(update(1))).status).toBe('violation');
  expect(s.started).toHaveLength(2);
});
