import type { Mode, Tags } from '../model';
import type { Policy } from './schema';

/** Least to most cautious. The effective mode is the most cautious that applies. */
const CAUTION: readonly Mode[] = ['auto', 'approval', 'notify', 'dry-run'];

export const stricterOf = (a: Mode, b: Mode): Mode => (CAUTION.indexOf(a) >= CAUTION.indexOf(b) ? a : b);

/** The mode a run decided, and every rule that made it what it is (strictest wins), for the audit record. */
export interface ModeDecision {
  mode: Mode;
  reasons: string[];
}

/**
 * The run's mode, decided once at its mode step with live tags: the strictest of what the policy and the tags say
 * (as decideMode), the mode triage already announced (a run never goes below it), and a floor the action or runbook
 * imposes. Each input that is at least as strict as the result is named in `reasons`.
 */
export function decideRunMode(
  policy: Policy,
  input: { controlId: string; controlDefault: Mode; announced: Mode; floor?: { mode: Mode; why: string }; tags: Tags | undefined },
): ModeDecision {
  const { controlId, controlDefault, announced, floor, tags } = input;
  const env = tags?.[policy.environments.tag];
  const rules: [Mode, string][] = [
    [policy.defaults.mode, `defaults.mode ${policy.defaults.mode}`],
    [policy.controls[controlId]?.mode ?? controlDefault, policy.controls[controlId]?.mode ? `controls.${controlId}.mode` : `${controlId} default`],
    ...(env !== undefined && policy.environments.modes[env] ? [[policy.environments.modes[env]!, `${policy.environments.tag}=${env}`] as [Mode, string]] : []),
    ...(tags && policy.exemptions.tag in tags ? [['notify', `exempt (${policy.exemptions.tag}=${tags[policy.exemptions.tag]})`] as [Mode, string]] : []),
    [announced, 'as triage announced it'],
    ...(floor ? [[floor.mode, floor.why] as [Mode, string]] : []),
  ];
  const mode = rules.map(([m]) => m).reduce(stricterOf);
  return { mode, reasons: rules.filter(([m]) => m === mode).map(([m, why]) => `${why} → ${m}`) };
}

/**
 * The policy a hand start decides its mode with (decision 50): a responder's explicit request is not held back by the
 * deployment's default mode or per-control modes; environment modes and the exemption tag still apply.
 */
export const forHandStart = (policy: Policy): Policy => ({ ...policy, defaults: { ...policy.defaults, mode: 'auto' }, controls: {} });

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

/**
 * When the resource's tags are unknown (offline), can they make `mode` stricter? Returns why (which environment
 * values or the exemption tag would), or undefined when no tag could.
 */
export function mayTighten(policy: Policy, mode: Mode): string | undefined {
  const stricter = Object.entries(policy.environments.modes).filter(([, m]) => stricterOf(m, mode) !== mode);
  const why = stricter.map(([env, m]) => `${policy.environments.tag}=${env} → ${m}`);
  if (stricterOf('notify', mode) !== mode) why.push(`${policy.exemptions.tag} → notify`);
  return why.length ? `tags unknown offline; the mode may be stricter once they are known (${why.join(', ')})` : undefined;
}

/** Owner channel from the owner tag, with the policy's fallback. */
export function ownerChannel(policy: Policy, tags: Tags | undefined): { owner?: string; channel: string } {
  const owner = tags?.[policy.owners.tag];
  const channel = (owner && policy.owners.channels[owner]) || policy.owners.fallback;
  return owner ? { owner, channel } : { channel };
}
