// An exemption as evaluate() applies it once its verdict is known (policy/exemption.ts), for control-level tests:
// controls decide the mode from policy and the environment; the exemption needs the time and its first sighting.
import type { Mode, Tags } from '../../functions/domain/model';
import { defaultPolicy } from '../../functions/domain/policy';
import { judgeExemption, readExemption } from '../../functions/domain/policy/exemption';
import { withExemption } from '../../functions/domain/policy/mode';

/** A fixed time: tests never read the clock. */
export const NOW = new Date('2026-06-01T12:00:00Z');

/** `mode` once the exemption `tags` claim is judged at NOW (first seen NOW). */
export function exempted(mode: Mode, tags: Tags | undefined, policy = defaultPolicy()): Mode {
  const claim = readExemption(policy, tags);
  return claim ? withExemption(mode, judgeExemption(policy, claim, { now: NOW, firstSeen: NOW.toISOString() })) : mode;
}
