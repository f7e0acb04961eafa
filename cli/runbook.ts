import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { Command } from 'commander';
import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { resolveApproval } from '../functions/approvals/decide';
import { approvalIdsOfRun } from '../functions/approvals/expire';
import { dynamoApprovalStore } from '../functions/approvals/ports';
import { getApproval } from '../functions/approvals/store';
import { resetClients } from '../functions/aws/client-cache';
import { dynamodb } from '../functions/aws/clients/dynamodb';
import { sfn } from '../functions/aws/clients/sfn';
import { sts } from '../functions/aws/clients/sts';
import { startableByName, startables } from '../functions/domain/runbooks/catalog';
import type { LocalRun } from '../local/state-machine';
import { useEmulator } from '../local/moto';
import type { RemediationRecord } from '../functions/domain/remediation';
import type { HandStart, ReleaseStart } from '../functions/runbooks/start';
import { auditTableName, dynamoAuditReader, formatRecord, type AuditReader } from './audit';
import { act, exitCodesHelp, parseCommand, UsageError, type Writer } from './program';
import { lookOf, PLAIN, renderTable, type Look } from './table';

/** What `warden runbook run` needs from AWS. */
export interface AwsRunbookPorts {
  /** STS GetCallerIdentity's Arn. */
  callerArn(): Promise<string>;
  /** The SDK's configured region. */
  region(): Promise<string>;
  /** StartExecution; the execution ARN. */
  startExecution(stateMachineArn: string, name: string, input: string): Promise<string>;
  /** DescribeExecution: RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, … */
  describeExecution(executionArn: string): Promise<{ status: string; error?: string; cause?: string }>;
  auditReader(tableName: string): AuditReader;
}

/** What a local run (`--endpoint`) needs: a local Warden on the emulator. */
export interface LocalRunbookPorts {
  /** Start a runbook or hand entry with `{target, …}` (a hand start) or `{release, …}` (warden breaker release). */
  start(name: string, input: HandStart | ReleaseStart, executionName: string): { executionArn: string; done: Promise<LocalRun> };
  /** The id of the run's pending approval whose Task is waiting now, if any. */
  pendingApproval(auditId: string): Promise<string | undefined>;
  /** Approve or deny as a CLI decision; true when the run was resumed. */
  decide(approvalId: string, approve: boolean, by: string, reason?: string): Promise<boolean>;
  audit: AuditReader;
  user(): string;
}

export interface RunbookDeps {
  aws: () => AwsRunbookPorts;
  local: (endpoint: string) => Promise<LocalRunbookPorts>;
  env?: NodeJS.ProcessEnv;
  out: Writer;
  err: Writer;
  now?: () => Date;
  /** Six hex characters for the execution name. */
  suffix?: () => string;
  sleep?: (ms: number) => Promise<void>;
}

const POLL_MS = 2000;
const LOCAL_POLL_MS = 100;
const EXECUTION_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const names = () => startables.map((r) => r.name).join(', ');

/** `<runbook>-<yyyymmddThhmmss>-<6 hex>`: unique, sortable, and a valid execution name (≤ 80, [A-Za-z0-9-_]). */
export function executionName(runbook: string, now: Date, suffix: string): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').slice(0, 15);
  const name = `${runbook}-${stamp}-${suffix}`;
  if (!EXECUTION_NAME.test(name)) throw new Error(`not a valid execution name: ${name}`);
  return name;
}

/** arn:<partition>:states:<region>:<account>:stateMachine:<stack>-<state machine>, from the caller's ARN. */
export function stateMachineArn(callerArn: string, region: string, stack: string, stateMachine: string): string {
  const [prefix, partition, , , account] = callerArn.split(':');
  if (prefix !== 'arn' || !partition || !/^\d{12}$/.test(account ?? '')) throw new Error(`cannot read the account from the caller ARN ${callerArn}`);
  return `arn:${partition}:states:${region}:${account}:stateMachine:${stack}-${stateMachine}`;
}

/** The catalog as a table, or as JSON with the summaries. */
export function formatRunbookList(json: boolean, look: Look = PLAIN): string {
  if (json) return JSON.stringify(startables.map((r) => ({ name: r.name, title: r.title, approval: r.approval, target: r.target, summary: r.summary, stateMachine: r.stateMachine })), null, 2);
  // A hand start of a workflow says so: it is not a state machine of its own.
  const title = (r: (typeof startables)[number]) => (r.workflow ? `${r.title} (starts the ${r.workflow} workflow by hand)` : r.title);
  return renderTable(['NAME', 'APPROVAL', 'TARGET', 'TITLE'], startables.map((r) => [r.name, r.approval, r.target, title(r)]), look).join('\n');
}

interface RunValues {
  target?: string; dryRun?: true; reason?: string; wait?: true; timeout?: string; table?: string; stack?: string;
  stateMachineArn?: string; endpoint?: string; approveAs?: string;
}

const EXIT_CODES = exitCodesHelp('0 started (with --wait or --endpoint: the outcome is fixed and verified, already-fixed, dry-run or notified), 1 failed, denied, expired, held (the brakes: warden breaker status), not verified, not-found (the target does not exist), resource-gone or still running, 2 usage error');
const runbooksHelp = () => `\nRunbooks: ${names()} (warden runbook list).${EXIT_CODES}`;

/** `warden runbook list|run`. */
export function makeRunbookCommand(deps: RunbookDeps): Command {
  const runbook = new Command('runbook').description('list and start the incident runbooks').addHelpText('after', runbooksHelp());
  act(runbook.command('list')
    .description('the runbooks: name, approval, what --target names, title (--json adds the summary and the state machine)')
    .option('--json', 'print JSON')
    .addHelpText('after', runbooksHelp()), async (o: { json?: true }) => {
    deps.out.write(`${formatRunbookList(o.json === true, lookOf(deps.out))}\n`);
    return 0;
  });
  act(runbook.command('run')
    .description("start a runbook's state machine (<stack>-<name>; revoke-open-ingress: the remediation workflow's hand entry) with {target, dryRun, requestedBy, reason}; prints the execution ARN and the audit id for `warden audit show`")
    .argument('<name>', 'the runbook (see runbook list)')
    .option('--target <id>', 'what the runbook acts on: an id or ARN (see runbook list)')
    .option('--dry-run', 'plan and capture evidence only: every step that changes something is skipped')
    .option('--reason <text>', 'why, kept in the timeline and the audit record')
    .option('--wait', 'poll the execution every 2 s until it ends, then print its timeline')
    .option('--timeout <seconds>', 'how long --wait waits, in seconds (default 900)')
    .option('--table <name>', 'the audit table for --wait (default: env AUDIT_TABLE)')
    .option('--stack <name>', 'the stack name (default: env WARDEN_STACK, else warden)')
    .option('--state-machine-arn <arn>', 'start this state machine instead of the one above, in your account and region')
    .option('--endpoint <url>', 'run locally against an emulator such as moto server: the real handlers, the state machine in this process; prints the timeline and the outcome when the run ends')
    .option('--approve-as <name>', "(with --endpoint) approve the run's approval request as NAME, via cli; without it an approval-gated run is denied locally")
    .addHelpText('after', runbooksHelp()), (name: string, o: RunValues) => runRunbook(name, o, deps));
  return runbook;
}

/** `warden runbook list|run …`; args start after `runbook`. */
export const runbookCommand = (args: string[], deps: RunbookDeps): Promise<number> => parseCommand(makeRunbookCommand(deps), args, deps);

async function runRunbook(name: string, values: RunValues, deps: RunbookDeps): Promise<number> {
  const startable = startableByName(name);
  if (!startable) throw new UsageError(`unknown runbook ${name} (one of: ${names()})`);
  const target = values.target?.trim();
  if (!target) throw new UsageError(`runbook run ${name} needs --target (${startable.target})`);
  const reason = values.reason?.trim();
  const id = executionName(name, (deps.now ?? (() => new Date()))(), (deps.suffix ?? (() => randomBytes(3).toString('hex')))());
  const input = (requestedBy: string): HandStart => ({ target, dryRun: values.dryRun === true, requestedBy, ...(reason ? { reason } : {}) });
  if (values.endpoint) {
    if (values.stateMachineArn) throw new UsageError('--state-machine-arn is for runs on AWS, not with --endpoint');
    if (values.approveAs !== undefined && !values.approveAs.trim()) throw new UsageError('--approve-as needs a name');
    return runLocal(name, id, input, values.endpoint, values.approveAs?.trim(), deps);
  }
  if (values.approveAs !== undefined) throw new UsageError('--approve-as is for local runs (--endpoint); on AWS use warden approve <approval-id>');
  return runOnAws(name, startable.stateMachine, id, input, values, deps);
}

/**
 * Outcomes that mean "the run did what was asked": anything else exits 1 (denied, expired, failed, in progress, and
 * not-found: a mistyped target must never read as "contained").
 */
const DONE = new Set(['fixed', 'already-fixed', 'dry-run', 'notified']);
export const exitFor = (record: { outcome?: string; verified?: boolean } | undefined): number =>
  record?.outcome !== undefined && DONE.has(record.outcome) && record.verified !== false ? 0 : 1;

/** What a run whose target was not there looked for, on stderr: the id, and where. */
function sayNotFound(record: RemediationRecord | undefined, err: Writer): void {
  if (record?.outcome !== 'not-found' && record?.outcome !== 'resource-gone') return;
  const what = record.plan?.steps[0] ?? `${record.runbook?.target ?? record.finding.resource.id} not found`;
  err.write(`warden: ${record.outcome === 'not-found' ? 'not found' : 'gone'}: ${what}\n`);
}

async function runOnAws(name: string, stateMachine: string, id: string, input: (by: string) => HandStart, values: RunValues, deps: RunbookDeps): Promise<number> {
  const env = deps.env ?? process.env;
  const timeoutS = values.timeout === undefined ? 900 : Number(values.timeout);
  if (!Number.isFinite(timeoutS) || timeoutS <= 0) throw new UsageError('--timeout needs a positive number of seconds');
  const table = values.wait ? auditTableName({ ...(values.table ? { table: values.table } : {}) }, env) : undefined;
  const aws = deps.aws();
  const caller = (await aws.callerArn()).trim();
  if (!caller.startsWith('arn:')) {
    deps.err.write('warden: could not determine your AWS identity (STS GetCallerIdentity)\n');
    return 1;
  }
  const stack = values.stack?.trim() || env.WARDEN_STACK?.trim() || 'warden';
  const machine = values.stateMachineArn?.trim() || stateMachineArn(caller, await aws.region(), stack, stateMachine);
  const executionArn = await aws.startExecution(machine, id, JSON.stringify(input(caller)));
  deps.out.write(`started ${name}${values.dryRun ? ' (dry-run)' : ''}\n  execution  ${executionArn}\n  audit id   ${id}\nfollow with: warden audit show ${id}\n`);
  if (!table) return 0;

  const wait = deps.sleep ?? sleep;
  let status = await aws.describeExecution(executionArn);
  for (let waited = 0; status.status === 'RUNNING' && waited < timeoutS * 1000; waited += POLL_MS) {
    await wait(POLL_MS);
    status = await aws.describeExecution(executionArn);
  }
  if (status.status === 'RUNNING') {
    deps.err.write(`warden: ${id} is still running after ${timeoutS} s (waiting for an approval?): follow with warden audit show ${id}\n`);
    return 1;
  }
  deps.out.write(`\nexecution ${status.status}${status.error ? `: ${status.error}${status.cause ? `: ${status.cause}` : ''}` : ''}\n`);
  const record = await aws.auditReader(table)(id);
  deps.out.write(record ? `\n${formatRecord(record)}\n` : `no audit record ${id} in ${table}\n`);
  sayNotFound(record, deps.err);
  // A denied, expired or not-found run ends in the state machine's Succeeded state: the record's outcome decides.
  return status.status === 'SUCCEEDED' ? exitFor(record) : 1;
}

/**
 * Run `name` locally on the emulator at `endpoint` with `input` (given the local user), deciding its approval request
 * as `approveAs` (or denying it), then print its record; the exit code of its outcome.
 */
export async function runLocal(
  name: string, id: string, input: (by: string) => HandStart | ReleaseStart, endpoint: string, approveAs: string | undefined,
  deps: Pick<RunbookDeps, 'local' | 'out' | 'err'>,
): Promise<number> {
  const local = await deps.local(endpoint);
  const execution = local.start(name, input(`local:${local.user()}`), id);
  deps.out.write(`started ${name} locally on ${endpoint}\n  execution  ${execution.executionArn}\n  audit id   ${id}\n`);
  let run: LocalRun | undefined;
  let denied = false;
  const decided = new Set<string>();
  // An approval-gated run waits on a local task token: decide it here (once), so nothing hangs.
  while (!run) {
    const approvalId = await local.pendingApproval(id);
    if (approvalId && !decided.has(approvalId)) {
      decided.add(approvalId);
      if (approveAs) {
        const resumed = await local.decide(approvalId, true, approveAs);
        deps.out.write(`approval ${approvalId} approved by ${approveAs} (local)${resumed ? '' : ', but the run could not be resumed'}\n`);
      } else {
        deps.out.write('waiting for approval: pass --approve-as NAME to approve locally, or --dry-run\n');
        await local.decide(approvalId, false, `local:${local.user()}`, 'not approved: warden runbook run was started without --approve-as');
        deps.out.write(`approval ${approvalId} denied locally: the steps that need it are skipped\n`);
        denied = true;
      }
    }
    run = await Promise.race([execution.done, sleep(LOCAL_POLL_MS).then(() => undefined)]);
  }
  const record = await local.audit(id);
  if (record) deps.out.write(`\n${formatRecord(record)}\n`);
  else deps.out.write(`no audit record ${id}; states: ${run.path.join(' > ')}\n`);
  if (run.failed) deps.out.write(`\nrun failed: ${run.failed.error}: ${run.failed.cause}\n`);
  else deps.out.write(`\noutcome: ${record?.outcome ?? 'unknown'}\n`);
  sayNotFound(record, deps.err);
  deps.out.write(`show again with: warden audit show ${id} --endpoint ${endpoint}\n`);
  return run.failed || denied ? 1 : exitFor(record);
}

/** The real AWS edges: STS, Step Functions and the audit table, through the usual credentials and region. */
export function awsRunbookPorts(): AwsRunbookPorts {
  return {
    callerArn: async () => (await sts().send(new GetCallerIdentityCommand({}))).Arn ?? '',
    region: () => sfn().config.region(),
    startExecution: async (stateMachineArn, name, input) => {
      const out = await sfn().send(new StartExecutionCommand({ stateMachineArn, name, input }));
      return out.executionArn ?? '';
    },
    describeExecution: async (executionArn) => {
      const out = await sfn().send(new DescribeExecutionCommand({ executionArn }));
      return { status: out.status ?? 'UNKNOWN', ...(out.error ? { error: out.error } : {}), ...(out.cause ? { cause: out.cause } : {}) };
    },
    auditReader: (tableName) => dynamoAuditReader(tableName),
  };
}

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * A local Warden on the emulator at `endpoint` (template resources created, or reused when a previous run made them);
 * approvals are decided through its token broker with the same core as `warden approve`.
 */
export async function localRunbookPorts(endpoint: string): Promise<LocalRunbookPorts> {
  useEmulator(endpoint);
  resetClients();
  const { startLocalWarden } = await import('../local/warden-local');
  const w = await startLocalWarden({ reuse: true });
  const approvals = { dynamodb: dynamodb(), tableName: w.resources.approvalsTable };
  return {
    start: (name, input, executionName) => w.runbook(name, input, { executionName }),
    async pendingApproval(auditId) {
      const waiting = w.tokens.waiting();
      if (waiting.length === 0) return undefined;
      for (const approvalId of await approvalIdsOfRun(auditId, approvals)) {
        const r = await getApproval(approvalId, approvals);
        if (r?.status === 'pending' && waiting.includes(r.taskToken)) return approvalId;
      }
      return undefined;
    },
    async decide(approvalId, approve, by, reason) {
      const outcome = await resolveApproval(
        { approvalId, approve, actor: by, via: 'cli', ...(reason ? { reason } : {}), authorize: async () => true },
        { store: dynamoApprovalStore(approvals), callbacks: w.tokens.callbacks, now: Date.now, log: quiet },
      );
      return outcome.kind === 'decided' && outcome.resumed;
    },
    audit: dynamoAuditReader(w.resources.tableName),
    user: () => userInfo().username,
  };
}
