// The sweep's pure parts: decisions that stick, resource locks' rules, the one path from findings to runs
// (domain/fixes.ts, with in-memory ports), the plan and the summary.
import { decisionKey, stickyDecisionOf, suppression, type StickyDecision } from '../../functions/domain/decisions';
import { startFix, type FixOrigin, type FixPorts, type RunStarter } from '../../functions/domain/fixes';
import { covers, lockKey, lockSeconds, mayJoin, type HeldLock, type LockRequest, type ResourceLocks } from '../../functions/domain/locks';
import type { Finding } from '../../functions/domain/model';
import { executionName } from '../../functions/domain/naming';
import { defaultPolicy } from '../../functions/domain/policy';
import type { RemediationState } from '../../functions/domain/state';
import { planSweep, summarizeSweep, SWEEP_RESOURCE_TYPES, type SweepItemResult } from '../../functions/domain/sweep';
import { record } from './notify/fixture';

const NOW = new Date('2026-12-03T12:00:00Z');
const policy = defaultPolicy();

const finding = (over: Partial<Finding> = {}, targets = ['sgr-0aaa']): Finding => ({
  control: 'sg-world-open-ingress', title: 't', severity: 'HIGH', evidence: 'e',
  resource: { type: 'AWS::EC2::SecurityGroup', id: 'sg-0123', account: '111122223333', region: 'us-east-1' },
  remediation: { action: 'revoke-sg-ingress', mode: 'approval', targets }, ...over,
});

describe('decisions that stick', () => {
  const denied = record('denied', {
    finding: { ...finding(), severity: 'HIGH' }, finishedAt: '2026-12-01T00:00:00Z',
    approval: { decision: 'denied', decidedBy: 'alice', reason: 'partner VPN' },
  });

  test('a denial is remembered for suppressDays: control, resource, targets, severity, who and why', () => {
    expect(stickyDecisionOf(denied, policy)).toEqual({
      key: decisionKey(denied.finding), decision: 'denied', control: 'sg-world-open-ingress',
      resource: { type: 'AWS::EC2::SecurityGroup', id: 'sg-0123', account: '111122223333', region: 'us-east-1' },
      targets: ['sgr-0aaa'], severity: 'HIGH', until: '2026-12-31T00:00:00.000Z', runId: denied.id, decidedAt: denied.finishedAt,
      by: 'alice', reason: 'partner VPN',
    });
    expect(stickyDecisionOf(denied, defaultPolicy({ decisions: { suppressDays: 7 } }))?.until).toBe('2026-12-08T00:00:00.000Z');
  });

  test('nothing sticks with suppressDays 0, for other outcomes, runbooks, hand starts, or an expired approval', () => {
    expect(stickyDecisionOf(denied, defaultPolicy({ decisions: { suppressDays: 0 } }))).toBeUndefined();
    for (const outcome of ['fixed', 'expired', 'notified', 'dry-run', 'held', 'failed'] as const) expect(stickyDecisionOf({ ...denied, outcome }, policy)).toBeUndefined();
    expect(stickyDecisionOf({ ...denied, runbook: { name: 'contain-ecs-task', target: 't', dryRun: false, startedBy: 'x', timeline: [] } }, policy)).toBeUndefined();
    expect(stickyDecisionOf({ ...denied, source: 'manual' }, policy)).toBeUndefined();
  });

  test('an accepted risk (notified under an exemption in force) sticks no longer than the exemption', () => {
    const exempt = record('notified', {
      finishedAt: '2026-12-01T00:00:00Z', finding: finding(),
      exemption: { status: 'active', why: 'exempt until 2026-12-10 (PCI-1)', expiresAt: '2026-12-11T00:00:00.000Z', by: 'bob' },
    });
    expect(stickyDecisionOf(exempt, policy)).toMatchObject({ decision: 'accepted-risk', until: '2026-12-11T00:00:00.000Z', by: 'bob' });
    expect(stickyDecisionOf({ ...exempt, exemption: { ...exempt.exemption!, status: 'expired' } }, policy)).toBeUndefined();
  });

  const stored: StickyDecision = stickyDecisionOf(denied, policy)!;

  test('suppressed within the period, for the same or fewer targets at the same or a lower severity', () => {
    expect(suppression(stored, finding(), NOW)).toMatchObject({ suppressed: true, why: expect.stringContaining('by alice') });
    expect(suppression(stored, finding({ severity: 'MEDIUM' }), NOW).suppressed).toBe(true);
    expect(suppression({ ...stored, targets: ['sgr-0aaa', 'sgr-0bbb'] }, finding(), NOW).suppressed).toBe(true);
  });

  test('raised again: severity rose, a new target, the period ended, another fix (run key), no decision', () => {
    expect(suppression(stored, finding({ severity: 'CRITICAL' }), NOW)).toEqual({ suppressed: false, why: expect.stringContaining('severity rose to CRITICAL') });
    expect(suppression(stored, finding({}, ['sgr-0aaa', 'sgr-0ccc']), NOW)).toEqual({ suppressed: false, why: expect.stringContaining('new targets sgr-0ccc') });
    expect(suppression(stored, finding(), new Date(Date.parse(stored.until) + 1))).toEqual({ suppressed: false, why: expect.stringContaining('(ended)') });
    const other = finding({ remediation: { action: 'revoke-sg-ingress', mode: 'approval', targets: ['sgr-0aaa'], runKey: 'live-read' } });
    expect(suppression(stored, other, NOW)).toEqual({ suppressed: false });
    expect(suppression(undefined, finding(), NOW)).toEqual({ suppressed: false });
  });

  test('an accepted risk is raised again once the exemption is no longer in force', () => {
    const accepted: StickyDecision = { ...stored, decision: 'accepted-risk' };
    expect(suppression(accepted, finding({ exemption: { status: 'active', why: 'w' } }), NOW).suppressed).toBe(true);
    expect(suppression(accepted, finding(), NOW)).toEqual({ suppressed: false, why: expect.stringContaining('no longer in force') });
  });
});

describe('resource locks: rules', () => {
  const lock: HeldLock = { key: 'k', kind: 'sweep', holder: 's-1', runs: { r1: { action: 'revoke-sg-ingress', targets: ['sgr-1', 'sgr-2'] } }, expiresAt: NOW.toISOString() };

  test('the key and the period (both approval deadlines plus an hour)', () => {
    expect(lockKey(finding().resource)).toBe('lock#111122223333/us-east-1/AWS::EC2::SecurityGroup/sg-0123');
    expect(lockSeconds(policy)).toBe(3600 + 3600 + 3600);
  });

  test('who may join: the same sweep, any event with an event lock; never the other kind', () => {
    expect(mayJoin(lock, { kind: 'sweep', id: 's-1' })).toBe(true);
    expect(mayJoin(lock, { kind: 'sweep', id: 's-2' })).toBe(false);
    expect(mayJoin(lock, { kind: 'event', id: 'e-1' })).toBe(false);
    expect(mayJoin({ kind: 'event', holder: 'e-1' }, { kind: 'event', id: 'e-2' })).toBe(true);
    expect(mayJoin({ kind: 'event', holder: 'e-1' }, { kind: 'sweep', id: 's-1' })).toBe(false);
  });

  test('covers: the same action and every target among the runs\'; a whole-resource fix by its action', () => {
    expect(covers(lock, finding({}, ['sgr-2']))).toBe(true);
    expect(covers(lock, finding({}, ['sgr-2', 'sgr-3']))).toBe(false);
    expect(covers(lock, finding({ remediation: { action: 'revoke-default-sg-rules', mode: 'approval', targets: [] } }))).toBe(false);
    expect(covers({ runs: { r: { action: 'enable-container-insights', targets: [] } } }, { remediation: { action: 'enable-container-insights', mode: 'auto', targets: [] } })).toBe(true);
  });
});

describe('startFix: the one path from a finding to a run', () => {
  const origin: FixOrigin = { kind: 'sweep', id: 'sweep-1', source: 'sweep', eventName: 'Sweep', eventTime: NOW.toISOString() };
  const starts: { name: string; input: RemediationState }[] = [];
  const starter: RunStarter = { async start(name, input) { starts.push({ name, input }); return { executionArn: `arn:${name}`, duplicate: false }; } };
  const memoryLocks = () => {
    const held = new Map<string, HeldLock>();
    const released: string[] = [];
    const locks: ResourceLocks = {
      async take(req: LockRequest) {
        const lock = held.get(req.key);
        if (lock && !mayJoin(lock, req.origin)) return { taken: false, lock };
        held.set(req.key, { key: req.key, kind: req.origin.kind, holder: req.origin.id, runs: { ...lock?.runs, [req.run]: req.fixes }, expiresAt: 'later' });
        return { taken: true };
      },
      async release(key, run) { released.push(`${key} ${run}`); },
    };
    return { held, released, locks };
  };
  const ports = (over: Partial<FixPorts> = {}): FixPorts => ({ starter, now: NOW, policy, ...over });
  const fix = (f: Finding) => ({ finding: f, relatedControls: [] });
  beforeEach(() => starts.splice(0));

  test('started: named from the sweep id, the context says sweep, and carries the lock it took', async () => {
    const { locks, held } = memoryLocks();
    const out = await startFix(fix(finding()), origin, ports({ locks }));
    const name = executionName('sweep-1', finding());
    expect(out).toMatchObject({ kind: 'started', name, duplicate: false, executionArn: `arn:${name}` });
    expect(starts[0]!.input.context).toMatchObject({ id: name, eventId: 'sweep-1', source: 'sweep', eventName: 'Sweep', lock: lockKey(finding().resource) });
    expect(held.get(lockKey(finding().resource))?.runs[name]).toEqual({ action: 'revoke-sg-ingress', targets: ['sgr-0aaa'] });
  });

  test('suppressed by a decision that sticks: no lock taken, nothing started', async () => {
    const { locks, held } = memoryLocks();
    const stuck = stickyDecisionOf(record('denied', { finding: finding(), finishedAt: '2026-12-01T00:00:00Z' }), policy)!;
    const out = await startFix(fix(finding()), origin, ports({ locks, decisions: { recall: async (k) => (k === stuck.key ? stuck : undefined), remember: async () => undefined } }));
    expect(out).toMatchObject({ kind: 'suppressed', why: expect.stringContaining('denied in run') });
    expect(starts).toEqual([]);
    expect(held.size).toBe(0);
  });

  test('an event against a sweep\'s lock: locked when its runs fix this already, deferred when not; a sweep is never deferred', async () => {
    const { locks } = memoryLocks();
    await startFix(fix(finding()), origin, ports({ locks }));
    const event: FixOrigin = { kind: 'event', id: 'ev-1', source: 'cloudtrail', eventName: 'AuthorizeSecurityGroupIngress', eventTime: NOW.toISOString() };
    expect(await startFix(fix(finding()), event, ports({ locks }))).toMatchObject({ kind: 'locked', why: expect.stringContaining('sweep sweep-1') });
    expect(await startFix(fix(finding({}, ['sgr-0new'])), event, ports({ locks }))).toMatchObject({ kind: 'deferred' });
    expect(await startFix(fix(finding({}, ['sgr-0new'])), { ...origin, id: 'sweep-2' }, ports({ locks }))).toMatchObject({ kind: 'locked' });
    expect(starts).toHaveLength(1);
  });

  test('runbook actions (GuardDuty containment) take no lock and are never suppressed', async () => {
    const { locks, held } = memoryLocks();
    let recalled = 0;
    const recall = async () => void recalled++;
    const gd = finding({ control: 'guardduty-container-threat', remediation: { action: 'contain-ecs-task', mode: 'auto', targets: ['t'] } });
    expect(await startFix(fix(gd), origin, ports({ locks, decisions: { recall, remember: async () => undefined } }))).toMatchObject({ kind: 'started' });
    expect(held.size).toBe(0);
    expect(recalled).toBe(0);
    expect(starts[0]!.input.context.lock).toBeUndefined();
  });

  test('a start that fails gives the lock back and throws', async () => {
    const { locks, released } = memoryLocks();
    const failing: RunStarter = { start: async () => { throw new Error('throttled'); } };
    await expect(startFix(fix(finding()), origin, ports({ locks, starter: failing }))).rejects.toThrow('throttled');
    expect(released).toEqual([`${lockKey(finding().resource)} ${executionName('sweep-1', finding())}`]);
  });
});

describe('the plan and the summary', () => {
  test('items: Warden\'s account × its Region × each resource type; other Regions are gaps; a bad name throws', () => {
    const plan = planSweep({ sweepId: 's', startedAt: 't', account: '111122223333', ownRegion: 'eu-west-1', regions: ['', ' eu-west-1', 'us-east-1'] });
    expect(plan.items).toEqual(SWEEP_RESOURCE_TYPES.map((resourceType) => ({ account: '111122223333', region: 'eu-west-1', resourceType })));
    expect(plan.gaps).toEqual([expect.objectContaining({ region: 'us-east-1', error: expect.stringContaining('deploy Warden in us-east-1') })]);
    expect(planSweep({ sweepId: 's', startedAt: 't', account: 'a', ownRegion: 'eu-west-1', regions: [''] }).items).toHaveLength(SWEEP_RESOURCE_TYPES.length);
    expect(() => planSweep({ sweepId: 's', startedAt: 't', account: 'a', ownRegion: 'eu-west-1', regions: ['eu-west-1; rm'] })).toThrow('not a Region name');
  });

  test('the summary adds the items up; a failed item and the plan\'s gaps are gaps; an error makes it failed', () => {
    const plan = planSweep({ sweepId: 's', startedAt: 't0', account: '111122223333', ownRegion: 'eu-west-1', regions: ['eu-west-1', 'us-east-1'] });
    const ok = (i: number, over: Partial<SweepItemResult> = {}): SweepItemResult => ({
      item: plan.items[i]!, resources: 10, findings: 2, runsStarted: 1, duplicates: 0, suppressed: 1, locked: 0, gaps: [], gapCount: 0, ...over,
    });
    const gap = { region: 'eu-west-1', service: 'ecs', what: 'services of cluster a', error: 'AccessDenied' };
    const results = [ok(0), ok(1, { locked: 1, gaps: [gap], gapCount: 25 }), ok(2), { item: plan.items[3]!, failed: { Error: 'Lambda.Unknown', Cause: 'boom' } }];
    const s = summarizeSweep({ sweepId: 's', startedAt: 't0', finishedAt: 't1', plan, results });
    expect(s).toMatchObject({
      status: 'completed', items: 4, failedItems: 1, resources: 30, findings: 6, runsStarted: 3, suppressed: 3, locked: 1,
      gaps: 1 + 1 + 25, regions: ['eu-west-1'], account: '111122223333',
    });
    expect(s.gapList.map((g) => g.region)).toEqual(['us-east-1', 'eu-west-1', 'eu-west-1']);
    expect(s.gapList[1]).toMatchObject({ what: 'sweep item AWS::ECR::Repository', error: 'Lambda.Unknown: boom' });
    expect(summarizeSweep({ sweepId: 's', startedAt: 't0', finishedAt: 't1', error: { Error: 'States.Runtime', Cause: 'x' } }))
      .toMatchObject({ status: 'failed', items: 0, error: { error: 'States.Runtime', cause: 'x' } });
  });
});
