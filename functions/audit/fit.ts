import type { RemediationRecord } from '../domain/remediation';

/** EventBridge: 256 KB per PutEvents request. DynamoDB: 400 KB per item (names + values). */
export const EVENT_MAX_BYTES = 256 * 1024;
export const ITEM_MAX_BYTES = 400 * 1024;

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
const clip = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max)}…[truncated]`);

/**
 * The record, shrunk until its JSON fits `maxBytes`: first the plan's details go (they are action data, the
 * steps stay human-readable), then long lists and texts are cut. Each cut is marked, never silent.
 */
export function fitRecord(record: RemediationRecord, maxBytes: number): RemediationRecord {
  if (bytes(JSON.stringify(record)) <= maxBytes) return record;
  let r: RemediationRecord = record;
  // A runbook's evidence is the largest part and the least needed to read the record: it goes first.
  if (r.runbook?.evidence !== undefined) {
    const originalBytes = bytes(JSON.stringify(r.runbook.evidence));
    r = { ...r, runbook: { ...r.runbook, evidence: { truncated: true, originalBytes } } };
    if (bytes(JSON.stringify(r)) <= maxBytes) return r;
  }
  if (r.plan?.details !== undefined) {
    const originalBytes = bytes(JSON.stringify(r.plan.details));
    r = { ...r, plan: { ...r.plan, details: { truncated: true, originalBytes } } };
    if (bytes(JSON.stringify(r)) <= maxBytes) return r;
  }
  for (const keep of [200, 20]) {
    const more = (n: number): string[] => (n > keep ? [`…and ${n - keep} more [truncated]`] : []);
    const list = (xs: string[]): string[] => [...xs.slice(0, keep), ...more(xs.length)];
    const text = keep * 10;
    r = {
      ...r,
      finding: {
        ...r.finding,
        evidence: clip(r.finding.evidence, text),
        remediation: { ...r.finding.remediation, targets: list(r.finding.remediation.targets) },
      },
      ...(r.plan && { plan: { ...r.plan, steps: list(r.plan.steps.map((s) => clip(s, text))), targets: list(r.plan.targets) } }),
      ...(r.applied && { applied: list(r.applied) }),
      ...(r.runbook && { runbook: { ...r.runbook, timeline: r.runbook.timeline.slice(-keep).map((e) => ({ ...e, detail: clip(e.detail, text) })) } }),
      ...(r.error && { error: { error: clip(r.error.error, text), cause: clip(r.error.cause, text) } }),
    };
    if (bytes(JSON.stringify(r)) <= maxBytes) return r;
  }
  throw new Error(`audit record ${record.id} does not fit in ${maxBytes} bytes even after truncation`);
}
