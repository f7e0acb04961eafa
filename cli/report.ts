import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { resetClients } from '../functions/aws/client-cache';
import { dynamodb } from '../functions/aws/clients/dynamodb';
import { useEmulator } from '../local/moto';
import { LOCAL_AUDIT_TABLE, auditTableName, type Writer } from './audit';
import { UsageError } from './evaluate';
import { uplotAssets } from './report/assets';
import { loadAudit, loadPendingApprovals } from './report/data';
import { reportHtml, type ReportAssets } from './report/html';
import type { PendingApproval, ReportData, ScanFinding } from './report/stats';

/** The approvals table locally (startLocalWarden's default prefix). */
export const LOCAL_APPROVALS_TABLE = 'warden-approvals';

export const REPORT_USAGE = `usage: warden report [--out FILE] [--since DAYS] [--table NAME] [--approvals-table NAME] [--endpoint URL]
                    [--scan FILE] [--max-days N]

  report   write one self-contained HTML page (charts inlined, nothing fetched when it is opened) from the audit
           table: fixes per day by outcome, time to fix by control (median, p95), open approvals, exemptions
           ending within 14 days, the slowest and the failed runs with their timelines
    --out              the page to write (default warden-report.html)
    --since            the runs that finished in the last DAYS days (default 30)
    --table            the audit table (default: env AUDIT_TABLE, the stack's AuditTableName output)
    --approvals-table  the approvals table, for the open approvals (default: env APPROVALS_TABLE; without one the
                       page says it was not read)
    --endpoint         read from an emulator such as moto server (default tables there: ${LOCAL_AUDIT_TABLE},
                       ${LOCAL_APPROVALS_TABLE})
    --scan             also show a scan's findings by control and severity (the output of warden scan --json)
    --max-days         the policy's exemptions.maxDays, for exemptions seen without a run since (default 90)

exit codes: 0 written, 1 failed (a table or the scan file could not be read, the page not written), 2 usage error`;

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

function parse(args: string[]) {
  try {
    return parseArgs({
      args, allowPositionals: false,
      options: {
        out: { type: 'string' }, since: { type: 'string' }, table: { type: 'string' }, 'approvals-table': { type: 'string' },
        endpoint: { type: 'string' }, scan: { type: 'string' }, 'max-days': { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

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

/** `warden report …`; args start after `report`. */
export async function reportCommand(args: string[], deps: ReportDeps): Promise<number> {
  try {
    return await report(args, deps);
  } catch (e) {
    if (e instanceof UsageError) {
      deps.err.write(`warden: ${e.message}\n\n${REPORT_USAGE}\n`);
      return 2;
    }
    deps.err.write(`warden: report failed: ${((e as Error).message ?? String(e)).split('\n')[0]}\n`);
    return 1;
  }
}

async function report(args: string[], deps: ReportDeps): Promise<number> {
  const v = parse(args);
  if (v.help) {
    deps.out.write(`${REPORT_USAGE}\n`);
    return 0;
  }
  const env = deps.env ?? process.env;
  const days = wholeDays('--since', v.since, 30);
  const maxDays = wholeDays('--max-days', v['max-days'], 90);
  const out = v.out?.trim() || 'warden-report.html';
  const endpoint = v.endpoint?.trim() || undefined;
  const table = auditTableName({ ...(v.table ? { table: v.table } : {}), ...(endpoint ? { endpoint } : {}) }, env);
  const approvalsTable = v['approvals-table']?.trim() || env.APPROVALS_TABLE?.trim() || (endpoint ? LOCAL_APPROVALS_TABLE : '');
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
