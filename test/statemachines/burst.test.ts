// A burst, small: 30 world-open findings over 3 groups arrive at once under the breaker's default limits (5
// automatic fixes per control per window). The real handlers and the local state machine on moto; the clock fixed
// (jest fakes Date only) so the burst never straddles two windows. `npm run bench` runs 1,000 over 20 groups.
import { defaultPolicy } from '../../functions/domain/policy';
import { burstWith } from '../../bench/burst';
import { useLocalWarden } from '../support/emulator';
import { useFixedDate } from '../support/clock';

const { start, sink } = useLocalWarden();
useFixedDate(new Date('2031-01-01T10:01:00Z'));

test('auto-fixes stay within the limit; every other run is held and listed, told once; nothing is lost', async () => {
  const w = await start();
  const limit = defaultPolicy().limits.perControl;
  const b = await burstWith(w, { findings: 30, groups: 3, concurrency: 6, sinkReceived: () => sink().received });
  expect(b.autoFixed).toBe(limit);
  expect(b.lost).toBe(0);
  expect(b.deadLettered).toBe(0);
  // Every event was triaged: a violation started its runs (or joined a run making the same fix), or its rule was
  // already revoked by a run for the group's other open rules (the live read adds one per event) and it is compliant.
  expect(Object.values(b.events).reduce((x, y) => x + y, 0)).toBe(30);
  expect(Object.keys(b.events).filter((s) => s !== 'violation' && s !== 'compliant')).toEqual([]);
  expect(b.runs).toBeGreaterThan(0);
  expect(Object.keys(b.outcomes).sort()).toEqual(expect.arrayContaining(['fixed', 'held']));
  expect(Object.keys(b.outcomes).filter((o) => !['fixed', 'held', 'already-fixed'].includes(o))).toEqual([]);
  expect(b.heldListed).toBe(b.outcomes.held);
  expect(b.summaries).toBe(1);
});
