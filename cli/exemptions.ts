import { Command } from 'commander';
import { resetClients } from '../functions/aws/client-cache';
import { clients } from '../functions/aws/clients';
import { dynamodb } from '../functions/aws/clients/dynamodb';
import { tagging } from '../functions/aws/clients/tagging';
import { dynamoExemptionSightings } from '../functions/aws/exemption-sightings';
import { resourcesTagged, type TaggedResource } from '../functions/aws/tagged-resources';
import { exemptionKeys, exemptionOf, type Exemption, type ExemptionSightings } from '../functions/domain/policy/exemption';
import type { Policy } from '../functions/domain/policy/schema';
import { useEmulator } from '../local/moto';
import { nowOption } from './evaluate';
import { act, exitCodesHelp, parseCommand, UsageError } from './program';
import { lookOf, PLAIN, renderTable, tones, type Look } from './table';

/** One listed exemption: the resource and the verdict on its tags. */
export interface ExemptionRow {
  type: string;
  id: string;
  arn: string;
  exemption: Exemption;
}

/** Where the rows come from: the policy, the resources carrying any exemption tag, and first sightings if known. */
export interface ExemptionSource {
  policy: Policy;
  find: (keys: string[]) => Promise<TaggedResource[]>;
  sightings?: ExemptionSightings;
}

export interface ExemptionsDeps {
  out: { write(s: string): unknown };
  err?: { write(s: string): unknown };
  /** The source for the parsed options. */
  source: (opts: { policy?: string; endpoint?: string; table?: string }) => ExemptionSource;
}

const UNITS: Record<string, number> = { d: 86_400_000, h: 3_600_000 };

/** `14d`, `36h` in milliseconds. */
export function durationMs(text: string): number {
  const m = /^(\d+)([dh])$/.exec(text.trim());
  if (!m) throw new UsageError(`--expiring-in ${text}: expected a number of days or hours (14d, 36h)`);
  return Number(m[1]) * UNITS[m[2]!]!;
}

/** The verdict on each resource, read-only (no sighting is recorded), optionally only those ending within `withinMs`. */
export async function exemptionRows(deps: ExemptionSource, now: Date, withinMs?: number): Promise<ExemptionRow[]> {
  const keys = exemptionKeys(deps.policy);
  const found = await deps.find([keys.until, keys.legacy]);
  const rows: ExemptionRow[] = [];
  for (const r of found) {
    const [, , , region = '', account = ''] = r.arn.split(':');
    const exemption = await exemptionOf(deps.policy, { type: r.type, id: r.id, account, region, tags: r.tags }, {
      now, ...(deps.sightings ? { sightings: deps.sightings } : {}), record: false,
    });
    if (!exemption) continue;
    if (withinMs !== undefined && !(exemption.status === 'active' && Date.parse(exemption.expiresAt ?? '') - now.getTime() <= withinMs)) continue;
    rows.push({ type: r.type, id: r.id, arn: r.arn, exemption });
  }
  return rows.sort((a, b) => (a.exemption.expiresAt ?? '').localeCompare(b.exemption.expiresAt ?? '') || a.id.localeCompare(b.id));
}

export function formatExemptions(rows: ExemptionRow[], look: Look = PLAIN): string {
  const table = renderTable(
    ['RESOURCE', 'TYPE', 'STATUS', 'ENDS', 'REASON', 'BY', 'WHY'],
    rows.map(({ id, type, exemption: e }) => [
      id, type.replace(/^AWS::/, ''), e.status, e.expiresAt ?? (e.legacy !== undefined && !e.until ? 'no expiry set' : ''),
      e.reason ?? '', e.by ?? '', e.why,
    ]),
    look, tones(look),
  );
  const count = (s: Exemption['status']) => rows.filter((r) => r.exemption.status === s).length;
  return [...table, '', `${rows.length} exemptions: ${count('active')} active, ${count('expired')} expired, ${count('invalid')} invalid`].join('\n');
}

interface ListOptions { expiringIn?: string; json?: true; policy?: string; table?: string; endpoint?: string; now?: string }

/** `warden exemptions list`. */
export function makeExemptionsCommand(deps: ExemptionsDeps): Command {
  const exitCodes = exitCodesHelp('0 listed (whatever was found), 1 failed, 2 usage error');
  const exemptions = new Command('exemptions').description('the exemptions Warden would honour, and their verdicts').addHelpText('after', exitCodes);
  const list = exemptions.command('list')
    .description('every exempted resource Warden watches in the Region (security groups and ECS resources through the Resource Groups Tagging API; ECR repositories and EKS clusters read directly), with its verdict: active until when, expired, or invalid and why; "no expiry set" for the pre-expiry tag')
    .option('--expiring-in <duration>', 'only exemptions in force that end within this time: 14d, 36h')
    .option('--json', 'print a JSON array')
    .option('--policy <file>', 'policy file (its exemptions.tag and exemptions.maxDays); default: the built-in policy')
    .option('--table <name>', 'the audit table, to read when Warden first saw each exemption (the cap counts from it); default: env AUDIT_TABLE; without one the cap counts from now, and the row says so')
    .option('--endpoint <url>', 'read from an emulator such as moto server')
    .option('--now <time>', 'judge as of this ISO date-time (default: now)')
    .addHelpText('after', exitCodes);
  act(list, async (o: ListOptions) => {
    const now = nowOption(o.now);
    const within = o.expiringIn === undefined ? undefined : durationMs(o.expiringIn);
    const { policy, endpoint, table } = o;
    const rows = await exemptionRows(deps.source({ ...(policy ? { policy } : {}), ...(endpoint ? { endpoint } : {}), ...(table ? { table } : {}) }), now, within);
    deps.out.write(`${o.json ? JSON.stringify(rows, null, 2) : formatExemptions(rows, lookOf(deps.out))}\n`);
    return 0;
  });
  return exemptions;
}

/** `warden exemptions list …` (args after `exemptions`). */
export const exemptionsCommand = (argv: string[], deps: ExemptionsDeps): Promise<number> =>
  parseCommand(makeExemptionsCommand(deps), argv, { out: deps.out, err: deps.err ?? process.stderr });

/** The AWS side: the usual credentials, or an emulator; first sightings from the audit table when one is named. */
export function awsExemptionFinder(opts: { endpoint?: string; table?: string }): Omit<ExemptionSource, 'policy'> {
  if (opts.endpoint) {
    useEmulator(opts.endpoint);
    resetClients();
  }
  const tableName = opts.table?.trim() || process.env.AUDIT_TABLE?.trim();
  return {
    find: (keys) => resourcesTagged({ tagging, ecr: clients.ecr, eks: clients.eks }, keys),
    ...(tableName ? { sightings: dynamoExemptionSightings({ dynamodb, tableName }) } : {}),
  };
}
