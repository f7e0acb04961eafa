// Real runs for `warden report` on a local Warden (moto): fixes, a dry run, a failure, an approved fix, an approval
// left pending, and an exemption ending soon. Used by the report's integration test and `npm run report:screenshot`.
import { setTimeout as sleep } from 'node:timers/promises';
import { resolveApproval } from '../functions/approvals/decide';
import { approvalIdsOfRun } from '../functions/approvals/expire';
import { dynamoApprovalStore } from '../functions/approvals/ports';
import { getApproval } from '../functions/approvals/store';
import { onEveryClient } from '../functions/aws/client-cache';
import { clients } from '../functions/aws/clients';
import type { PolicyInput } from '../functions/domain/policy';
import { allow, createGroup, createVpc, tcp } from './sandbox';
import type { LocalRun } from './state-machine';
import type { LocalExecution, LocalWarden } from './warden-local';

/** The policy of the scene: groups of the `web` team need an approval; everything else is fixed at once. */
export const REPORT_SCENE_POLICY: PolicyInput = { environments: { tag: 'Owner', modes: { web: 'approval' } } };
const RESPONDER = 'arn:aws:iam::123456789012:user/responder';

export interface ReportScene {
  fixed: string[];
  dryRun: string;
  failed: string;
  approved: string;
  /** The run waiting for a decision, and its approval id (pending in the approvals table). */
  pending: { run: string; approvalId: string };
  exempt: { run: string; group: string; until: string };
  /** Deny the pending approval so that its run ends (nothing waits once the caller is done). */
  finish(): Promise<void>;
}

async function openGroup(name: string, tags: Record<string, string>): Promise<string> {
  const group = await createGroup(await createVpc(), name, tags);
  await allow(group, tcp(22, '0.0.0.0/0'));
  return group;
}

/** The approval request of run `e` and its token, once its Task waits (polled: the request is posted first). */
async function waitingToken(w: LocalWarden, e: LocalExecution): Promise<{ approvalId: string; token: string }> {
  const run = e.name;
  let ended: LocalRun | undefined;
  void e.done.then((r) => (ended = r));
  const store = { dynamodb: clients.dynamodb(), tableName: w.resources.approvalsTable };
  for (let i = 0; i < 500; i++) {
    if (ended) throw new Error(`${run} ended without waiting for an approval: ${ended.path.join(' > ')}${ended.failed ? ` (${ended.failed.error}: ${ended.failed.cause})` : ''}`);
    const [approvalId] = await approvalIdsOfRun(run, store);
    const token = approvalId ? (await getApproval(approvalId, store))?.taskToken : undefined;
    if (approvalId && token && w.tokens.waiting().includes(token)) return { approvalId, token };
    await sleep(20);
  }
  throw new Error(`no approval request for ${run}`);
}

/** Decide as `warden approve` / `warden deny` do: the approvals table first (once), then the waiting Task. */
async function decide(w: LocalWarden, approvalId: string, approve: boolean, actor: string, reason?: string): Promise<void> {
  const store = dynamoApprovalStore({ dynamodb: clients.dynamodb(), tableName: w.resources.approvalsTable });
  const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const outcome = await resolveApproval(
    { approvalId, approve, actor, via: 'cli', ...(reason ? { reason } : {}), authorize: async () => true },
    { store, callbacks: w.tokens.callbacks, now: Date.now, log },
  );
  if (outcome.kind !== 'decided' || !outcome.resumed) throw new Error(`approval ${approvalId} could not be decided: ${outcome.kind}`);
}

/**
 * An account refusing one change, as a service control policy would: RevokeSecurityGroupIngress on `group` fails with
 * UnauthorizedOperation (an SDK middleware: moto has no SCPs). Returns the undo.
 */
function refuseRevokeOn(group: string): () => void {
  return onEveryClient({
    applyToStack(stack) {
      (stack as { add(mw: unknown, opts: unknown): void }).add(
        (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: { input?: { GroupId?: string } }) => {
          if (context.commandName === 'RevokeSecurityGroupIngressCommand' && args.input?.GroupId === group) {
            throw Object.assign(new Error('You are not authorized to perform this operation. Explicit deny in a service control policy.'), {
              name: 'UnauthorizedOperation', $fault: 'client', $metadata: { httpStatusCode: 403 },
            });
          }
          return next(args);
        },
        { step: 'finalizeRequest', name: 'reportSceneScp', override: true },
      );
    },
  });
}

/** Run the scene on `w` (started with REPORT_SCENE_POLICY). `now` dates the exemption (default: the real time). */
export async function seedReportScene(w: LocalWarden, now: Date = new Date()): Promise<ReportScene> {
  const hand = (target: string, more: Record<string, unknown> = {}) => w.runbook('revoke-open-ingress', { target, requestedBy: RESPONDER, ...more });
  const fixed: string[] = [];
  for (const name of ['payments-ssh', 'batch-ssh', 'reports-ssh']) {
    const e = hand(await openGroup(name, { Owner: 'payments' }), { reason: `IR-${fixed.length + 7}` });
    await e.done;
    fixed.push(e.name);
  }
  const dry = hand(await openGroup('staging-ssh', { Owner: 'staging' }), { dryRun: true });
  await dry.done;

  const refused = await openGroup('legacy-admin', { Owner: 'legacy' });
  const undo = refuseRevokeOn(refused);
  const failed = hand(refused);
  try {
    await failed.done;
  } finally {
    undo();
  }

  const approved = hand(await openGroup('web-ssh', { Owner: 'web' }));
  await decide(w, (await waitingToken(w, approved)).approvalId, true, 'arn:aws:iam::123456789012:user/lead');
  await approved.done;

  const until = new Date(now.getTime() + 10 * 86_400_000).toISOString().slice(0, 10);
  const exemptGroup = await openGroup('vendor-sftp', { Owner: 'partners', 'warden:exempt-until': until, 'warden:exempt-reason': 'CHG-2291', 'warden:exempt-by': 'alice' });
  const exempt = hand(exemptGroup);
  await exempt.done;

  const waiting = hand(await openGroup('web-admin', { Owner: 'web' }));
  const pending = await waitingToken(w, waiting);
  return {
    fixed, dryRun: dry.name, failed: failed.name, approved: approved.name,
    pending: { run: waiting.name, approvalId: pending.approvalId },
    exempt: { run: exempt.name, group: exemptGroup, until },
    async finish() {
      await decide(w, pending.approvalId, false, 'arn:aws:iam::123456789012:user/lead', 'the scene is over');
      await waiting.done;
    },
  };
}
