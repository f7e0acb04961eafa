import type { Finding, Mode, Observation, ResourceType, Severity } from '../model';
import type { Policy } from '../policy/schema';
import type { CloudTrailCall } from '../events/calls';

export interface Triggers {
  /** CloudTrail calls that carry what the control reads, e.g. `ecs:RunTask` (only calls a normalizer routes). */
  cloudTrail?: readonly CloudTrailCall[];
  /** How those calls are read when the event alone does not decide, e.g. "task definition read live". */
  cloudTrailNote?: string;
  /** Config configuration-item changes of the control's resource types. */
  configItems?: boolean;
  /** GuardDuty findings it reads, described. */
  guardDuty?: string;
}

/** One best-practice check. Declarative metadata + a pure evaluation. Register it in controls/index.ts. */
export interface Control {
  id: string;
  title: string;
  severity: Severity;
  /** Section of the best-practice document ("Key Security Points for Provisioning an Application on Amazon ECS and Amazon EKS") this control implements. */
  seedRef: string;
  /** Ids of the best-practice points it covers (seed-coverage.ts); docs/controls.md's coverage comes from these. */
  seed: readonly string[];
  mappings: { securityHub?: string[]; configRules?: string[]; prowler?: string[] };
  resourceTypes: ResourceType[];
  /**
   * What feeds it besides its mappings (Config rules and Security Hub ids, above, are triggers too): the CloudTrail
   * calls, Config configuration items of its resource types, GuardDuty findings. Data: the triage rules and
   * docs/controls.md are generated from it.
   */
  triggers: Triggers;
  remediation: { action: string; defaultMode: Mode; summary: string };
  /** Does this control read this observation at all? */
  appliesTo(observation: Observation): boolean;
  /** Findings for the observation (empty = compliant). Pure: live state, if any, is already in the observation. */
  evaluate(observation: Observation, policy: Policy): ControlResult;
}

export interface ControlResult {
  findings: Finding[];
  /** Set when the decision is provisional, e.g. targets or tags that only live state can give. */
  note?: string;
}
