import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { RemediationRecord } from '../domain/remediation';

/**
 * The audit item, written by hand (no @aws-sdk/util-dynamodb: it is not published at the SDK's 3.1162.0 line).
 * Top-level attributes are for queries; the whole record is the JSON string `record`.
 */
export function toItem(record: RemediationRecord): Record<string, AttributeValue> {
  const r = record.finding.resource;
  const strings: Record<string, string | undefined> = {
    id: record.id,
    outcome: record.outcome,
    mode: record.mode,
    control: record.finding.control,
    severity: record.finding.severity,
    resourceId: r.id,
    resourceType: r.type,
    resourceArn: r.arn,
    account: r.account,
    region: r.region,
    eventId: record.eventId,
    source: record.source,
    executionArn: record.executionArn,
    owner: record.owner,
    channel: record.channel,
    requestedAt: record.requestedAt,
    finishedAt: record.finishedAt,
    record: JSON.stringify(record),
  };
  const item: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(strings)) if (v !== undefined && v !== '') item[k] = { S: v };
  if (Number.isFinite(record.durationMs)) item.durationMs = { N: String(record.durationMs) };
  // Which deployed policy decided (`policyStatus` last-good or fail-closed: not the latest version).
  const policy = record.policyVersion;
  if (policy?.version !== undefined) item.policyVersion = { N: String(policy.version) };
  if (policy) item.policyStatus = { S: policy.status };
  return item;
}

/** The record back from an item, or undefined when the item has no readable `record`. */
export function fromItem(item: Record<string, AttributeValue> | undefined): RemediationRecord | undefined {
  const json = item?.record?.S;
  if (json === undefined) return undefined;
  return JSON.parse(json) as RemediationRecord;
}
