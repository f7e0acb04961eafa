import type { GuardDutyFacts } from '../../functions/domain/model';
import { repeatDecision, seenOf, type SeenFinding } from '../../functions/domain/repeats';

const T1 = '2026-03-02T10:12:31.000Z';
const T2 = '2026-03-02T11:40:00.000Z';
const HANDLED = '2026-03-02T10:13:00.000Z';

const current = (over: Partial<GuardDutyFacts> = {}): GuardDutyFacts => ({
  id: 'c0ffee01', type: 'Execution:Runtime/ReverseShell', severity: 8, updatedAt: T2, count: 2, resourceType: 'ECSCluster', ...over,
});
const seen: SeenFinding = { id: 'c0ffee01', severity: 8, updatedAt: T1, count: 1, handledAt: HANDLED };

describe('repeatDecision', () => {
  test('never handled: new', () => {
    expect(repeatDecision(undefined, current())).toEqual({ kind: 'new' });
  });

  test('severity above the handled one: escalated, from the handled severity', () => {
    expect(repeatDecision(seen, current({ severity: 8.5 }))).toEqual({ kind: 'escalated', from: 8 });
    expect(repeatDecision({ ...seen, severity: 5 }, current({ severity: 8 }))).toEqual({ kind: 'escalated', from: 5 });
  });

  test('same severity, newer update (count + 1): repeat, with the finding, severity, count and update time', () => {
    const d = repeatDecision(seen, current());
    expect(d.kind).toBe('repeat');
    expect(d.kind === 'repeat' && d.reason).toBe(
      `repeat of GuardDuty finding c0ffee01 already handled at severity 8 on ${HANDLED} (count 2, updated ${T2}, severity 8)`,
    );
  });

  test('lower severity: repeat', () => {
    expect(repeatDecision(seen, current({ severity: 5 }))).toMatchObject({ kind: 'repeat', reason: expect.stringContaining('severity 5') });
  });

  test('the very same update delivered twice: repeat', () => {
    expect(repeatDecision(seen, current({ updatedAt: T1, count: 1 }))).toMatchObject({ kind: 'repeat' });
  });

  test('an update older than the stored one is a repeat (out-of-order delivery), even with a higher severity', () => {
    const d = repeatDecision({ ...seen, updatedAt: T2 }, current({ updatedAt: T1, severity: 9 }));
    expect(d).toEqual({
      kind: 'repeat',
      reason: `out-of-order update of GuardDuty finding c0ffee01 (count 2, updated ${T1}, before ${T2}): already handled at severity 8 on ${HANDLED}`,
    });
  });

  test('missing or unreadable update times are not "older": severity decides', () => {
    expect(repeatDecision({ ...seen, updatedAt: undefined }, current({ severity: 9 }))).toEqual({ kind: 'escalated', from: 8 });
    expect(repeatDecision(seen, current({ updatedAt: undefined, severity: 9 }))).toEqual({ kind: 'escalated', from: 8 });
    expect(repeatDecision({ ...seen, updatedAt: 'not a date' }, current({ severity: 9 }))).toEqual({ kind: 'escalated', from: 8 });
    expect(repeatDecision(seen, current({ updatedAt: undefined, count: undefined }))).toMatchObject({
      kind: 'repeat', reason: expect.stringContaining('(count ?, updated ?, severity 8)'),
    });
  });
});

test('seenOf keeps id, severity, update time and count, and only what the finding has', () => {
  expect(seenOf(current(), HANDLED)).toEqual({ id: 'c0ffee01', severity: 8, updatedAt: T2, count: 2, handledAt: HANDLED });
  expect(seenOf(current({ updatedAt: undefined, count: undefined }), HANDLED)).toEqual({ id: 'c0ffee01', severity: 8, handledAt: HANDLED });
});
