import type { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { importFinding, updateFinding } from '../aws/securityhub';
import { approvalWriteBack, asffOf, endWriteBack, importsOnEnd, type WriteBack, type WriteBackResult } from '../domain/securityhub';
import type { RemediationRecord } from '../domain/remediation';
import type { RemediationState } from '../domain/state';
import { logger } from '../runtime/logger';

/**
 * The Security Hub write-back of a run (domain/securityhub.ts decides what to write): Warden's own finding imported
 * first when the run has one, then BatchUpdateFindings. Both calls are idempotent, so a retried step writes the same
 * again. It never throws: Security Hub refusing (not enabled, access denied, throttled, finding not found) is the
 * result, recorded and logged, and the run goes on.
 */
export interface WriteBackDeps {
  securityhub: () => SecurityHubClient | Promise<SecurityHubClient>;
  now?: () => Date;
}

const errorName = (err: unknown): string => (err as Error)?.name || 'Error';

async function attempt(call: () => Promise<string>): Promise<string> {
  try {
    return await call();
  } catch (err) {
    return errorName(err);
  }
}

async function write(
  record: Pick<RemediationRecord, 'id' | 'securityHub'> & Parameters<typeof asffOf>[0], stage: WriteBackResult['stage'],
  wb: WriteBack, archived: boolean | undefined, deps: WriteBackDeps,
): Promise<WriteBackResult> {
  const ref = record.securityHub!;
  const now = deps.now?.() ?? new Date();
  let client: SecurityHubClient | undefined;
  const loaded = await attempt(async () => ((client = await deps.securityhub()), 'ok'));
  const imported = ref.origin === 'warden' && archived !== undefined
    ? (client ? await attempt(() => importFinding(client!, asffOf(record, ref, now, archived))) : loaded)
    : undefined;
  const result = client ? await attempt(() => updateFinding(client!, ref, wb)) : loaded;
  const out: WriteBackResult = { stage, at: now.toISOString(), ...(wb.workflow ? { workflow: wb.workflow } : {}), note: wb.note, result, ...(imported ? { imported } : {}) };
  const log = { id: record.id, findingId: ref.id, origin: ref.origin, stage, workflow: wb.workflow ?? 'unchanged', result, ...(imported ? { imported } : {}) };
  if (result === 'ok' && (imported ?? 'ok') === 'ok') logger.info('security hub updated', log);
  else logger.warn('security hub write-back failed', log);
  return out;
}

/** When a run ends (RecordAudit): what the outcome means for the finding. undefined: the run has no finding to tell. */
export async function writeBackEnd(record: RemediationRecord, deps: WriteBackDeps): Promise<WriteBackResult | undefined> {
  if (!record.securityHub) return undefined;
  const wb = endWriteBack(record);
  if (!wb) return undefined;
  const own = record.securityHub.origin === 'warden';
  if (own && !importsOnEnd(record)) return undefined; // nothing was exposed: Warden's own finding is not made for it
  return write(record, 'end', wb, own ? record.outcome === 'fixed' && record.verified !== false : undefined, deps);
}

/** Just before the approval request (SecurityHubNotified): the finding is NOTIFIED. */
export async function writeBackApproval(state: RemediationState, deps: WriteBackDeps): Promise<WriteBackResult | undefined> {
  const live = state.live?.result;
  if (!state.context.securityHub || !live) return undefined;
  return write(state.context, 'approval', approvalWriteBack(state.context, live), state.context.securityHub.origin === 'warden' ? false : undefined, deps);
}
