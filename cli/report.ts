import { readFileSync, writeFileSync } from 'node:fs';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { resetClients } from '../functions/aws/client-cache';
import { dynamodb } from '../functions/aws/clients/dynamodb';
import { useEmulator } from '../local/moto';
import { LOCAL_AUDIT_TABLE, auditTableName, type Writer } from './audit';
import { Command } from 'commander';
import { act, exitCodesHelp, runProgram, UsageError } from './program';
import { uplotAssets } from './report/assets';
import { loadAudit, loadPendingApprovals } from './report/data';
import { reportHtml, type ReportAssets } from './report/html';
import type { PendingApproval, ReportData, ScanFinding } from './report/stats';

/** The approvals table locally (startLocalWarden's default prefix). */
export const LOCAL_APPROVALS_TABLE = 'warden-approvals';

export interface ReportDeps {
  out: Writer;
  err: Writer;
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
  /** The DynamoDB client: through the usual credentials, or on the emulator at `endpoint`. */
  dynamodb?: (endpoint?: string) => DynamoDBClient;
  assets?: () => ReportAssets;
}

const awsDynamodb = (endpoint?: string): DynamoDBClient => {
  if (endpoint) {
    useEmulator(endpoint);
    resetClients();
  }
  return dynamodb();
};

const wholeDays = (flag: string, text: string | undefined, fallback: number): number => {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 3650) throw new UsageError(`${flag} needs a whole number of days from 1 to 3650, not ${JSON.stringify(text)}`);
  return n;
};

/** `warden scan --json`'s findings: its object ({findings, …}) or a bare array of findings. */
export function readScanFindings(text: string, file: string): ScanFinding[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file} is not JSON (${(e as Error).message})`);
  }
  const findings = Array.isArray(parsed) ? parsed : (parsed as { findings?: unknown } | null)?.findings;
  if (!Array.isArray(findings)) throw new Error(`${file} is not the output of warden scan --json: no findings array`);
  return findings.map((f: unknown, i) => {
    const x = f as Partial<ScanFinding> | null;
    if (typeof x?.control !== 'string' || typeof x.severity !== 'string') throw new Error(`${file}: finding ${i} has no control and severity`);
    return { control: x.control, severity: x.severity, ...(typeof x.resourceId === 'string' ? { resourceId: x.resourceId } : {}) };
  });
}

const hostOf = (endpoint: string): string => {
  try {
    return new URL(endpoint).host;
  } catch {
    return endpoint.replace(/^[a-z]+:\/\//i, '');
  }
};

const notFound = (e: unknown) => (e as Error).name === 'ResourceNotFoundException';

export interface ReportOptions {
  out?: string; since?: string; table?: string; approvalsTable?: string; endpoint?: string; scan?: string; maxDays?: string;
}

/** `warden report`. */
export function makeReportCommand(deps: ReportDeps): Command {
  const cmd = new Command('report')
    .description('write one self-contained HTML page (charts inlined, nothing fetched when it is opened) from the audit table: fixes per day by outcome, time to fix by control (median, p95), open approvals, exemptions ending within 14 days, the slowest and the failed runs with their timelines')
    .option('--out <file>', 'the page to write (default warden-report.html)')
    .option('--since <days>', 'the runs that finished in the last DAYS days (default 30)')
    .option('--table <name>', "the audit table (default: env AUDIT_TABLE, the stack's AuditTableName output)")
    .option('--approvals-table <name>', 'the approvals table, for the open approvals (default: env APPROVALS_TABLE; without one the page says it was not read)')
    .option('--endpoint <url>', `read from an emulator such as moto server (default tables there: ${LOCAL_AUDIT_TABLE}, ${LOCAL_APPROVALS_TABLE})`)
    .option('--scan <file>', 'also show a scan\'s findings by control and severity (the output of warden scan --json)')
    .option('--max-days <n>', "the policy's exemptions.maxDays, for exemptions seen without a run since (default 90)")
    .addHelpText('after', exitCodesHelp('0 written, 1 failed (a table or the scan file could not be read, the page not written), 2 usage error'));
  return act(cmd, async (o: ReportOptions) => {
    try {
      return await report(o, deps);
    } catch (e) {
      if (e instanceof UsageError) throw e;
      deps.err.write(`warden: report failed: ${((e as Error).message ?? String(e)).split('\n')[0]}\n`);
      return 1;
    }
  });
}

/** `warden report …` alone (tests): args start after `report`. */
export const reportCommand = (args: string[], deps: ReportDeps): Promise<number> => runProgram(makeReportCommand(deps), args, deps);

async function report(v: ReportOptions, deps: ReportDeps): Promise<number> {
  const env = deps.env ?? process.env;
  const days = wholeDays('--since', v.since, 30);
  const maxDays = wholeDays('--max-days', v.maxDays, 90);
  const out = v.out?.trim() || 'warden-report.html';
  const endpoint = v.endpoint?.trim() || undefined;
  const table = auditTableName({ ...(v.table ? { table: v.table } : {}), ...(endpoint ? { endpoint } : {}) }, env);
  const approvalsTable = v.approvalsTable?.trim() || env.APPROVALS_TABLE?.trim() || (endpoint ? LOCAL_APPROVALS_TABLE : '');
  // The scan first: a wrong file fails before any table is read.
  const scan = v.scan ? { file: v.scan, findings: readScanFindings(readFileSync(v.scan, 'utf8'), v.scan) } : undefined;

  const now = (deps.now ?? (() => new Date()))();
  const client = (deps.dynamodb ?? awsDynamodb)(endpoint);
  const since = new Date(now.getTime() - days * 86_400_000).toISOString();
  let audit;
  try {
    audit = await loadAudit(client, table, since);
  } catch (e) {
    if (notFound(e)) throw new Error(`no audit table ${table}${endpoint ? ` at ${endpoint}` : ''}`);
    throw e;
  }
  let approvals: PendingApproval[] | undefined;
  let approvalsNote: string | undefined;
  if (!approvalsTable) approvalsNote = 'Not read: no approvals table given (--approvals-table, or env APPROVALS_TABLE).';
  else {
    try {
      approvals = await loadPendingApprovals(client, approvalsTable);
    } catch (e) {
      if (!notFound(e)) throw e;
      approvalsNote = `Not read: there is no approvals table ${approvalsTable}.`;
      deps.err.write(`warden: no approvals table ${approvalsTable}: the page shows no open approvals\n`);
    }
  }
  const data: ReportData = {
    // The emulator by its host only: the page holds no URL.
    records: audit.records, sightings: audit.sightings, source: `the audit table ${table}${endpoint ? ` on the emulator at ${hostOf(endpoint)}` : ''}`,
    ...(approvals ? { approvals } : {}), ...(approvalsNote ? { approvalsNote } : {}), ...(scan ? { scan } : {}),
  };
  const html = reportHtml(data, { now, days, maxDays }, (deps.assets ?? uplotAssets)());
  writeFileSync(out, html);
  const runs = audit.records.filter((r) => r.outcome !== 'in-progress').length;
  deps.out.write(`wrote ${out}: ${runs} run(s) from ${table} in the last ${days} day(s)${approvals ? `, ${approvals.length} open approval(s)` : ''}${scan ? `, ${scan.findings.length} scan finding(s)` : ''}\n`);
  return 0;
}
