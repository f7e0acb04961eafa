/**
 * Raw EventBridge event → Normalized. Never throws: anything unusable is `invalid` with a short reason.
 * The envelope is checked with Powertools' EventBridgeSchema, then the event is dispatched by
 * source + detail-type (+ detail.eventName for CloudTrail) to one module per source.
 */
import type { Normalized } from '../model';
import { CLOUDTRAIL_DETAIL_TYPE, isCloudTrailEc2Event, normalizeCloudTrailEc2 } from './cloudtrail-ec2';
import { isCloudTrailEcrEvent, normalizeCloudTrailEcr } from './cloudtrail-ecr';
import { isCloudTrailEcsEvent, normalizeCloudTrailEcs } from './cloudtrail-ecs';
import { isCloudTrailEksEvent, normalizeCloudTrailEks } from './cloudtrail-eks';
import { CONFIG_COMPLIANCE_DETAIL_TYPE, normalizeConfigCompliance } from './config-compliance';
import { CONFIG_ITEM_DETAIL_TYPE, normalizeConfigItem } from './config-item';
import { EventBridgeSchema, firstIssue, type Envelope } from './envelope';
import { GUARDDUTY_DETAIL_TYPE, normalizeGuardDuty } from './guardduty';
import { normalizeSecurityHub, SECURITYHUB_DETAIL_TYPE } from './securityhub';

export { AuthorizeSecurityGroupEvent, ModifySecurityGroupRulesEvent } from './cloudtrail-ec2';
export { ConfigComplianceChangeEvent } from './config-compliance';
export { ConfigItemChangeEvent } from './config-item';
export { GuardDutyFindingEvent } from './guardduty';
export { SecurityHubFindingsImportedEvent } from './securityhub';

/** Services whose CloudTrail events Warden reads. */
const CLOUDTRAIL_SOURCES: readonly string[] = ['aws.ec2', 'aws.ecs', 'aws.eks', 'aws.ecr'];

export function normalize(raw: unknown): Normalized {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { kind: 'invalid', reason: `not an EventBridge event: expected a JSON object, got ${describe(raw)}` };
  }
  const envelope = EventBridgeSchema.safeParse(raw);
  if (!envelope.success) return { kind: 'invalid', reason: `not an EventBridge event: ${firstIssue(envelope.error)}` };
  return dispatch(envelope.data);
}

function dispatch(env: Envelope): Normalized {
  const source = env.source;
  const detailType = env['detail-type'];
  if (detailType === CLOUDTRAIL_DETAIL_TYPE && CLOUDTRAIL_SOURCES.includes(source)) {
    const eventName = (env.detail as { eventName?: unknown } | null)?.eventName;
    if (source === 'aws.ec2' && isCloudTrailEc2Event(eventName)) return normalizeCloudTrailEc2(env, eventName);
    if (source === 'aws.ecs' && isCloudTrailEcsEvent(eventName)) return normalizeCloudTrailEcs(env, eventName);
    if (source === 'aws.eks' && isCloudTrailEksEvent(eventName)) return normalizeCloudTrailEks(env, eventName);
    if (source === 'aws.ecr' && isCloudTrailEcrEvent(eventName)) return normalizeCloudTrailEcr(env, eventName);
    return unknown(source, detailType, typeof eventName === 'string' ? eventName : '(no eventName)');
  }
  if (source === 'aws.config' && detailType === CONFIG_COMPLIANCE_DETAIL_TYPE) return normalizeConfigCompliance(env);
  if (source === 'aws.config' && detailType === CONFIG_ITEM_DETAIL_TYPE) return normalizeConfigItem(env);
  if (source === 'aws.securityhub' && detailType === SECURITYHUB_DETAIL_TYPE) return normalizeSecurityHub(env);
  if (source === 'aws.guardduty' && detailType === GUARDDUTY_DETAIL_TYPE) return normalizeGuardDuty(env);

  const eventName = (env.detail as { eventName?: unknown } | null)?.eventName;
  return unknown(source, detailType, typeof eventName === 'string' ? eventName : undefined);
}

const unknown = (source: string, detailType: string, eventName?: string): Normalized => ({
  kind: 'invalid',
  reason: `not an event Warden knows: ${[source, detailType, eventName].filter(Boolean).join(' / ')}`,
});

function describe(raw: unknown): string {
  if (raw === null) return 'null';
  if (Array.isArray(raw)) return 'an array';
  if (typeof raw === 'string') return raw.length > 40 ? `a string (${raw.slice(0, 40)}…)` : `a string (${raw})`;
  return typeof raw;
}
