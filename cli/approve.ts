import { Command } from 'commander';
import { arnIsApprover, normalizeCallerArn } from '../functions/approvals/approvers';
import { resolveApproval, type DecidePorts, type Outcome } from '../functions/approvals/decide';
import { isApprovalId } from '../functions/approvals/interaction';
import type { ApprovalRecord } from '../functions/approvals/model';
import { dynamoApprovalStore, sfnTaskCallbacks } from '../functions/approvals/ports';
import { dynamodb } from '../functions/aws/clients/dynamodb';
import { sfn } from '../functions/aws/clients/sfn';
import { act, exitCodesHelp, runProgram, UsageError } from './program';

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

/** `warden approve <id>` and `warden deny <id> --reason`; `deps` is built only once the arguments are good. */
export function makeApproveCommands(deps: () => ApproveDeps): Command[] {
  const make = (name: 'approve' | 'deny') => {
    const cmd = new Command(name)
      .summary(`${name} a pending approval`)
      .description(`${name} a pending approval with your AWS credentials (same checks and audit trail as Slack): you must be listed in the request's approvers (IAM ARNs; an assumed-role session counts as its role)`)
      .argument('<approval-id>', 'the approval id (in the Slack message and the audit record)')
      .option('--reason <text>', `why${name === 'deny' ? ' (required)' : ''}`)
      .addHelpText('after', `\nEnv: APPROVALS_TABLE (the approvals table), AWS credentials and region as usual.${exitCodesHelp('0 decided, 1 refused (unknown, not an approver, already decided, expired) or the workflow not resumed, 2 usage error')}`);
    return act(cmd, (id: string, o: { reason?: string }) => decide(name, id, o.reason, deps));
  };
  return [make('approve'), make('deny')];
}

/** `warden approve <id> [--reason]` / `warden deny <id> --reason`; args start with the command name. Usage errors: 2. */
export async function approveCommand(args: string[], deps: ApproveDeps): Promise<number> {
  const root = new Command('warden');
  for (const cmd of makeApproveCommands(() => deps)) root.addCommand(cmd);
  return runProgram(root, args, { out: deps.out ?? process.stdout, err: deps.err ?? process.stderr });
}

async function decide(command: 'approve' | 'deny', id: string, reasonText: string | undefined, makeDeps: () => ApproveDeps): Promise<number> {
  if (!isApprovalId(id)) throw new UsageError(`not an approval id: ${id.slice(0, 80)}`);
  const reason = reasonText?.trim();
  if (command === 'deny' && !reason) throw new UsageError('deny needs --reason');
  const deps = makeDeps();
  const out = deps.out ?? process.stdout;
  const err = deps.err ?? process.stderr;
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
