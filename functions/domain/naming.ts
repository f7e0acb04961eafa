import { createHash } from 'node:crypto';
import type { Finding } from './model';

/**
 * Deterministic Step Functions execution name for one fix (action + resource) of one event: a duplicate delivery of the same
 * event (same EventBridge id) maps to the same name, so it cannot start a second fix. A new event about the same
 * rule gets a new name, so a re-opened exposure is never skipped. Max 80 chars, [A-Za-z0-9-_].
 */
export function executionName(eventId: string, finding: Finding): string {
  const runKey = finding.remediation.runKey ? [`run:${finding.remediation.runKey}`] : [];
  const key = [eventId, finding.remediation.action, finding.resource.id, ...runKey, ...[...finding.remediation.targets].sort()].join('|');
  const digest = createHash('sha256').update(key).digest('hex').slice(0, 32);
  return `${finding.control}`.replace(/[^A-Za-z0-9-_]/g, '-').slice(0, 40) + '-' + digest;
}
