import type { Finding, Mode, Observation, Severity } from '../model';
import { decideMode } from '../policy/mode';
import type { Policy } from '../policy/schema';
import type { Control, ControlResult } from './control';

type Meta = Pick<Control, 'id' | 'title' | 'severity' | 'remediation'>;

export const NONE: ControlResult = { findings: [] };

/** Task runs and services whose event names a task definition without carrying it. */
export const NEEDS_DEFINITION = 'needs live state: the task definition is not in the event';

/** One finding of `control` on the observation's resource, its mode decided by policy and the resource's tags. */
export function findingOf(
  control: Meta,
  o: Observation,
  policy: Policy,
  targets: string[],
  evidence: string,
  over: { severity?: Severity; defaultMode?: Mode; action?: string } = {},
): Finding {
  const mode = decideMode(policy, control.id, over.defaultMode ?? control.remediation.defaultMode, o.resource.tags);
  return {
    control: control.id,
    title: control.title,
    severity: over.severity ?? control.severity,
    resource: o.resource,
    evidence,
    remediation: { action: over.action ?? control.remediation.action, mode, targets },
  };
}

/**
 * `flagged` facts (Config / Security Hub without resource data): a provisional finding when the evaluator named
 * this control, else nothing. Targets come from live state.
 */
export function flaggedResult(control: Meta, o: Observation, policy: Policy): ControlResult {
  if (o.facts.kind !== 'flagged' || !o.facts.controls?.includes(control.id)) return NONE;
  const evidence = `${o.facts.flaggedBy} reports ${o.resource.id} failing: ${control.title}`;
  return {
    findings: [findingOf(control, o, policy, [], evidence)],
    note: `needs live state: ${o.facts.flaggedBy} carries no resource data, so the exact targets are read at remediation time`,
  };
}
