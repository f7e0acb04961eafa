import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { recordAudit } from '../audit/record';
import type { WriteBackDeps } from '../audit/securityhub';
import { brakesTableOfEnv } from '../brakes/deps';
import type { HeldEntry } from '../aws/brakes-table';
import { dynamodb } from '../aws/clients/dynamodb';
import { events } from '../aws/clients/events';
import type { RemediationRecord } from '../domain/remediation';
import { requireEnv } from '../runtime/env';
import { findingsStores } from '../runtime/findings-stores';
import { lambda } from '../runtime/lambda';
import { logger } from '../runtime/logger';
import { emit, recordPoints, type MetricSink } from '../runtime/metrics';
import { toRecord, type RemediationState } from '../domain/state';
import { stickyDecisionOf, type DecisionMemory } from '../domain/decisions';
import type { ResourceLocks } from '../domain/locks';

export interface RecordDeps {
  dynamodb: () => DynamoDBClient;
  events: () => EventBridgeClient;
  tableName: string;
  busName: string;
  /** Where a held run is listed for `warden breaker status` and release (the brakes table). */
  listHeld: (entry: Omit<HeldEntry, 'status'>) => Promise<void>;
  /** The run's metrics (runtime/metrics.ts recordPoints: outcome, time to fix, approval, hold), once per run. */
  metrics: MetricSink;
  /** Where a decision that sticks is remembered, and where the run's resource lock is given back (the findings table). */
  findings?: () => Promise<{ decisions: Pick<DecisionMemory, 'remember'>; locks: Pick<ResourceLocks, 'release'> }>;
  /** The Security Hub client, for a run that writes back to a finding (loaded on first use). */
  securityhub?: WriteBackDeps['securityhub'];
}

/** The findings table's stores (env FINDINGS_TABLE), loaded with the first run that needs them. */
const findingsOfEnv = async () => findingsStores(() => requireEnv('FINDINGS_TABLE'));

/** Its client module loads only for a run that has a Security Hub finding to tell. */
const securityhubClient: WriteBackDeps['securityhub'] = async () => (await import('../aws/clients/securityhub')).securityhub();

/** A held run's entry in the held list, from its record. */
export function heldEntry(record: RemediationRecord): Omit<HeldEntry, 'status'> | undefined {
  const h = record.held;
  if (record.outcome !== 'held' || !h) return undefined;
  const r = record.finding.resource;
  return {
    runId: record.id, reason: h.reason, why: h.why, heldAt: h.at, workflow: record.runbook?.name ?? 'remediate', control: record.finding.control,
    resource: `${r.type} ${r.arn ?? r.id}`, account: r.account, ...(h.scope ? { scope: h.scope } : {}), ...(h.window ? { windowStart: h.window.start } : {}),
  };
}

/**
 * Write the audit item and emit "Warden Remediation Completed|Failed". Idempotent: a retry finds the item there. A
 * held run is also listed in the brakes table (a retry lists it again, the same). The run's metrics are emitted once,
 * by the call that stored its record. Then a denial (or an accepted risk) is remembered so that it sticks, and only
 * then the run's resource lock is given back: an event arriving after the release already sees the decision.
 */
export async function recordRemediation(
  state: RemediationState,
  deps: RecordDeps = {
    dynamodb, events, tableName: requireEnv('AUDIT_TABLE'), busName: requireEnv('EVENT_BUS_NAME'),
    // The brakes table's client loads on a held run's first Record only (Powertools Metrics: on the first emit).
    listHeld: async (e) => (await brakesTableOfEnv()).putHeld(e), metrics: emit,
    ...(process.env.FINDINGS_TABLE ? { findings: findingsOfEnv } : {}),
    securityhub: securityhubClient,
  },
) {
  const record = toRecord(state);
  // The Security Hub finding first, so its result is part of the record; a refusal is recorded, never thrown.
  // Its code and the Security Hub client load only for a run that has a finding to tell.
  const told = record.securityHub ? await (await import('../audit/securityhub')).writeBackEnd(record, { securityhub: deps.securityhub ?? securityhubClient }) : undefined;
  if (told) record.securityHubUpdates = [...(record.securityHubUpdates ?? []), told];
  const result = await recordAudit(record, { dynamodb: deps.dynamodb(), events: deps.events(), tableName: deps.tableName, busName: deps.busName });
  const held = heldEntry(record);
  if (held) await deps.listHeld(held);
  if (result.stored) await deps.metrics(recordPoints(record));
  const sticky = stickyDecisionOf(record, state.policy);
  if ((sticky || record.lock) && deps.findings) {
    const stores = await deps.findings();
    if (sticky) {
      await stores.decisions.remember(sticky);
      logger.info('decision sticks', { id: record.id, decision: sticky.decision, control: sticky.control, resource: sticky.resource.id, until: sticky.until });
    }
    if (record.lock) await stores.locks.release(record.lock, record.id);
  }
  logger.info('recorded', { id: record.id, outcome: record.outcome, durationMs: record.durationMs, ...result });
  return { outcome: record.outcome, ...result };
}

/** SecurityHubNotified's input: the run's state, just before its approval request. */
export interface SecurityHubStep { securityHub: 'approval-requested'; state: RemediationState }

const isSecurityHubStep = (input: RemediationState | SecurityHubStep): input is SecurityHubStep => 'securityHub' in input && 'state' in input;

/**
 * Record (and RecordFailure): the audit record, with the Security Hub write-back of the run's end. SecurityHubNotified:
 * the Security Hub finding of a run about to ask for an approval is marked NOTIFIED; never throws.
 */
export const handler = lambda(async (input: RemediationState | SecurityHubStep): Promise<unknown> =>
  (isSecurityHubStep(input) ? (await (await import('../audit/securityhub')).writeBackApproval(input.state, { securityhub: securityhubClient })) ?? null : recordRemediation(input)));
