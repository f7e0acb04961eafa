import type { Context } from 'aws-lambda';
import { recordSweep } from '../audit/sweep';
import { dynamodb } from '../aws/clients/dynamodb';
import { events } from '../aws/clients/events';
import { WardenError } from '../aws/errors';
import { planSweep, summarizeSweep, type FailedSweepItem, type SweepItemResult, type SweepPlan, type SweepSummary } from '../domain/sweep';
import type { ScanGap } from '../domain/scan';
import { accountScopeOf } from '../runtime/accounts';
import { requireEnv } from '../runtime/env';
import { lambda } from '../runtime/lambda';
import { logger } from '../runtime/logger';

/**
 * The Sweep state machine's own steps (statemachines/sweep.asl.json): `plan` (PlanSweep: the items) and `summarize`
 * (Summarize: the summary item and its event). The item's work is SweepItemFunction's (handlers/sweep-item.ts).
 */

/** The input's schema: zod loads on the first invocation, not at init. */
const inputSchema = async () => {
  const { z } = await import('zod');
  const Plan = z.object({ step: z.literal('plan'), sweepId: z.string().min(1), startedAt: z.string().min(1) });
  const Summarize = z.object({
    step: z.literal('summarize'), sweepId: z.string().min(1), startedAt: z.string().min(1),
    state: z.object({
      plan: z.object({ result: z.unknown() }).optional(),
      results: z.array(z.unknown()).optional(),
      failure: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).optional(),
    }).passthrough(),
  });
  return z.discriminatedUnion('step', [Plan, Summarize]);
};

export interface SweepDeps {
  /** A hub deployment's member accounts, or a gap when they cannot be listed (the organization's). */
  members?: () => Promise<{ accounts: readonly string[]; gaps: ScanGap[] }>;
  /** SweepRegions, comma-separated (empty: Warden's own Region). */
  regions: () => string;
  ownRegion: () => string;
  now: () => Date;
  record: (s: SweepSummary) => Promise<unknown>;
}

/** The account of the function's own ARN (Warden's account). */
const accountOf = (context: Context): string => context.invokedFunctionArn.split(':')[4] ?? '';

export function createSweep(deps: SweepDeps) {
  return async (raw: unknown, context: Context): Promise<SweepPlan | SweepSummary> => {
    const parsed = (await inputSchema()).safeParse(raw);
    if (!parsed.success) throw new WardenError('Warden.InvalidInput', `sweep step: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const input = parsed.data;
    if (input.step === 'plan') {
      const members = deps.members ? await deps.members() : { accounts: [], gaps: [] };
      const plan = planSweep({
        sweepId: input.sweepId, startedAt: input.startedAt, account: accountOf(context), ownRegion: deps.ownRegion(), regions: deps.regions().split(','),
        members: members.accounts, memberGaps: members.gaps,
      });
      logger.info('sweep planned', { sweepId: plan.sweepId, items: plan.items.length, gaps: plan.gaps.length });
      return plan;
    }
    const summary = summarizeSweep({
      sweepId: input.sweepId, startedAt: input.startedAt, finishedAt: deps.now().toISOString(),
      ...(input.state.plan ? { plan: input.state.plan.result as SweepPlan } : {}),
      ...(input.state.results ? { results: input.state.results as (SweepItemResult | FailedSweepItem)[] } : {}),
      ...(input.state.failure ? { error: input.state.failure } : {}),
    });
    await deps.record(summary);
    const { gapList: _, ...counts } = summary;
    logger.info('sweep summarized', counts);
    return summary;
  };
}

/** The member accounts to sweep: the listed ones, or the organization's (read when the plan is made). */
async function memberAccounts(): Promise<{ accounts: readonly string[]; gaps: ScanGap[] }> {
  const scope = accountScopeOf();
  if (!scope) return { accounts: [], gaps: [] };
  if (scope.members !== 'organization') return { accounts: scope.members, gaps: [] };
  const accounts = await (await import('../aws/organization')).organizationAccounts()();
  return accounts
    ? { accounts: [...accounts], gaps: [] }
    : { accounts: [], gaps: [{ region: scope.hubRegion, service: 'organizations', what: "the organization's member accounts (not swept)", error: 'ListAccounts failed: is this the management account or a delegated administrator?' }] };
}

export const handler = lambda(createSweep({
  members: memberAccounts,
  regions: () => process.env.SWEEP_REGIONS ?? '', ownRegion: () => requireEnv('AWS_REGION'), now: () => new Date(),
  record: (s) => recordSweep(s, { dynamodb: dynamodb(), events: events(), tableName: requireEnv('AUDIT_TABLE'), busName: requireEnv('EVENT_BUS_NAME') }),
}));
