import type { Context } from 'aws-lambda';
import type { ActionClients } from '../aws/action-clients';
import { WardenError } from '../aws/errors';
import type { ExecutionStarter } from '../aws/executions';
import type { DecisionMemory } from '../domain/decisions';
import { fixesOf, startFix, type FixOrigin, type FixPorts } from '../domain/fixes';
import type { ResourceLocks } from '../domain/locks';
import type { ExemptionSightings } from '../domain/policy/exemption';
import type { VersionedPolicy } from '../domain/policy/version';
import type { ScanGap } from '../domain/scan';
import { refusal, type AccountScope, type Where } from '../domain/accounts';
import { accountScopeOf } from '../runtime/accounts';
import { GAPS_LISTED, NO_COUNTS, SWEEP_RESOURCE_TYPES, type SweepItem, type SweepItemResult } from '../domain/sweep';
import { deployedPolicy } from '../runtime/deployed-policy';
import { requireEnv } from '../runtime/env';
import { lambda } from '../runtime/lambda';
import { logger } from '../runtime/logger';
import { auditSightings } from '../runtime/sightings';
import { findingsStores } from '../runtime/findings-stores';
import { emit, findingPoints, type MetricSink } from '../runtime/metrics';
import type { MetricPoint } from '../runtime/metric-catalog';

/** The input's schema: zod loads on the first invocation, not at init. */
const inputSchema = async () => {
  const { z } = await import('zod');
  return z.object({
    sweepId: z.string().min(1),
    startedAt: z.string().min(1),
    item: z.object({ account: z.string().regex(/^\d{12}$/), region: z.string().min(1), resourceType: z.enum(SWEEP_RESOURCE_TYPES) }).strict(),
  });
};

export interface SweepItemDeps {
  policy: () => VersionedPolicy | Promise<VersionedPolicy>;
  /** The clients of a Region (default: regionClients, with adaptive retries for a whole Region's reads). */
  clientsFor: (region: string) => ActionClients | Promise<ActionClients>;
  /** Triage's starter: the remediate workflow. */
  starter: ExecutionStarter;
  decisions?: DecisionMemory;
  locks?: ResourceLocks;
  sightings?: ExemptionSightings;
  now: () => Date;
  /** Warden's own Region: in its own account, only that Region's resources can be fixed by this deployment. */
  ownRegion: () => string;
  /** A hub deployment: its member accounts, read through their scan role (aws/account-clients.ts). */
  accounts?: { scope: AccountScope; clientsIn: (where: Where, sweepId: string) => Promise<ActionClients> };
  /** Where the item's metrics go (the findings whose runs it started): runtime/metrics.ts `emit`. */
  metrics?: MetricSink;
}

/** Why this deployment cannot sweep the item's account and Region, or undefined. */
function outOfReach(item: Where, own: string, deps: SweepItemDeps): string | undefined {
  if (item.account === own && item.region === deps.ownRegion()) return undefined;
  const scope = deps.accounts?.scope;
  // The organization's accounts were listed by the plan; the spoke role's trust is the organization's own check.
  if (!scope) return `this deployment sweeps account ${own} in ${deps.ownRegion()} only`;
  if (item.account !== scope.hub && scope.members === 'organization') return undefined;
  return refusal(scope, item);
}

/** The account of the function's own ARN. */
const accountOf = (context: Context): string => context.invokedFunctionArn.split(':')[4] ?? '';

/**
 * One sweep item (account × Region × resource type): the scan's inventory reader for that type, each resource decided
 * by the events' path, and each violation started as triage starts an event's (domain/fixes.ts): the same grouping,
 * the run named from the sweep id, decisions that stick, the resource's lock, the same starter, so the breaker and
 * the modes apply unchanged in the run. A read that fails, a fix that cannot start, an item this deployment cannot
 * act on: gaps, never an error (one item's trouble never fails the sweep).
 */
export function createSweepItem(deps: SweepItemDeps) {
  return async (raw: unknown, context: Context): Promise<SweepItemResult> => {
    const parsed = (await inputSchema()).safeParse(raw);
    if (!parsed.success) throw new WardenError('Warden.InvalidInput', `sweep item: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const { sweepId, item } = parsed.data;
    const gaps: ScanGap[] = [];
    const result = (counts: Partial<SweepItemResult> = {}): SweepItemResult => {
      const out: SweepItemResult = { item: item as SweepItem, ...NO_COUNTS, ...counts, gaps: gaps.slice(0, GAPS_LISTED), gapCount: gaps.length };
      logger.info('sweep item', { sweepId, ...item, ...counts, gaps: gaps.length });
      return out;
    };
    const why = outOfReach(item, accountOf(context), deps);
    if (why) {
      gaps.push({ region: item.region, service: 'warden', what: `${item.resourceType} of account ${item.account}`, error: why });
      return result();
    }

    const { policy, version } = await deps.policy();
    const now = deps.now();
    // The scan's readers and their SDK clients load with the first item, not at init.
    const { decideInventory, errorText, readInventory, readerFor } = await import('../aws/scan-account');
    let clients: ActionClients;
    try {
      clients = item.account === accountOf(context) || !deps.accounts ? await deps.clientsFor(item.region) : await deps.accounts.clientsIn(item, sweepId);
    } catch (err) {
      gaps.push({ region: item.region, service: 'sts', what: `${item.resourceType} of account ${item.account}`, error: errorText(err) });
      return result();
    }
    const read = await readInventory(item.region, [readerFor(item.resourceType as SweepItem['resourceType'])], clients);
    gaps.push(...read.gaps);
    const decided = await decideInventory(item.region, read.resources, { policy, now, ...(deps.sightings ? { sightings: deps.sightings } : {}) }, clients);
    gaps.push(...decided.gaps);

    const origin: FixOrigin = { kind: 'sweep', id: sweepId, source: 'sweep', eventName: 'Sweep', eventTime: parsed.data.startedAt };
    const ports: FixPorts = {
      starter: deps.starter, now, policy, ...(version ? { policyVersion: version } : {}),
      ...(deps.decisions ? { decisions: deps.decisions } : {}), ...(deps.locks ? { locks: deps.locks } : {}),
    };
    const counts = { ...NO_COUNTS, resources: read.resources.length };
    const points: MetricPoint[] = [];
    for (const v of decided.violations) {
      counts.findings += v.findings.length;
      for (const fix of fixesOf(v.findings)) {
        const f = fix.finding;
        try {
          const done = await startFix(fix, origin, ports);
          const about = { sweepId, name: done.name, control: f.control, resource: f.resource.id, targets: f.remediation.targets };
          if (done.kind === 'started') {
            counts[done.duplicate ? 'duplicates' : 'runsStarted']++;
            if (!done.duplicate) points.push(...findingPoints(f, 'sweep'));
            logger.info('remediation started', { ...about, mode: f.remediation.mode, duplicate: done.duplicate });
          } else {
            // A sweep is never deferred: what a lock holds now, the next sweep looks at again.
            counts[done.kind === 'suppressed' ? 'suppressed' : 'locked']++;
            logger.info(done.kind === 'suppressed' ? 'suppressed' : 'locked', { ...about, why: done.why });
          }
        } catch (err) {
          gaps.push({ region: item.region, service: 'states', what: `the run of ${f.control} on ${f.resource.id} (not started)`, error: errorText(err) });
        }
      }
    }
    await deps.metrics?.(points);
    return result(counts);
  };
}

/** Triage's starter, on the remediate workflow (STATE_MACHINE_ARN): a sweep never starts a runbook. */
const starter: ExecutionStarter = {
  async start(name, input) {
    const [{ sfnStarter }, { sfnStarts }] = await Promise.all([import('../aws/executions'), import('../aws/clients/sfn')]);
    return sfnStarter(sfnStarts, () => requireEnv('STATE_MACHINE_ARN')).start(name, input);
  },
};

/** A hub deployment's member accounts, read through their scan roles; nothing in a single-account one. */
export function sweepAccounts(scope = accountScopeOf()): Pick<SweepItemDeps, 'accounts'> {
  if (!scope) return {};
  const clientsIn = async (where: Where, sweepId: string) => {
    const [accountClients, { regionClients, SCAN_SDK_CONFIG }] = await Promise.all([import('../aws/account-clients'), import('../aws/region-clients')]);
    return accountClients.clientsIn(where, 'scan', `sweep-${sweepId}`, scope, regionClients(where.region), { base: SCAN_SDK_CONFIG });
  };
  return { accounts: { scope, clientsIn } };
}

export const handler = lambda(createSweepItem({
  ...sweepAccounts(),
  policy: () => deployedPolicy().current(),
  clientsFor: async (region) => (await import('../aws/region-clients')).regionClients(region),
  starter,
  ...findingsStores(() => requireEnv('FINDINGS_TABLE')),
  sightings: auditSightings(),
  now: () => new Date(),
  ownRegion: () => requireEnv('AWS_REGION'),
  metrics: emit,
}));
