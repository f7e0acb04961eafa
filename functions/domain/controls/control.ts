import type { Finding, Mode, Observation, ResourceType, Severity } from '../model';
import type { Policy } from '../policy/schema';

/** One best-practice check. Declarative metadata + a pure evaluation. Register it in controls/index.ts. */
export interface Control {
  id: string;
  title: string;
  severity: Severity;
  /** Section of the best-practice document ("Key Security Points for Provisioning an Application on Amazon ECS and Amazon EKS") this control implements. */
  seedRef: string;
  mappings: { securityHub?: string[]; configRules?: string[]; prowler?: string[] };
  resourceTypes: ResourceType[];
  /** Event sources that feed it, for docs/controls.md. */
  triggers: string[];
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
