import { parseArgs } from 'node:util';
import { arnIsApprover, normalizeCallerArn } from '../functions/approvals/approvers';
import { resolveApproval, type DecidePorts, type Outcome } from '../functions/approvals/decide';
import { isApprovalId } from '../functions/approvals/interaction';
import type { ApprovalRecord } from '../functions/approvals/model';
import { dynamoApprovalStore, sfnTaskCallbacks } from '../functions/approvals/ports';
import { dynamodb } from '../functions/aws/clients/dynamodb';
import { sfn } from '../functions/aws/clients/sfn';
import { UsageError } from './evaluate';

export const APPROVE_USAGE = `usage: warden approve <approval-id> [--reason TEXT]
       warden deny <approval-id> --reason TEXT

  approve/deny   decide a pending approval with your AWS credentials (same checks and audit trail as Slack):
                 you must be listed in the request's approvers (IAM ARNs; an assumed-role session counts as its role)
    --reason     why (required for deny)

  env: APPROVALS_TABLE (the approvals table), AWS credentials and region as usual

exit codes: 0 decided, 1 refused (unknown, not an approver, already decided, expired) or the workflow not resumed, 2 usage error`;

export interface ApproveDeps {
  ports: DecidePorts;
  /** The caller's ARN (STS GetCallerIdentity). */
  identity: () => Promise<string>;
  /** Optional: update the posted Slack message (chat.update) after a CLI decision. */
  announce?: (record: ApprovalRecord, outcome: 'approved' | 'denied') => Promise<void>;
  out?: { write(s: string): unknown };
  err?: { write(s: string): unknown };
}

const CLI_CALL_TIMEOUT_MS = 10_000;
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The real ports: the approvals table (env APPROVALS_TABLE) and Step Functions, through the usual AWS credentials. */
export function awsApproveDeps(identity: () => Promise<string>, env: NodeJS.ProcessEnv = process.env): ApproveDeps {
  const tableName = env.APPROVALS_TABLE?.trim();
  if (!tableName) throw new UsageError('set APPROVALS_TABLE to the approvals table name (a stack output)');
  return {
    ports: { store: dynamoApprovalStore({ dynamodb: dynamodb(), tableName }), callbacks: sfnTaskCallbacks(sfn), now: Date.now, log: quiet },
    identity,
  };
}

/** `warden approve <id> [--reason]` / `warden deny <id> --reason`; args start with the command name. */
export async function approveCommand(args: string[], deps: ApproveDeps): Promise<number> {
  const out = deps.out ?? process.stdout;
  const err = deps.err ?? process.stderr;
  const usage = (msg: string) => {
    err.write(`warden: ${msg}\n\n${APPROVE_USAGE}\n`);
    return 2;
  };
  const [command, ...rest] = args;
  if (command !== 'approve' && command !== 'deny') return usage(`unknown command: ${command ?? ''}`);
  let parsed;
  try {
    parsed = parseArgs({ args: rest, allowPositionals: true, options: { reason: { type: 'string' } } });
  } catch (e) {
    return usage((e as Error).message);
  }
  const [id, ...extra] = parsed.positionals;
  if (!id || extra.length) return usage(`${command} needs exactly one approval id`);
  if (!isApprovalId(id)) return usage(`not an approval id: ${id.slice(0, 80)}`);
  const reason = parsed.values.reason?.trim();
  if (command === 'deny' && !reason) return usage('deny needs --reason');

  const caller = (await deps.identity()).trim();
  if (!caller.startsWith('arn:')) {
    err.write('warden: could not determine your AWS identity (STS GetCallerIdentity)\n');
    return 1;
  }
  const outcome = await resolveApproval(
    {
      approvalId: id,
      approve: command === 'approve',
      actor: normalizeCallerArn(caller),
      via: 'cli',
      ...(reason ? { reason } : {}),
      authorize: async (record) => arnIsApprover(caller, record.approvers),
    },
    deps.ports,
    // A terminal is not held to Slack's 3 s: credentials and a cold connection may take longer.
    () => CLI_CALL_TIMEOUT_MS,
  );
  if (outcome.kind === 'decided' && deps.announce) {
    await deps.announce(outcome.record, outcome.decision).catch(() => err.write('warden: the Slack message was not updated\n'));
  }
  return report(outcome, id, normalizeCallerArn(caller), out, err);
}

function report(outcome: Outcome, id: string, who: string, out: { write(s: string): unknown }, err: { write(s: string): unknown }): number {
  switch (outcome.kind) {
    case 'decided':
      if (!outcome.resumed) {
        err.write(`warden: approval ${id} recorded as ${outcome.decision}, but the workflow could not be resumed (it may have timed out)\n`);
        return 1;
      }
      out.write(`approval ${id} ${outcome.decision} by ${who} at ${outcome.record.decidedAt}: ${outcome.decision === 'approved' ? 'the fix is applied now' : 'nothing will be changed'}\n`);
      return 0;
    case 'expired':
      err.write(`warden: approval ${id} has expired\n`);
      return 1;
    case 'refused': {
      const text = {
        unknown: `no approval ${id}`,
        forbidden: `${who} is not an approver for ${id}`,
        'already-decided': `approval ${id} was already ${outcome.record?.status ?? 'decided'}${outcome.record?.decidedBy ? ` by ${outcome.record.decidedBy}` : ''}`,
      }[outcome.why];
      err.write(`warden: ${text}\n`);
      return 1;
    }
  }
}
