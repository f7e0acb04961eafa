import type { Finding, Mode, Observation, ResourceType, Severity, Status } from '../model';
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

/**
 * A sample event in events/ that shows the control at work, declared with the control (as a Custodian policy carries
 * its example). docs/controls.md and events/README.md list it; the sample tests check its decision and routing as
 * they check the manifest's entries.
 */
export interface ControlExample {
  /** Path under events/. */
  event: string;
  /** What the sample shows. */
  shows: string;
  /** Where its shape comes from: public pages, AWS documentation first. */
  source: string;
  /** Do the triage rules route it? */
  routed: boolean;
  /** Its offline decision with the default policy. `targets`: every finding's, in order; `actions`: each finding's. */
  expect: { status: Status; control?: string; targets?: string[]; actions?: string[]; reason?: string };
}

/** One best-practice check. Declarative metadata + a pure evaluation. `npm run gen` registers it (controls/index.ts). */
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
  /** Sample events that show it (optional; older controls' samples are in test/fixtures/events.manifest.json). */
  examples?: readonly ControlExample[];
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
