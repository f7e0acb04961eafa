import type { Mode, Tags } from '../model';
import type { Exemption } from './exemption';
import type { Policy } from './schema';
import { failClosedRule, type PolicyVersion } from './version';

/** Least to most cautious. The effective mode is the most cautious that applies. */
const CAUTION: readonly Mode[] = ['auto', 'approval', 'notify', 'dry-run'];

export const stricterOf = (a: Mode, b: Mode): Mode => (CAUTION.indexOf(a) >= CAUTION.indexOf(b) ? a : b);

/** The mode a run decided, and every rule that made it what it is (strictest wins), for the audit record. */
export interface ModeDecision {
  mode: Mode;
  reasons: string[];
}

/**
 * The run's mode, decided once at its mode step with live tags: the strictest of dry-run when the policy failed
 * closed (no valid version), what the policy and the tags say (as decideMode), an exemption in force (notify: the
 * owner still hears), the mode triage already announced (a run never goes below it), and a floor the action or
 * runbook imposes. Each input that is at least as strict as the result is named in `reasons`.
 */
export function decideRunMode(
  policy: Policy,
  input: {
    controlId: string; controlDefault: Mode; announced: Mode; floor?: { mode: Mode; why: string }; tags: Tags | undefined;
    /** The exemption judged on the live tags (policy/exemption.ts), if they claim one. */
    exemption?: Exemption | undefined;
    /** The version of the run's policy: one that failed closed makes every mode dry-run, and says why. */
    policyVersion?: PolicyVersion | undefined;
  },
): ModeDecision {
  const { controlId, controlDefault, announced, floor, tags, exemption, policyVersion } = input;
  const rules: [Mode, string][] = [
    ...failClosedRule(policyVersion),
    ...policyRules(policy, controlId, controlDefault, tags),
    ...exemptionRule(exemption),
    [announced, 'as triage announced it'],
    ...(floor ? [[floor.mode, floor.why] as [Mode, string]] : []),
  ];
  const mode = rules.map(([m]) => m).reduce(stricterOf);
  return { mode, reasons: rules.filter(([m]) => m === mode).map(([m, why]) => `${why} → ${m}`) };
}

/**
 * What the policy and the environment tag say about a control's mode, each rule with why it applies. Exemptions are
 * not here: whether one is in force depends on the time and its first sighting (exemptionRule).
 */
function policyRules(policy: Policy, controlId: string, controlDefault: Mode, tags: Tags | undefined): [Mode, string][] {
  const env = tags?.[policy.environments.tag];
  const envMode = env === undefined ? undefined : policy.environments.modes[env];
  const controlMode = policy.controls[controlId]?.mode;
  return [
    [policy.defaults.mode, `defaults.mode ${policy.defaults.mode}`],
    [controlMode ?? controlDefault, controlMode ? `controls.${controlId}.mode` : `${controlId} default`],
    ...(envMode ? [[envMode, `${policy.environments.tag}=${env}`] as [Mode, string]] : []),
  ];
}

/** An exemption in force downgrades to notify: the owner still hears. An expired or invalid one changes nothing. */
export const exemptionRule = (exemption: Exemption | undefined): [Mode, string][] =>
  exemption?.status === 'active' ? [['notify', exemption.why]] : [];

/** A mode with an exemption applied (evaluate: a finding's mode once its resource's exemption is judged). */
export const withExemption = (mode: Mode, exemption: Exemption | undefined): Mode =>
  exemptionRule(exemption).map(([m]) => m).reduce(stricterOf, mode);

/**
 * The policy a hand start decides its mode with (decision 50): a responder's explicit request is not held back by the
 * deployment's default mode or per-control modes; environment modes and the exemption tag still apply.
 */
export const forHandStart = (policy: Policy): Policy => ({ ...policy, defaults: { ...policy.defaults, mode: 'auto' }, controls: {} });

/**
 * The mode for one finding: the strictest of the global mode, the control's mode (policy, else its default) and the
 * environment's mode (chosen by tag). The same rules as decideRunMode; evaluate() then applies the resource's
 * exemption (withExemption), which needs the time.
 */
export const decideMode = (policy: Policy, controlId: string, controlDefault: Mode, tags: Tags | undefined): Mode =>
  policyRules(policy, controlId, controlDefault, tags).map(([m]) => m).reduce(stricterOf);

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
