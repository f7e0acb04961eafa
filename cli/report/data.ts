// What `warden report` reads: the audit table (a paged Scan: the records and the exemption sightings) and the
// approvals table (a paged Scan for pending requests; the task token is never read).
import { ScanCommand, type AttributeValue, type DynamoDBClient, type ScanCommandInput } from '@aws-sdk/client-dynamodb';
import { fromItem as approvalFromItem } from '../../functions/approvals/store';
import { fromItem } from '../../functions/audit/item';
import type { RemediationRecord } from '../../functions/domain/remediation';
import type { PendingApproval, Sighting } from './stats';

type Item = Record<string, AttributeValue>;

async function scanAll(dynamodb: DynamoDBClient, input: ScanCommandInput): Promise<Item[]> {
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const out = await dynamodb.send(new ScanCommand({ ...input, ...(start ? { ExclusiveStartKey: start } : {}) }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

export interface AuditContents {
  records: RemediationRecord[];
  sightings: Sighting[];
  /** Items that are neither (sweep summaries, …) or whose record could not be read. */
  skipped: number;
}

/**
 * Every record that finished since `since` (ISO; in-progress items whatever their time), and every exemption
 * sighting. A record that is not JSON is skipped, not fatal: one bad item must not hide the others.
 */
export async function loadAudit(dynamodb: DynamoDBClient, tableName: string, since: string): Promise<AuditContents> {
  const items = await scanAll(dynamodb, {
    TableName: tableName,
    FilterExpression: 'attribute_exists(firstSeen) OR finishedAt >= :since OR outcome = :progress',
    ExpressionAttributeValues: { ':since': { S: since }, ':progress': { S: 'in-progress' } },
  });
  const out: AuditContents = { records: [], sightings: [], skipped: 0 };
  for (const item of items) {
    const id = item.id?.S ?? '';
    if (id.startsWith('exemption#') && item.firstSeen?.S) {
      out.sightings.push({ key: id, firstSeen: item.firstSeen.S });
      continue;
    }
    let record: RemediationRecord | undefined;
    try {
      record = fromItem(item);
    } catch {
      record = undefined;
    }
    if (record?.finding?.resource && typeof record.finishedAt === 'string') out.records.push(record);
    else out.skipped++;
  }
  return out;
}

/** The fields of a pending approval the report shows: everything but the task token. */
const APPROVAL_FIELDS = ['id', 'executionArn', 'remediationId', 'stage', 'control', 'severity', 'resourceType', 'resourceId', 'action',
  'steps', 'requester', 'changedAt', 'approvers', 'channel', 'status', 'createdAt', 'expiresAt'];

/** Every approval still pending (including ones past their deadline that nothing has marked expired yet). */
export async function loadPendingApprovals(dynamodb: DynamoDBClient, tableName: string): Promise<PendingApproval[]> {
  const items = await scanAll(dynamodb, {
    TableName: tableName,
    FilterExpression: '#status = :pending',
    ProjectionExpression: APPROVAL_FIELDS.map((_, i) => `#f${i}`).join(', '),
    ExpressionAttributeNames: { '#status': 'status', ...Object.fromEntries(APPROVAL_FIELDS.map((f, i) => [`#f${i}`, f])) },
    ExpressionAttributeValues: { ':pending': { S: 'pending' } },
  });
  return items.flatMap((item) => {
    const a = approvalFromItem(item);
    return a ? [a as PendingApproval] : [];
  });
}
