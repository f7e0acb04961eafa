/**
 * Which Warden controls a public evaluator's verdict speaks for, from the controls' own mappings (the catalog is
 * the single source). Read at call time, so the registry is complete whatever the import order.
 */
import { controls } from '../controls';
import type { ResourceType } from '../model';

/**
 * Controls mapped to a Config rule name. Matched by containment: Security Hub deploys its own copies as
 * `securityhub-<rule>-<suffix>` (and deploys restricted-common-ports as `restricted-rdp`).
 */
export const controlsForConfigRule = (ruleName: string): string[] =>
  controls.filter((c) => (c.mappings.configRules ?? []).some((rule) => ruleName.includes(rule))).map((c) => c.id);

/** Controls mapped to a Security Hub control id (EC2.13, ECS.20…). */
export const controlsForSecurityHub = (controlId: string): string[] =>
  controls.filter((c) => (c.mappings.securityHub ?? []).includes(controlId)).map((c) => c.id);

/** Controls that read a resource type. */
export const controlsReading = (type: ResourceType): string[] =>
  controls.filter((c) => c.resourceTypes.includes(type)).map((c) => c.id);
