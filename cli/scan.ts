import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import type { ActionClients } from '../functions/aws/action-clients';
import { enabledRegions } from '../functions/aws/inventory/regions';
import { defaultRegion, regionClients } from '../functions/aws/region-clients';
import { errorText, scanAccount } from '../functions/aws/scan-account';
import { controls } from '../functions/domain/controls';
import type { Policy } from '../functions/domain/policy/schema';
import type { ScanResult } from '../functions/domain/scan';
import { useEmulator } from '../local/moto';
import { nowOption } from './evaluate';
import { didYouMean } from './policy-check';
import { act, exitCodesHelp, parseCommand, UsageError } from './program';
import { gapLines, scanHtml, scanJson, scanSarif, scanTable } from './scan-report';
import { lookOf } from './table';

export interface ScanCliDeps {
  out: { write(s: string): unknown };
  err: { write(s: string): unknown };
  policy: (file: string | undefined) => Policy;
  /** The SDK clients of a Region (default: regionClients). */
  clientsFor?: (region: string) => ActionClients;
  /** The Region asked for when none is given (default: the SDK's, from the environment and the profile). */
  defaultRegion?: () => Promise<string | undefined>;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** `--controls a,b`: known control ids only (a typo gets a did-you-mean). */
function controlIds(text: string): string[] {
  const ids = text.split(',').map((s) => s.trim()).filter(Boolean);
  const known = controls.map((c) => c.id);
  if (ids.length === 0) throw new UsageError('--controls needs at least one control id');
  for (const id of ids) {
    if (known.includes(id)) continue;
    const near = didYouMean(id, known);
    throw new UsageError(`--controls: no control ${JSON.stringify(id)}${near ? `; did you mean "${near}"?` : ''} (docs/controls.md lists them)`);
  }
  return ids;
}

/** The exit code: gaps first (an incomplete scan is never "nothing found"), then findings. */
export const scanExitCode = (r: ScanResult): number => (r.gaps.length ? 3 : r.findings.length ? 1 : 0);

interface ScanOptions {
  region: string[]; profile?: string; endpoint?: string; controls?: string; policy?: string; json?: true; sarif?: string; html?: string; now?: string;
}

/** `warden scan`. */
export function makeScanCommand(deps: ScanCliDeps): Command {
  const cmd = new Command('scan')
    .summary('read the account as it is now and decide each resource (read-only)')
    .description('read live security groups, ECS task definitions, services, standalone tasks and clusters, EKS clusters and ECR repositories, and decide each with the same controls as events; changes nothing')
    .option('--region <region>', "a Region to scan (repeatable); all: every Region enabled for the account; default: the SDK's", (v: string, all: string[]) => [...all, v], [])
    .option('--profile <name>', 'the credentials profile to use (sets AWS_PROFILE)')
    .option('--endpoint <url>', 'read from an emulator such as moto server')
    .option('--controls <ids>', 'only these control ids, comma-separated (default: every control the policy enables)')
    .option('--policy <file>', 'policy file (modes, exemptions, public ports); default: the built-in policy')
    .option('--json', 'print {findings, summary, counts, gaps} instead of the table (findings as in warden evaluate --json)')
    .option('--sarif <file>', 'also write the findings as SARIF 2.1.0 to FILE (gaps as tool execution notifications)')
    .option('--html <file>', 'also write a self-contained HTML report to FILE')
    .option('--now <time>', 'judge exemptions as of this ISO date-time (default: now)')
    .addHelpText('after', `\nIAM: infra/scan-policy.json (read-only: Describe, List, Get).${exitCodesHelp('0 nothing found, 1 findings, 2 usage error, 3 incomplete: some of the account could not be read (gaps on stderr)')}`);
  return act(cmd, (o: ScanOptions) => scan(o, deps));
}

/** `warden scan …` (args after `scan`). */
export const scanCommand = (argv: string[], deps: ScanCliDeps): Promise<number> => parseCommand(makeScanCommand(deps), argv, deps);

async function scan(opts: ScanOptions, deps: ScanCliDeps): Promise<number> {
  const asked = opts.region;
  if (asked.includes('all') && asked.length > 1) throw new UsageError('--region all reads every enabled Region: give no other --region');
  const bad = asked.find((r) => r !== 'all' && !REGION.test(r));
  if (bad) throw new UsageError(`--region ${bad}: not a Region name (e.g. eu-west-1), or all`);
  const only = opts.controls === undefined ? undefined : controlIds(opts.controls);
  const now = nowOption(opts.now);
  const policy = deps.policy(opts.policy);
  if (opts.endpoint) useEmulator(opts.endpoint);
  if (opts.profile) process.env.AWS_PROFILE = opts.profile;
  const clientsFor = deps.clientsFor ?? regionClients;

  const home = deps.defaultRegion ?? defaultRegion;
  let regions: string[];
  if (asked.includes('all')) {
    try {
      regions = await enabledRegions(clientsFor((await home()) ?? 'us-east-1').ec2());
    } catch (e) {
      deps.err.write(`warden scan: could not list the enabled Regions (ec2 DescribeRegions): ${errorText(e)}\n`);
      return 3;
    }
  } else if (asked.length) {
    regions = [...new Set(asked)];
  } else {
    const region = await home();
    if (!region) throw new UsageError('no Region: give --region, or set AWS_REGION or a region in your profile');
    regions = [region];
  }

  deps.err.write(`warden scan: ${regions.join(', ')}${only ? ` (controls: ${only.join(', ')})` : ''}\n`);
  const result = await scanAccount({ regions, policy, now, ...(only ? { only } : {}) }, {
    clientsFor, progress: (line) => deps.err.write(`  ${line}\n`),
  });
  if (opts.sarif) writeFileSync(opts.sarif, `${JSON.stringify(scanSarif(result), null, 2)}\n`);
  if (opts.html) writeFileSync(opts.html, scanHtml(result));
  deps.out.write(`${opts.json ? scanJson(result) : scanTable(result, lookOf(deps.out))}\n`);
  if (result.gaps.length) deps.err.write(`warden scan: incomplete, ${result.gaps.length} part(s) not read:\n${gapLines(result).map((l) => `  ${l}\n`).join('')}`);
  return scanExitCode(result);
}
