import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { CreateRepositoryCommand, DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import { getAuditRecord } from '../../functions/audit/get';
import { clients } from '../../functions/aws/clients';
import { describeRules } from '../../functions/aws/security-groups';
import { describeRule } from '../../functions/domain/net';
import type { SweepSummary } from '../../functions/domain/sweep';
import { allow, createGroup, tcp } from '../../local/sandbox';
import type { LocalWarden } from '../../local/warden-local';
import { main as warden } from '../warden';
import { approvalOf, click, out, type PlayDeps, type Scene } from './scene';

const OLD_REPO = 'legacy/batch';
const SWEEP = 'demo-sweep';
/** A finding by what it is about: control and resource id (a group id, an ARN). */
type Key = string;
const keyOf = (control: string, resource: string): Key => `${control} on ${resource}`;

/** `warden …` in-process, through the CLI's own entry (cli/warden.ts): exit code, stdout, stderr. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await warden(args, { write: (s: string) => ((stdout += s), true) } as never, { write: (s: string) => ((stderr += s), true) } as never);
  return { code, stdout, stderr };
}

const indent = (text: string, pad = '      ') => text.trimEnd().split('\n').map((l) => (l.trim() ? `${pad}${l}` : ''));

/**
 * What no event announces: an old group in the default VPC with RDP open to the world, and an old ECR repository
 * without scan-on-push, seeded before any event scene. `warden scan` finds them beside what the events found; one run
 * of the scheduled sweep sends them down the normal remediation path.
 */
export async function scanAndSweepScenes(endpoint: string, warden: LocalWarden) {
  const vpcs = (await clients.ec2().send(new DescribeVpcsCommand({}))).Vpcs ?? [];
  const defaultVpc = vpcs.find((v) => v.IsDefault)?.VpcId;
  if (!defaultVpc) throw new Error('the emulator has no default VPC');
  const old = await createGroup(defaultVpc, 'legacy-rdp', { Owner: 'platform' });
  const oldRule = await allow(old, tcp(3389, '0.0.0.0/0'));
  const ecr = clients.ecr();
  await ecr.send(new CreateRepositoryCommand({
    repositoryName: OLD_REPO, imageTagMutability: 'IMMUTABLE', imageScanningConfiguration: { scanOnPush: false }, tags: [{ Key: 'Owner', Value: 'payments' }],
  }));
  const oldRepoArn = (await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [OLD_REPO] }))).repositories![0]!.repositoryArn!;
  out(`Seeded old exposures that no event will ever announce: ${old} (legacy-rdp, default VPC) with RDP open to 0.0.0.0/0,`);
  out(`  and ECR repository ${OLD_REPO} without scan-on-push\n`);
  const seeded = [keyOf('sg-world-open-ingress', old), keyOf('ecr-scan-on-push', oldRepoArn)];

  const oldRules = async () => (await describeRules(clients.ec2(), old)).filter((r) => !r.isEgress).map(describeRule).join('; ') || '(no ingress rules)';
  const oldRepo = async () => {
    const r = (await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [OLD_REPO] }))).repositories?.[0];
    return `${OLD_REPO} scanOnPush ${r?.imageScanningConfiguration?.scanOnPush}`;
  };
  const show = async () => `legacy-rdp: ${await oldRules()}; ${await oldRepo()}`;
  const audit = (id: string) => getAuditRecord(id, { dynamodb: clients.dynamodb(), tableName: warden.resources.tableName });

  const scanned = new Set<Key>();
  /** What the event scenes' runs found, and whether that exposure was left open (the latest run's outcome). */
  const fromEvents = new Map<Key, { outcome: string; open: boolean }>();
  let sweep: { summary?: SweepSummary; outcomes: Map<string, { key: Key; outcome: string }> } | undefined;
  /** The seeded exposures as the scan left them (it changes nothing). */
  let afterScan = '';

  const scan: Scene = {
    title: 'warden scan over the whole account (read-only): what the events found, and what no event ever reported',
    run: async () => {
      for (const name of warden.runs.keys()) {
        const r = await audit(name);
        if (!r?.finding || r.source === 'sweep' || r.runbook) continue;
        fromEvents.set(keyOf(r.finding.control, r.finding.resource.id), { outcome: r.outcome, open: r.outcome !== 'fixed' });
      }
      const dir = mkdtempSync(join(tmpdir(), 'warden-demo-'));
      try {
        const args = ['scan', '--endpoint', endpoint, '--region', 'us-east-1', '--sarif', join(dir, 'scan.sarif')];
        out(`    warden ${args.slice(0, -1).join(' ')} <tmp>/scan.sarif`);
        const res = await cli(args);
        out(indent(res.stderr).join('\n'));
        // The summary by control and severity and the totals, as the CLI prints them (the per-finding rows are above it).
        const lines = res.stdout.split('\n');
        out(indent(lines.slice(Math.max(0, lines.findIndex((l) => l.startsWith('CONTROL ')))).join('\n')).join('\n'));
        out(`      exit ${res.code}${res.code === 1 ? ' (findings)' : ''}`);
        // The same run's findings, machine-readable: SARIF results (rule = control, logical location = resource id).
        const sarif = JSON.parse(readFileSync(join(dir, 'scan.sarif'), 'utf8')) as { runs: { results: { ruleId: string; locations: { logicalLocations: { name: string }[] }[] }[] }[] };
        for (const r of sarif.runs[0]!.results) scanned.add(keyOf(r.ruleId, r.locations[0]!.logicalLocations[0]!.name));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      afterScan = await show();
      const events = [...fromEvents];
      const fixed = events.filter(([, e]) => !e.open);
      const open = events.filter(([, e]) => e.open);
      const reopened = fixed.filter(([k]) => scanned.has(k)).length;
      out(`    the events found ${events.length} exposures; ${fixed.length} were fixed, and the scan finds ${reopened ? `${reopened} of them open again` : 'none of those open'}`);
      for (const [k, e] of open) out(`      left open (${e.outcome}), and the scan ${scanned.has(k) ? 'finds it' : 'MISSES it'}: ${k}`);
      for (const k of seeded) out(`    seeded, never announced by an event, and the scan ${scanned.has(k) ? 'finds it' : 'MISSES it'}: ${k}`);
      const others = [...scanned].filter((k) => !fromEvents.has(k) && !seeded.includes(k));
      if (others.length) out(`    also found, never announced by an event:\n${others.map((k) => `      ${k}`).join('\n')}`);
    },
  };

  const sweepScene: Scene = {
    title: 'One run of the scheduled sweep: every violation on the live account enters the normal remediation path',
    show,
    run: async (deps: PlayDeps) => {
      const s = await warden.sweep({ name: SWEEP, wait: false });
      out(`    Sweep ${s.name}: ${s.run.path.join(' → ')}`);
      const outcomes = new Map<string, { key: Key; outcome: string }>();
      sweep = { outcomes, ...(s.summary ? { summary: s.summary } : {}) };
      // Runs that need a person wait for one (all at once, on the policy's timeout): the security lead approves each.
      const asked = await Promise.all(s.started.map(async (name) => ((await approvalOf(name, deps)) ? [name] : [])));
      for (const name of asked.flat()) await click(name, { decision: 'approve', userId: 'U0SECLEAD' }, deps);
      for (const name of s.started) {
        const run = await warden.done(name);
        const r = await audit(name);
        const key = keyOf(r?.finding.control ?? '?', r?.finding.resource.id ?? '?');
        outcomes.set(name, { key, outcome: r?.outcome ?? run.failed?.error ?? '?' });
        const resource = (r?.finding.resource.id ?? '?').replace(/^arn:[^:]*:[^:]*:[^:]*:[^:]*:/, ''); // an ARN's resource part
        out(`    run ${name} (${resource}): ${r?.mode ?? '?'}, ${outcomes.get(name)!.outcome}${seeded.includes(key) ? ', a seeded old exposure' : ''}`);
        if (seeded.includes(key)) out(`      ${run.path.join(' → ')}`);
      }
      const sum = s.summary;
      if (!sum) return out('    no sweep summary was recorded');
      out(`    summary (audit item sweep#${sum.sweepId}, and a "Warden Sweep Completed" event): ${sum.status}; ${sum.items} items over ${sum.regions.join(', ')};`);
      out(`      ${sum.resources} resources inventoried, ${sum.findings} violations, ${sum.runsStarted} runs started, ${sum.suppressed} suppressed`);
      out(`      (a decision that sticks), ${sum.locked} locked by another run, ${sum.duplicates} duplicates, ${sum.gaps} gaps`);
      const notStarted = [...scanned].filter((k) => ![...outcomes.values()].some((o) => o.key === k));
      for (const k of notStarted) out(`    not started: ${k}${fromEvents.get(k)?.outcome === 'denied' ? ' (denied in Slack after its event: the decision sticks)' : ''}`);
      const first = s.started.find((n) => outcomes.get(n)?.key === seeded[0]);
      if (first) {
        out(`    warden audit show ${first} --endpoint <moto>`);
        const shown = await cli(['audit', 'show', first, '--endpoint', endpoint]);
        out(indent(shown.stdout + shown.stderr).join('\n'));
      }
    },
  };

  const check = async (): Promise<string[]> => {
    const problems: string[] = [];
    for (const k of seeded) if (!scanned.has(k)) problems.push(`the scan missed the seeded ${k}`);
    for (const [k, e] of fromEvents) {
      if (e.open && !scanned.has(k)) problems.push(`the scan missed ${k}, left open by the events`);
      if (!e.open && scanned.has(k)) problems.push(`the scan found ${k}, which the events fixed`);
    }
    if (fromEvents.size === 0) problems.push('no event finding to compare the scan with');
    if (!afterScan.includes('tcp/3389 from 0.0.0.0/0') || !afterScan.includes('scanOnPush false')) problems.push(`the scan changed the seeded exposures: ${afterScan}`);
    if (!sweep?.summary || sweep.summary.status !== 'completed') problems.push('the sweep did not complete');
    const outcomes = [...(sweep?.outcomes.values() ?? [])];
    for (const k of seeded) if (outcomes.find((o) => o.key === k)?.outcome !== 'fixed') problems.push(`the sweep did not fix the seeded ${k}`);
    if (outcomes.some((o) => o.outcome !== 'fixed')) problems.push(`a sweep run was not fixed: ${outcomes.filter((o) => o.outcome !== 'fixed').map((o) => o.key).join(', ')}`);
    if ((await describeRules(clients.ec2(), old)).some((r) => r.ruleId === oldRule)) problems.push('the old world-open RDP rule is still there');
    if (!(await oldRepo()).includes('scanOnPush true')) problems.push(`${OLD_REPO} still does not scan on push`);
    return problems;
  };
  return { scenes: [scan, sweepScene], check };
}
