import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { Command } from 'commander';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { recordBrakeAction, type BrakeAction } from '../functions/audit/brakes';
import { brakesTable, type BrakesTable, type CounterEntry, type HeldEntry, type TripEntry } from '../functions/aws/brakes-table';
import { resetClients } from '../functions/aws/client-cache';
import { dynamodb } from '../functions/aws/clients/dynamodb';
import { sfn } from '../functions/aws/clients/sfn';
import { sts } from '../functions/aws/clients/sts';
import { windowAt, windowText } from '../functions/domain/brakes';
import { defaultPolicy, policyFrom, type Policy } from '../functions/domain/policy';
import { handStarts } from '../functions/domain/runbooks/catalog';
import type { ReleaseStart } from '../functions/runbooks/start';
import { useEmulator } from '../local/moto';
import { LOCAL_AUDIT_TABLE } from './audit';
import { act, exitCodesHelp, parseCommand, UsageError, type Writer } from './program';
import { parameterName, ssmPolicyStore } from './policy';
import { loadPolicy } from './policy-file';
import { executionName, localRunbookPorts, runLocal, stateMachineArn, type LocalRunbookPorts } from './runbook';

/** The brakes table's name locally (startLocalWarden's default prefix). */
export const LOCAL_BRAKES_TABLE = 'warden-brakes';

/** What the breaker commands need, on AWS or on an emulator. */
export interface BreakerPorts {
  table: Pick<BrakesTable, 'heldRuns' | 'current' | 'reset'>;
  /** Who asks: the caller's ARN (STS), or local:<user>. */
  caller(): Promise<string>;
  /** Write a brake action to the audit table; its item id. */
  audit(action: BrakeAction, suffix: string): Promise<string>;
  /** The deployed policy (its parameter's document), or why it could not be read. */
  deployedPolicy(parameter: string): Promise<Policy | { problem: string }>;
  /** Start a held run again as execution `id`; locally, run it to its end and say its exit code. */
  release(held: HeldEntry, input: (by: string) => ReleaseStart, id: string): Promise<{ executionArn?: string; exit: number }>;
}

export interface BreakerOptions { table: string; auditTable: string; stack: string; endpoint?: string; approveAs?: string }

export interface BreakerDeps {
  ports: (opts: BreakerOptions) => Promise<BreakerPorts>;
  env?: NodeJS.ProcessEnv;
  out: Writer;
  err: Writer;
  now?: () => Date;
  /** Six hex characters (execution names, audit ids). */
  suffix?: () => string;
}

/** What a released run starts: a runbook's own state machine, or for a remediation the remediate workflow's hand entry. */
export function releaseTarget(held: Pick<HeldEntry, 'workflow'>): string {
  if (held.workflow !== 'remediate') return held.workflow;
  const entry = handStarts.find((h) => h.workflow === 'remediate');
  if (!entry) throw new Error('the remediate workflow has no hand entry to release runs through');
  return entry.name;
}

/** The status as data (`--json`). */
export interface BreakerStatus {
  window: { start: string; end: string; minutes: number };
  limits: Policy['limits'];
  limitsFrom: string;
  paused?: boolean;
  counts: CounterEntry[];
  trips: TripEntry[];
  held: HeldEntry[];
}

/** The status for a terminal. */
export function formatStatus(s: BreakerStatus): string {
  const l = s.limits;
  const lines = [
    `window     ${windowText(s.window)} (to ${s.window.end.slice(11, 16)}Z)`,
    `limits     per account ${l.perAccount}, per control ${l.perControl}, total ${l.total}, containment ${l.containment} per ${l.windowMinutes} min  (${s.limitsFrom})`,
    ...(s.paused === undefined ? [] : [`paused     ${s.paused ? 'YES: nothing is changed (warden resume)' : 'no'}`]),
    '',
    'counts:',
    ...(s.counts.length ? s.counts.map((c) => `  ${c.scope.padEnd(40)} ${c.count}/${c.limit ?? '?'}${c.limit !== undefined && c.count >= c.limit ? '  FULL' : ''}`) : ['  (nothing spent in this window)']),
    'trips:',
    ...(s.trips.length ? s.trips.map((t) => `  ${t.scope} ${t.count}/${t.limit} at ${t.at}  (first held: ${t.firstRun})`) : ['  (none)']),
    `held runs (${s.held.length}):`,
    ...(s.held.length ? s.held.map((h) => `  ${h.runId}  ${h.reason}  held ${h.heldAt}\n    ${h.why}\n    ${h.control} on ${h.resource} (account ${h.account}); release starts ${releaseTarget(h)}`) : ['  (none)']),
  ];
  return lines.join('\n');
}

interface BreakerValues {
  json?: true; policy?: string; table?: string; auditTable?: string; endpoint?: string; all?: true; reason?: string; stack?: string;
  approveAs?: string; parameter?: string;
}

const EXIT_CODES = exitCodesHelp('0 done, 1 no such held run or a release refused or failed (locally: a released run that did not end fixed, already-fixed, dry-run or notified), 2 usage error');
const TABLE = "the brakes table (default: env BRAKES_TABLE, the stack's BrakesTableName output)";
const ENDPOINT = `an emulator such as moto server (tables there: ${LOCAL_BRAKES_TABLE}, ${LOCAL_AUDIT_TABLE})`;
const STACK = 'the stack name (default: env WARDEN_STACK, else warden)';

/** `warden breaker status|release|reset`. */
export function makeBreakerCommand(deps: BreakerDeps): Command {
  const breaker = new Command('breaker').description('the brakes: limits, trips and held runs').addHelpText('after', EXIT_CODES);
  act(breaker.command('status')
    .description('the limits, the counts of the current window, its trips, and the held runs waiting')
    .option('--json', 'print the status as JSON')
    .option('--policy <file>', 'read the limits and paused from this policy file; default: the deployed policy')
    .option('--parameter <name>', "the deployed policy's parameter (default: env WARDEN_POLICY_PARAMETER, else /warden/<stack>/policy)")
    .option('--stack <name>', STACK)
    .option('--table <name>', TABLE)
    .option('--endpoint <url>', ENDPOINT)
    .addHelpText('after', EXIT_CODES), (o: BreakerValues) => breakerRun('status', [], o, deps));
  act(breaker.command('release')
    .description(`start held runs again, as your decision: they spend no token (still held while paused). A remediation restarts through the remediate workflow's hand entry (<stack>-revoke-open-ingress), a runbook through its own state machine, from the live re-check; prints each new audit id`)
    .argument('[id]', 'the held run (its audit id); or --all')
    .option('--all', 'every held run')
    .option('--reason <text>', 'why, kept with the release')
    .option('--stack <name>', STACK)
    .option('--table <name>', TABLE)
    .option('--audit-table <name>', 'the audit table (default: env AUDIT_TABLE)')
    .option('--endpoint <url>', ENDPOINT)
    .option('--approve-as <name>', "(with --endpoint) approve a released run's approval request as NAME")
    .addHelpText('after', EXIT_CODES), (id: string | undefined, o: BreakerValues) => breakerRun('release', id === undefined ? [] : [id], o, deps));
  act(breaker.command('reset')
    .description("clear the current window's counts and trips (held runs stay held); recorded in the audit table (item brakes#reset#<time>#<hex>: who, when, what was cleared)")
    .option('--reason <text>', 'why, kept with the reset')
    .option('--table <name>', TABLE)
    .option('--audit-table <name>', 'the audit table (default: env AUDIT_TABLE)')
    .option('--endpoint <url>', ENDPOINT)
    .addHelpText('after', EXIT_CODES), (o: BreakerValues) => breakerRun('reset', [], o, deps));
  return breaker;
}

/** `warden breaker status|release|reset …`; args start after `breaker`. */
export const breakerCommand = (args: string[], deps: BreakerDeps): Promise<number> => parseCommand(makeBreakerCommand(deps), args, deps);

async function breakerRun(sub: 'status' | 'release' | 'reset', positionals: string[], values: BreakerValues, deps: BreakerDeps): Promise<number> {
  const env = deps.env ?? process.env;
  const now = (deps.now ?? (() => new Date()))();
  const suffix = deps.suffix ?? (() => randomBytes(3).toString('hex'));
  const endpoint = values.endpoint?.trim() || undefined;
  const table = values.table?.trim() || env.BRAKES_TABLE?.trim() || (endpoint ? LOCAL_BRAKES_TABLE : '');
  if (!table) throw new UsageError('set BRAKES_TABLE to the brakes table name (a stack output) or pass --table');
  const auditTable = values.auditTable?.trim() || env.AUDIT_TABLE?.trim() || (endpoint ? LOCAL_AUDIT_TABLE : '');
  const stack = values.stack?.trim() || env.WARDEN_STACK?.trim() || 'warden';
  const reason = values.reason?.trim() || undefined;
  if (values.approveAs !== undefined && (!endpoint || sub !== 'release')) throw new UsageError('--approve-as is for breaker release with --endpoint');

  if (sub === 'status') {
    const ports = await deps.ports({ table, auditTable, stack, ...(endpoint ? { endpoint } : {}) });
    const parameter = parameterName(values, env);
    const deployed = values.policy ? loadPolicy(values.policy) : await ports.deployedPolicy(parameter);
    const policy = 'problem' in deployed ? undefined : deployed;
    const { counters, trips } = await ports.table.current(now);
    const limits = (policy ?? defaultPolicy()).limits;
    const from = values.policy ? `policy ${values.policy}` : policy ? `deployed, ${parameter}` : `built-in defaults: ${(deployed as { problem: string }).problem}`;
    const status: BreakerStatus = {
      window: windowAt(now, limits.windowMinutes), limits, limitsFrom: from,
      ...(policy ? { paused: policy.paused } : {}), counts: counters, trips, held: (await ports.table.heldRuns()).filter((h) => h.status === 'held'),
    };
    deps.out.write(`${values.json ? JSON.stringify(status, null, 2) : formatStatus(status)}\n`);
    return 0;
  }

  if (sub === 'reset') {
    if (!auditTable) throw new UsageError('set AUDIT_TABLE to the audit table name (a stack output) or pass --audit-table: a reset is recorded there');
    const ports = await deps.ports({ table, auditTable, stack, ...(endpoint ? { endpoint } : {}) });
    const by = await ports.caller();
    const cleared = await ports.table.reset(now);
    const what = [...cleared.counters.map((c) => `${c.scope} ${c.count}/${c.limit ?? '?'}`), ...cleared.trips.map((t) => `trip ${t.scope}`)];
    const detail = what.length ? `cleared ${what.join(', ')}` : 'nothing to clear in this window';
    const id = await ports.audit({ action: 'reset', by, at: now.toISOString(), detail, ...(reason ? { reason } : {}) }, suffix());
    deps.out.write(`breaker reset by ${by}: ${detail}\nrecorded in the audit table as ${id}\nheld runs stay held: warden breaker release --all\n`);
    return 0;
  }

  // release
  const [id, ...extra] = positionals;
  if (values.all ? id !== undefined : !id || extra.length) throw new UsageError('breaker release needs --all or exactly one held run id');
  const ports = await deps.ports({ table, auditTable, stack, ...(endpoint ? { endpoint } : {}), ...(values.approveAs ? { approveAs: values.approveAs.trim() } : {}) });
  const all = await ports.table.heldRuns();
  const held = all.filter((h) => h.status === 'held');
  const chosen = values.all ? held : held.filter((h) => h.runId === id);
  if (!values.all && chosen.length === 0) {
    const released = all.find((h) => h.runId === id);
    deps.err.write(released ? `warden: ${id} is not held: released by ${released.releasedBy} as ${released.releasedAs}\n` : `warden: no held run ${id}\n`);
    return 1;
  }
  if (chosen.length === 0) {
    deps.out.write('no held runs\n');
    return 0;
  }
  let exit = 0;
  for (const h of chosen) {
    const runId = executionName('release', now, suffix());
    try {
      const started = await ports.release(h, (by) => ({ release: h.runId, requestedBy: by, ...(reason ? { reason } : {}) }), runId);
      deps.out.write(`released ${h.runId} as ${runId} (${releaseTarget(h)})${started.executionArn ? `\n  execution  ${started.executionArn}` : ''}\n`);
      exit = Math.max(exit, started.exit);
    } catch (e) {
      deps.err.write(`warden: ${h.runId} not released: ${(e as Error).message}\n`);
      exit = 1;
    }
  }
  if (!endpoint) deps.out.write('follow each with: warden audit show <id>\n');
  return exit;
}

/** The deployed policy document, validated; or why it is not there or not valid. */
async function readDeployed(parameter: string, opts: { endpoint?: string }): Promise<Policy | { problem: string }> {
  try {
    const found = await ssmPolicyStore(opts).get(parameter);
    if (!found) return { problem: `no parameter ${parameter}` };
    return policyFrom(found.text.trim() ? JSON.parse(found.text) : {});
  } catch (e) {
    return { problem: `${parameter}: ${(e as Error).message}` };
  }
}

/** The real edges: the brakes and audit tables, STS and Step Functions, through the usual credentials. */
export async function awsBreakerPorts(opts: BreakerOptions): Promise<BreakerPorts> {
  const caller = async () => (await sts().send(new GetCallerIdentityCommand({}))).Arn ?? '';
  return {
    table: brakesTable({ dynamodb, tableName: opts.table }),
    caller,
    audit: (action, suffix) => recordBrakeAction(action, { dynamodb: dynamodb(), tableName: opts.auditTable }, suffix),
    deployedPolicy: (parameter) => readDeployed(parameter, {}),
    async release(held, input, id) {
      const by = await caller();
      const machine = stateMachineArn(by, await sfn().config.region(), opts.stack, releaseTarget(held));
      const out = await sfn().send(new StartExecutionCommand({ stateMachineArn: machine, name: id, input: JSON.stringify(input(by)) }));
      return { executionArn: out.executionArn ?? '', exit: 0 };
    },
  };
}

/**
 * On an emulator: the tables there, and each released run run locally to its end by the real handlers, its record
 * printed to `io` (as `warden runbook run --endpoint` does).
 */
export async function localBreakerPorts(
  opts: BreakerOptions, io: { out: Writer; err: Writer }, local: (endpoint: string) => Promise<LocalRunbookPorts> = localRunbookPorts,
): Promise<BreakerPorts> {
  const endpoint = opts.endpoint!;
  useEmulator(endpoint);
  resetClients();
  let ports: LocalRunbookPorts | undefined;
  const warden = async () => (ports ??= await local(endpoint));
  return {
    table: brakesTable({ dynamodb, tableName: opts.table }),
    caller: async () => `local:${userInfo().username}`,
    audit: (action, suffix) => recordBrakeAction(action, { dynamodb: dynamodb(), tableName: opts.auditTable }, suffix),
    deployedPolicy: (parameter) => readDeployed(parameter, { endpoint }),
    release: async (held, input, id) => ({ exit: await runLocal(releaseTarget(held), id, input, endpoint, opts.approveAs, { local: warden, ...io }) }),
  };
}
