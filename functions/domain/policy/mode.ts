import type { Mode, Tags } from '../model';
import type { Policy } from './schema';

/** Least to most cautious. The effective mode is the most cautious that applies. */
const CAUTION: readonly Mode[] = ['auto', 'approval', 'notify', 'dry-run'];

export const stricterOf = (a: Mode, b: Mode): Mode => (CAUTION.indexOf(a) >= CAUTION.indexOf(b) ? a : b);

/**
 * The mode for one finding: the strictest of the global mode, the control's mode (policy, else its default)
 * and the environment's mode (chosen by tag). An exemption tag downgrades to notify: the owner still hears.
 */
export function decideMode(policy: Policy, controlId: string, controlDefault: Mode, tags: Tags | undefined): Mode {
  let mode = stricterOf(policy.defaults.mode, policy.controls[controlId]?.mode ?? controlDefault);
  const env = tags?.[policy.environments.tag];
  const envMode = env === undefined ? undefined : policy.environments.modes[env];
  if (envMode) mode = stricterOf(mode, envMode);
  if (tags && policy.exemptions.tag in tags) mode = stricterOf(mode, 'notify');
  return mode;
}

/** Owner channel from the owner tag, with the policy's fallback. */
export function ownerChannel(policy: Policy, tags: Tags | undefined): { owner?: string; channel: string } {
  const owner = tags?.[policy.owners.tag];
  const channel = (owner && policy.owners.channels[owner]) || policy.owners.fallback;
  return owner ? { owner, channel } : { channel };
}
