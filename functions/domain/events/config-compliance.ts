/**
 * AWS Config "Config Rules Compliance Change": a rule's verdict on one resource. A NON_COMPLIANT verdict of a
 * mapped rule flags the resource; the event carries no resource data (live state resolves it). Security groups
 * become `sg-flagged`; ECS, EKS and ECR resources become `flagged` with the Warden controls the rule maps to.
 */
import { z } from 'zod';
import type { Normalized, ResourceRef } from '../model';
import { EventBridgeSchema, observationOf, parseDetail, SG_TYPE, sgRef, type Envelope } from './envelope';
import { controlsForConfigRule } from './mappings';
import { CONTAINER_TYPES, containerRef } from './refs';

export const CONFIG_COMPLIANCE_DETAIL_TYPE = 'Config Rules Compliance Change';

const ComplianceDetail = z.object({
  resourceId: z.string().min(1),
  resourceType: z.string().min(1),
  configRuleName: z.string().min(1),
  awsAccountId: z.string().optional(),
  awsRegion: z.string().optional(),
  newEvaluationResult: z.object({
    complianceType: z.enum(['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE', 'INSUFFICIENT_DATA']),
  }),
});

export const ConfigComplianceChangeEvent = EventBridgeSchema.extend({ detail: ComplianceDetail });

export function normalizeConfigCompliance(env: Envelope): Normalized {
  const parsed = parseDetail(ComplianceDetail, env, 'Config compliance change');
  if (!parsed.ok) return parsed.result;
  const d = parsed.detail;
  const rule = d.configRuleName;
  const verdict = d.newEvaluationResult.complianceType;
  const isSg = d.resourceType === SG_TYPE;

  if (!isSg && !CONTAINER_TYPES.includes(d.resourceType)) {
    return { kind: 'ignored', reason: `Config rule ${rule} evaluates ${d.resourceType}, not a resource type Warden watches` };
  }
  if (verdict !== 'NON_COMPLIANT') return { kind: 'ignored', reason: `Config rule ${rule} reports ${verdict}: nothing to fix` };

  const where = { account: d.awsAccountId ?? env.account, region: d.awsRegion ?? env.region };
  const controls = controlsForConfigRule(rule);
  let resource: ResourceRef | undefined;
  if (isSg) resource = sgRef(d.resourceId, where.account, where.region);
  else resource = containerRef(d.resourceType, d.resourceId, where);
  if (!resource) return { kind: 'invalid', reason: `Config compliance change: resourceId ${d.resourceId} is not a ${d.resourceType}` };

  const flaggedBy = `Config rule ${rule}`;
  const observation = observationOf(
    'config', env, resource,
    isSg ? { kind: 'sg-flagged', groupId: d.resourceId, flaggedBy, controls } : { kind: 'flagged', flaggedBy, controls },
  );
  if (controls.length === 0) {
    return { kind: 'ignored', reason: `Config rule ${rule} is not mapped to a Warden control`, observation };
  }
  return { kind: 'observation', observation };
}
