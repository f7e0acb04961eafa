import { Command } from 'commander';
import { getAuditRecord } from '../functions/audit/get';
import { resetClients } from '../functions/aws/client-cache';
import { dynamodb } from '../functions/aws/clients/dynamodb';
import { versionText, type PolicyVersion } from '../functions/domain/policy/version';
import type { RemediationRecord } from '../functions/domain/remediation';
import { timelineLines } from '../functions/domain/runbooks/timeline';
import { actorText } from '../functions/notify/message';
import { useEmulator } from '../local/moto';
import { act, exitCodesHelp, parseCommand, UsageError, type Writer } from './program';

/** The audit table name locally (startLocalWarden's default prefix). */
export const LOCAL_AUDIT_TABLE = 'warden-audit';

export type { Writer } from './program';

/** One audit record by id, or undefined. */
export type AuditReader = (id: string) => Promise<RemediationRecord | undefined>;

/** The table to read: --table, else env AUDIT_TABLE, else (emulator only) the local default. */
export function auditTableName(opts: { table?: string; endpoint?: string }, env: NodeJS.ProcessEnv = process.env): string {
  const table = opts.table?.trim() || env.AUDIT_TABLE?.trim() || (opts.endpoint ? LOCAL_AUDIT_TABLE : '');
  if (!table) throw new UsageError('set AUDIT_TABLE to the audit table name (a stack output) or pass --table');
  return table;
}

/** GetItem on the audit table through the usual credentials, or on an emulator when `endpoint` is set. */
export function dynamoAuditReader(tableName: string, endpoint?: string): AuditReader {
  if (endpoint) {
    useEmulator(endpoint);
    resetClients();
  }
  return (id) => getAuditRecord(id, { dynamodb: dynamodb(), tableName });
}

const seconds = (ms: number) => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

function approvalLine(a: RemediationRecord['approval']): string {
  if (!a) return 'none';
  const who = a.decidedBy ? ` by ${a.decidedBy}` : '';
  const how = a.via ? ` via ${a.via}` : '';
  const when = a.decidedAt ? ` at ${a.decidedAt}` : '';
  const id = a.approvalId ? ` (approval ${a.approvalId})` : '';
  return `${a.decision}${who}${how}${when}${id}${a.escalated ? ', after escalation' : ''}${a.reason ? `: ${a.reason}` : ''}`;
}

/** "/warden/prod/policy v7 (sha256 1a2b3c4d5e6f)", and why it is not the latest when it is not. */
function policyLine(v: PolicyVersion): string {
  if (v.status === 'fail-closed') return `none valid: failed closed to dry-run (${v.problem ?? 'unknown problem'})`;
  return `${versionText(v)}${v.status === 'last-good' ? `, the last good version (${v.problem ?? 'the latest was refused'})` : ''}`;
}


/** A record for a terminal: a header, then the timeline (runbook) or plan / applied / verified (remediation). */
export function formatRecord(r: RemediationRecord): string {
  const res = r.finding.resource;
  const inProgress = r.outcome === 'in-progress';
  const header: [string, string][] = [
    ['id', r.id],
    r.runbook
      ? ['runbook', `${r.runbook.name}  target ${r.runbook.target}${r.runbook.dryRun ? '  (dry-run)' : ''}`]
      : ['control', `${r.finding.control}  ${r.finding.severity}  ${r.finding.title}`],
    ['resource', `${res.type} ${res.arn ?? res.id}  (account ${res.account}, ${res.region})`],
    ['outcome', inProgress ? 'in progress: the run has not finished' : r.outcome],
    ['mode', r.modeReasons?.length ? `${r.mode} (${r.modeReasons.join('; ')})` : r.mode],
    ...(r.exemption ? [['exemption', `${r.exemption.status}: ${r.exemption.why}`] as [string, string]] : []),
    ...(r.policyVersion ? [['policy', policyLine(r.policyVersion)] as [string, string]] : []),
    r.runbook
      ? ['started by', `${r.runbook.startedBy}${r.runbook.reason ? `: ${r.runbook.reason}` : ''}`]
      : ['actor', `${actorText(r)}  (${r.source} ${r.eventName} at ${r.eventTime})`],
    ['requested', r.requestedAt],
    ['finished', inProgress ? '-' : `${r.finishedAt}  (${seconds(r.durationMs)})`],
    ['approval', approvalLine(r.approval)],
  ];
  // A remediation started by hand (revoke-open-ingress): who asked and why, as Start wrote it.
  if (r.source === 'manual' && !r.runbook) header.push(['by hand', r.finding.evidence]);
  if (r.held) header.push(['held', `${r.held.why} (${r.held.stage === 'mode' ? 'at the mode step' : 'just before the change'}); start it again: warden breaker release ${r.id}`]);
  if (r.release) header.push(['released', `from ${r.release.of} by ${r.release.by} at ${r.release.at}${r.release.reason ? `: ${r.release.reason}` : ''}`]);
  if (r.owner || r.channel) header.push(['owner', [r.owner, r.channel].filter(Boolean).join('  ')]);
  if (r.error) header.push(['error', `${r.error.error}: ${r.error.cause}`]);
  if (r.securityHub) {
    const writes = (r.securityHubUpdates ?? []).map((u) => `${u.stage} ${u.workflow ?? 'note only'}: ${u.result}${u.imported ? ` (import: ${u.imported})` : ''}`);
    header.push(['security hub', `${r.securityHub.origin === 'warden' ? "Warden's own finding" : 'finding'} ${r.securityHub.id}${writes.length ? `; ${writes.join('; ')}` : ''}`]);
  }
  const width = Math.max(...header.map(([k]) => k.length));
  const lines = header.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
  if (r.runbook) {
    lines.push('', 'timeline:', ...timelineLines(r.runbook.timeline).map((l) => `  ${l}`));
  } else {
    lines.push('', 'plan:', ...(r.plan?.steps.length ? r.plan.steps.map((s) => `  - ${s}`) : ['  (no plan)']));
    lines.push(`applied:   ${r.applied?.length ? r.applied.join(', ') : 'nothing'}`);
    lines.push(`verified:  ${r.verified === undefined ? '-' : r.verified ? 'yes' : 'NO'}`);
  }
  return lines.join('\n');
}

export interface AuditDeps {
  /** The reader for a table (and an emulator endpoint, when given). */
  reader: (tableName: string, endpoint?: string) => AuditReader;
  env?: NodeJS.ProcessEnv;
  out: Writer;
  err: Writer;
}

const EXIT_CODES = exitCodesHelp('0 shown, 1 no such record or failed, 2 usage error');

interface ShowOptions { json?: true; table?: string; endpoint?: string }

/** `warden audit show <id>`. */
export function makeAuditCommand(deps: AuditDeps): Command {
  const audit = new Command('audit').description('read the audit trail: show one run').addHelpText('after', EXIT_CODES);
  const show = audit.command('show')
    .description("one remediation or runbook run by its id (the execution name): what, who, outcome, approval, then the runbook's timeline, or a remediation's plan, applied targets and verification")
    .argument('<id>', 'the audit id (the execution name)')
    .option('--json', 'print the audit record as stored')
    .option('--table <name>', "the audit table (default: env AUDIT_TABLE, the stack's AuditTableName output)")
    .option('--endpoint <url>', `read from an emulator such as moto server (default table there: ${LOCAL_AUDIT_TABLE})`)
    .addHelpText('after', EXIT_CODES);
  act(show, (id: string, o: ShowOptions) => showRecord(id, o, deps));
  return audit;
}

/** `warden audit show <id> [--json] [--table NAME] [--endpoint URL]`; args start after `audit`. */
export const auditCommand = (args: string[], deps: AuditDeps): Promise<number> => parseCommand(makeAuditCommand(deps), args, deps);

async function showRecord(id: string, opts: ShowOptions, deps: AuditDeps): Promise<number> {
  const { endpoint } = opts;
  const table = auditTableName(opts, deps.env);
  const read = deps.reader(table, endpoint);
  let record: RemediationRecord | undefined;
  try {
    record = await read(id);
  } catch (e) {
    if ((e as Error).name !== 'ResourceNotFoundException') throw e;
    deps.err.write(`warden: no audit table ${table}${endpoint ? ` at ${endpoint}` : ''}\n`);
    return 1;
  }
  if (!record) {
    deps.err.write(`warden: no audit record ${id}\n`);
    return 1;
  }
  deps.out.write(`${opts.json ? JSON.stringify(record, null, 2) : formatRecord(record)}\n`);
  return 0;
}
