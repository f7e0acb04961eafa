/**
 * AWS Config "Config Rules Compliance Change": a rule's verdict on one resource. A NON_COMPLIANT verdict of a
 * mapped rule flags the group; the event carries no rule data (live state resolves it).
 */
import { z } from 'zod';
import { controls } from '../controls';
import type { Normalized, Observation } from '../model';
import { EventBridgeSchema, parseDetail, SG_TYPE, sgRef, type Envelope } from './envelope';

export const CONFIG_COMPLIANCE_DETAIL_TYPE = 'Config Rules Compliance Change';

/**
 * Rule names Warden acts on, from the controls' mappings. Matched by containment: Security Hub deploys its own
 * copies as `securityhub-<rule>-<suffix>`. It deploys restricted-common-ports (EC2.14) as `restricted-rdp`.
 */
const MAPPED_RULES: readonly string[] = [...new Set(controls.flatMap((c) => c.mappings.configRules ?? []))];

export const mappedConfigRule = (name: string): string | undefined => MAPPED_RULES.find((id) => name.includes(id));

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

  if (d.resourceType !== SG_TYPE) return { kind: 'ignored', reason: `Config rule ${rule} evaluates ${d.resourceType}, not a security group` };
  if (verdict !== 'NON_COMPLIANT') return { kind: 'ignored', reason: `Config rule ${rule} reports ${verdict}: nothing to fix` };

  const account = d.awsAccountId ?? env.account;
  const region = d.awsRegion ?? env.region;
  const observation: Observation = {
    source: 'config',
    eventId: env.id,
    eventName: env['detail-type'],
    time: env.time,
    account,
    region,
    resource: sgRef(d.resourceId, account, region),
    facts: { kind: 'sg-flagged', groupId: d.resourceId, flaggedBy: `Config rule ${rule}` },
  };
  if (!mappedConfigRule(rule)) {
    return { kind: 'ignored', reason: `Config rule ${rule} is not mapped to a Warden control`, observation };
  }
  return { kind: 'observation', observation };
}
