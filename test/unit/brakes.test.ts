// The brakes' pure parts: the policy fields, windows, the counts a change spends, who decided, the trip summary and its
// messages, setPaused over a policy document, and the metrics a held run emits (EMF on stdout). No AWS.
import { Metrics } from '@aws-lambda-powertools/metrics';
import { jest } from '@jest/globals';
import { decidedBy, limitHold, limitsFor, pausedHold, tripSummary, windowAt } from '../../functions/domain/brakes';
import { defaultPolicy, PolicyError, policyFrom } from '../../functions/domain/policy';
import { memoryPolicyStore, setPaused } from '../../functions/brakes/pause';
import { BRAKE_METRICS, emitHeld, METRICS_NAMESPACE } from '../../functions/runtime/metrics';
import { tripSlackMessage, tripSnsMessage } from '../../functions/notify/trip-message';
import { notifyInput } from './notify/fixture';

const T0 = new Date('2031-01-01T10:07:30Z');

test('policy: not paused, and 10 per account, 5 per control, 50 in total, 3 containments per 15 minutes by default', () => {
  expect(defaultPolicy()).toMatchObject({ paused: false, limits: { windowMinutes: 15, perAccount: 10, perControl: 5, total: 50, containment: 3 } });
  expect(defaultPolicy({ limits: { perControl: 1 } }).limits).toEqual({ windowMinutes: 15, perAccount: 10, perControl: 1, total: 50, containment: 3 });
  for (const bad of [{ limits: { total: -1 } }, { limits: { windowMinutes: 0 } }, { limits: { perAcount: 1 } }, { paused: 'yes' }]) {
    expect(() => policyFrom(bad)).toThrow(PolicyError);
  }
});

test('a fixed window: aligned to its length, the same for every time inside it', () => {
  expect(windowAt(T0, 15)).toEqual({ start: '2031-01-01T10:00:00.000Z', end: '2031-01-01T10:15:00.000Z', minutes: 15 });
  expect(windowAt(new Date('2031-01-01T10:14:59.999Z'), 15).start).toBe('2031-01-01T10:00:00.000Z');
  expect(windowAt(new Date('2031-01-01T10:15:00Z'), 15).start).toBe('2031-01-01T10:15:00.000Z');
  expect(windowAt(T0, 60)).toMatchObject({ start: '2031-01-01T10:00:00.000Z', end: '2031-01-01T11:00:00.000Z' });
});

test('an automatic fix spends per account, per control and in total; a containment on its own count', () => {
  const f = { control: 'ecs-task-root-user', resource: { type: 'AWS::ECS::TaskDefinition' as const, id: 'td', account: '111122223333', region: 'eu-west-1' } };
  expect(limitsFor(defaultPolicy(), 'fix', f)).toEqual([
    { scope: 'account:111122223333', limit: 10 }, { scope: 'control:ecs-task-root-user', limit: 5 }, { scope: 'total', limit: 50 },
  ]);
  expect(limitsFor(defaultPolicy({ limits: { containment: 7 } }), 'containment', f)).toEqual([{ scope: 'containment', limit: 7 }]);
});

test('who decided: an approver, a release, a hand start; nobody for an automatic change (an approval timeout applying counts)', () => {
  const context = { source: 'cloudtrail' };
  expect(decidedBy({ context })).toBeUndefined();
  expect(decidedBy({ context, approval: { decidedBy: 'U0LEAD' } })).toBe('approved by U0LEAD');
  expect(decidedBy({ context: { ...context, release: { by: 'alice' } } })).toBe('released by alice');
  expect(decidedBy({ context: { source: 'manual', actor: { arn: 'arn:aws:iam::1:user/bob' } } })).toBe('started by hand by arn:aws:iam::1:user/bob');
});

test('holds and the trip summary say the scope, the count, the window and how many wait', () => {
  const held = limitHold(T0, { scope: 'control:x', count: 5, limit: 5, window: windowAt(T0, 15), firstOfTrip: true, waiting: 3 });
  expect(held).toMatchObject({ reason: 'limit', stage: 'change', at: '2031-01-01T10:07:30.000Z', why: 'breaker: control:x 5/5 in 15 min from 10:00Z' });
  expect(tripSummary(held)).toBe('breaker tripped: control:x 5/5 in 15 min from 10:00Z; 3 waiting');
  expect(pausedHold(T0, 'mode')).toEqual({ reason: 'paused', stage: 'mode', at: '2031-01-01T10:07:30.000Z', firstOfTrip: false, why: 'Warden is paused (policy paused: true): nothing is changed until warden resume' });

  const input = notifyInput('held', { held });
  const slack = tripSlackMessage(input);
  expect(slack.text).toBe('breaker tripped: control:x 5/5 in 15 min from 10:00Z; 3 waiting');
  expect(JSON.stringify(slack.blocks)).toContain('warden breaker release --all');
  const sns = tripSnsMessage(input);
  expect(sns.subject).toBe('[Warden] breaker tripped: control:x 5/5 in 15 min from 10:00Z; 3 waiting');
  expect(sns.attributes.outcome).toBe('breaker-tripped');
  expect(JSON.parse(sns.message)).toMatchObject({ scope: 'control:x', count: 5, limit: 5, waiting: 3, firstHeld: input.id });
});

test('setPaused: sets paused and keeps every other field; nothing written when already so; an invalid policy is never written', async () => {
  const store = memoryPolicyStore({ defaults: { mode: 'approval' }, limits: { total: 20 } });
  expect(await setPaused(store, true)).toEqual({ was: false, paused: true, changed: true });
  expect(store.document()).toEqual({ defaults: { mode: 'approval' }, limits: { total: 20 }, paused: true });
  expect(await setPaused(store, true)).toEqual({ was: true, paused: true, changed: false });
  expect(await setPaused(store, false)).toEqual({ was: true, paused: false, changed: true });
  expect(store.document().paused).toBe(false);
  const broken = memoryPolicyStore({ limits: { total: 'many' } });
  await expect(setPaused(broken, true)).rejects.toThrow(PolicyError);
  expect(broken.document()).toEqual({ limits: { total: 'many' } });
});

describe('metrics', () => {
  const emitted = (held: Parameters<typeof emitHeld>[0]) => {
    const lines: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array) => (lines.push(String(chunk)), true)) as never);
    const before = process.env.POWERTOOLS_METRICS_DISABLED;
    try {
      delete process.env.POWERTOOLS_METRICS_DISABLED;
      emitHeld(held, new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'warden' }));
    } finally {
      spy.mockRestore();
      process.env.POWERTOOLS_METRICS_DISABLED = before;
    }
    return lines.map((l) => JSON.parse(l) as Record<string, unknown> & { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] } });
  };

  test('a held run counts RunsHeld; the run that trips counts BreakerTripped too (the alarm\'s metric: namespace Warden, dimension service)', () => {
    const [trip] = emitted(limitHold(T0, { scope: 'total', count: 1, limit: 1, window: windowAt(T0, 15), firstOfTrip: true, waiting: 1 }));
    const spec = trip!._aws.CloudWatchMetrics[0]!;
    expect(spec.Namespace).toBe('Warden');
    expect(spec.Dimensions).toEqual([['service']]);
    expect(spec.Metrics.map((m) => m.Name).sort()).toEqual([BRAKE_METRICS.tripped, BRAKE_METRICS.held].sort());
    expect(trip).toMatchObject({ service: 'warden', BreakerTripped: 1, RunsHeld: 1 });
    const [later] = emitted(pausedHold(T0, 'change'));
    expect(later!._aws.CloudWatchMetrics[0]!.Metrics.map((m) => m.Name)).toEqual([BRAKE_METRICS.held]);
  });
});
