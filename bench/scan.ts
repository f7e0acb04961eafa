// The scan figures: moto seeded with a large account (by default 1,000 security groups with 3,000 rules, 300
// task-definition families, 100 services on 10 clusters, 5 EKS clusters, 50 ECR repositories), then `warden scan`'s
// scanAccount in-process over one Region: wall time, resources per second, AWS calls per resource, peak memory.
// Then, on the same moto state, `warden scan` as a process and Cloud Custodian in pull mode (`custodian run` of
// bench/peers/custodian/scan-policies.yml): times, calls, and what each found, check by check.
// Alone: `npm run bench:scan [scale]` (scale 0.1 seeds a tenth of each).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand } from '@aws-sdk/client-ec2';
import { CreateRepositoryCommand } from '@aws-sdk/client-ecr';
import { CreateClusterCommand, CreateServiceCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { CreateClusterCommand as CreateEksCluster } from '@aws-sdk/client-eks';
import type { ActionClients } from '../functions/aws/action-clients';
import { clients, resetClients } from '../functions/aws/clients';
import { mapLimit } from '../functions/aws/inventory/kit';
import { regionClients } from '../functions/aws/region-clients';
import { scanAccount } from '../functions/aws/scan-account';
import type { Finding } from '../functions/domain/model';
import { defaultPolicy } from '../functions/domain/policy';
import { startMoto, useEmulator } from '../local/moto';
import { createVpc } from '../local/sandbox';
import { repoRoot } from '../local/template';
import { prepareCustodian } from './peers/custodian';
import { runCustodianScan } from './peers/custodian-scan';
import { compareChecks, groupDisagreements, type CheckComparison, type DisagreementGroup } from './peers/scan-compare';

export interface ScanSizes { groups: number; rulesPerGroup: number; families: number; clusters: number; services: number; eksClusters: number; repositories: number }

export const FULL_SIZE: ScanSizes = { groups: 1000, rulesPerGroup: 3, families: 300, clusters: 10, services: 100, eksClusters: 5, repositories: 50 };

export interface ScanFigures {
  sizes: ScanSizes;
  seedMs: number;
  /** Resources the scan read (every kind, the moto account's defaults included). */
  resources: number;
  findings: number;
  gaps: number;
  wallMs: number;
  resourcesPerSecond: number;
  awsCalls: number;
  callsPerResource: number;
  /** Calls by `service:Command`, most first, and the time inside them added up (calls overlap: more than wall). */
  callsByCommand: Record<string, number>;
  callMsByCommand: Record<string, number>;
  /** When each reader finished (its progress line), from the scan's start; after the last, the resources are decided. */
  readers: { atMs: number; line: string }[];
  /** The V8 heap at its highest while the scan ran (sampled every 20 ms), and the process's peak RSS (seeding included). */
  peakHeapMb: number;
  peakRssMb: number;
  /** `warden scan --endpoint … --json` as a process, from spawn to exit (Node's start and tsx included). */
  cliWallMs: number;
  custodian: ScanPeer;
}

/** Custodian's pull-mode run beside the scan, or why it is absent. */
export type ScanPeer = { absent: string } | {
  version: string;
  /** `custodian run` from spawn to exit; c7n's import; c7n.cli.main (load, validate, run); the policies' own runs. */
  wallMs: number; importMs: number; runMs: number; policiesMs: number;
  awsCalls: number;
  calls: Record<string, number>;
  callMs: Record<string, number>;
  policies: { name: string; resource: string; matched: number; ms: number; apiCalls: Record<string, number> }[];
  /** Custodian / Warden: both as processes (wallMs / cliWallMs); c7n.cli.main / scanAccount in-process; calls. */
  ratios: { process: number; inProcess: number; policiesInProcess: number; awsCalls: number };
  checks: CheckComparison[];
  disagreements: DisagreementGroup[];
};

const SEED_AT_ONCE = 8;

export async function seed(s: ScanSizes): Promise<void> {
  const vpc = await createVpc();
  await mapLimit(Array.from({ length: s.groups }, (_, i) => i), SEED_AT_ONCE, async (i) => {
    const GroupId = (await clients.ec2().send(new CreateSecurityGroupCommand({ VpcId: vpc, GroupName: `bench-${i}`, Description: 'bench' }))).GroupId!;
    // One world-open SSH rule in ten groups; the others from private ranges.
    const IpPermissions = Array.from({ length: s.rulesPerGroup }, (_, r) => ({
      IpProtocol: 'tcp', FromPort: 8000 + r, ToPort: 8000 + r, IpRanges: [{ CidrIp: i % 10 === 0 && r === 0 ? '0.0.0.0/0' : `10.${r}.0.0/16` }],
    }));
    await clients.ec2().send(new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions }));
  });
  const families = await mapLimit(Array.from({ length: s.families }, (_, i) => i), SEED_AT_ONCE, async (i) =>
    (await clients.ecs().send(new RegisterTaskDefinitionCommand({
      family: `bench-${i}`,
      containerDefinitions: [{ name: 'app', image: 'public.ecr.aws/docker/library/nginx:1.27', memory: 512, ...(i % 3 === 0 ? { user: 'root' } : { user: '1000' }) }],
    }))).taskDefinition!.taskDefinitionArn!);
  for (let c = 0; c < s.clusters; c++) await clients.ecs().send(new CreateClusterCommand({ clusterName: `bench-${c}` }));
  await mapLimit(Array.from({ length: s.services }, (_, i) => i), SEED_AT_ONCE, (i) =>
    clients.ecs().send(new CreateServiceCommand({ cluster: `bench-${i % s.clusters}`, serviceName: `svc-${i}`, taskDefinition: families[i % families.length], desiredCount: 1 })));
  await mapLimit(Array.from({ length: s.eksClusters }, (_, i) => i), SEED_AT_ONCE, (i) =>
    clients.eks().send(new CreateEksCluster({ name: `bench-${i}`, roleArn: 'arn:aws:iam::123456789012:role/eks', resourcesVpcConfig: { subnetIds: [] } })));
  await mapLimit(Array.from({ length: s.repositories }, (_, i) => i), SEED_AT_ONCE, (i) =>
    clients.ecr().send(new CreateRepositoryCommand({ repositoryName: `bench/repo-${i}` })));
}

/** Each size times `scale` (at least 1); the rules per group stay. */
export const scaled = (scale: number, sizes: ScanSizes = FULL_SIZE): ScanSizes =>
  Object.fromEntries(Object.entries(sizes).map(([k, v]) => [k, k === 'rulesPerGroup' ? v : Math.max(1, Math.round(v * scale))])) as unknown as ScanSizes;

/** Every `send` of the clients, counted by `service:Command`, with the time inside it added to `ms`. */
function counted(c: ActionClients, calls: Map<string, number>, ms: Map<string, number>): ActionClients {
  const wrap = <T extends object>(service: string, client: T): T => new Proxy(client, {
    get(target, prop, receiver) {
      if (prop !== 'send') return Reflect.get(target, prop, receiver) as unknown;
      return (command: { constructor: { name: string } }) => {
        const key = `${service}:${command.constructor.name.replace(/Command$/, '')}`;
        calls.set(key, (calls.get(key) ?? 0) + 1);
        const start = performance.now();
        return (target as unknown as { send(c: unknown): Promise<unknown> }).send(command)
          .finally(() => ms.set(key, (ms.get(key) ?? 0) + performance.now() - start));
      };
    },
  });
  return Object.fromEntries(Object.entries(c).map(([k, get]) => [k, () => wrap(k, (get as () => object)())])) as unknown as ActionClients;
}

/** `warden scan` over moto as a person runs it (bin/warden.mjs); wall from spawn to exit and its findings' count. */
async function wardenCli(endpoint: string): Promise<{ wallMs: number; findings: number }> {
  const started = performance.now();
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done, fail) => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'warden.mjs'), 'scan', '--endpoint', endpoint, '--region', 'us-east-1', '--json'],
      { cwd: repoRoot, env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-4000)));
    child.once('error', fail);
    child.once('close', (code) => done({ code, stdout, stderr }));
  });
  const wallMs = Math.round(performance.now() - started);
  // Exit 1: findings (0 none); anything else is a failure.
  if (code !== 0 && code !== 1) throw new Error(`warden scan exited ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return { wallMs, findings: (JSON.parse(stdout) as { findings: unknown[] }).findings.length };
}

type Peer = { python: string } | { absent: string };

/**
 * Seed moto with `sizes` (scaled by `scale`), scan it once in-process and measure; then `warden scan` as a process,
 * and Custodian's pull-mode policies (when `peer` has its python) on the same state. Custodian failing never stops
 * Warden's figures: its absence and the reason are reported instead.
 */
export async function scanFigures(scale = 1, sizes: ScanSizes = FULL_SIZE, peer: Peer = { absent: 'not asked for' }): Promise<ScanFigures> {
  const s = scaled(scale, sizes);
  const moto = await startMoto();
  try {
    useEmulator(moto.endpoint);
    resetClients();
    const seeding = performance.now();
    await seed(s);
    const seedMs = Math.round(performance.now() - seeding);

    const calls = new Map<string, number>(), callMs = new Map<string, number>();
    const readers: { atMs: number; line: string }[] = [];
    let peakHeap = process.memoryUsage().heapUsed;
    const sampler = setInterval(() => { peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed); }, 20);
    const start = performance.now();
    const result = await scanAccount(
      { regions: ['us-east-1'], policy: defaultPolicy(), now: new Date() },
      {
        clientsFor: (region) => counted(regionClients(region), calls, callMs),
        progress: (line) => readers.push({ atMs: Math.round(performance.now() - start), line }),
      },
    ).finally(() => clearInterval(sampler));
    const wallMs = performance.now() - start;
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);

    const resources = result.counts.reduce((n, c) => n + c.count, 0);
    const awsCalls = [...calls.values()].reduce((a, b) => a + b, 0);
    const mb = (bytes: number) => Math.round(bytes / 1024 / 102.4) / 10;
    const peakRssMb = mb(process.resourceUsage().maxRSS * 1024);
    const cli = await wardenCli(moto.endpoint);
    if (cli.findings !== result.findings.length) throw new Error(`warden scan as a process found ${cli.findings}, in-process ${result.findings.length}`);
    const custodian = await custodianBeside(peer, moto.endpoint, { wallMs, cliWallMs: cli.wallMs, awsCalls, findings: result.findings });
    return {
      sizes: s, seedMs, resources, findings: result.findings.length, gaps: result.gaps.length,
      wallMs: Math.round(wallMs), resourcesPerSecond: Math.round(resources / (wallMs / 1000)),
      awsCalls, callsPerResource: Math.round((awsCalls / resources) * 100) / 100,
      callsByCommand: Object.fromEntries([...calls].sort((a, b) => b[1] - a[1])),
      callMsByCommand: Object.fromEntries([...callMs].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, Math.round(v)])),
      readers,
      peakHeapMb: mb(peakHeap), peakRssMb, cliWallMs: cli.wallMs, custodian,
    };
  } finally {
    await moto.stop();
  }
}

/** Custodian's run on the same state, compared with Warden's findings; or why it is absent. */
async function custodianBeside(peer: Peer, endpoint: string, warden: { wallMs: number; cliWallMs: number; awsCalls: number; findings: Finding[] }): Promise<ScanPeer> {
  if ('absent' in peer) return { absent: peer.absent };
  let run;
  try {
    run = await runCustodianScan({ root: repoRoot, python: peer.python, endpoint, region: 'us-east-1' });
  } catch (err) {
    return { absent: `custodian run failed: ${(err as Error).message}` };
  }
  const checks = compareChecks(warden.findings, run.policies);
  const disagreements = groupDisagreements(checks, (check, side, id) => side === 'warden only'
    ? { evidence: warden.findings.find((f) => f.control === check && f.resource.id === id)?.evidence }
    : { resource: run.policies.find((p) => p.name === check)?.resources.get(id) });
  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  return {
    version: run.version, wallMs: run.wallMs, importMs: run.importMs, runMs: run.runMs, policiesMs: run.policiesMs,
    awsCalls: run.awsCalls, calls: run.calls, callMs: run.callMs,
    policies: run.policies.map((p) => ({ name: p.name, resource: p.resource, matched: p.ids.length, ms: p.ms, apiCalls: p.apiCalls })),
    ratios: {
      process: ratio(run.wallMs, warden.cliWallMs), inProcess: ratio(run.runMs, warden.wallMs),
      policiesInProcess: ratio(run.policiesMs, warden.wallMs), awsCalls: ratio(run.awsCalls, warden.awsCalls),
    },
    checks, disagreements,
  };
}

/** The bench's printed lines for the scan and Custodian beside it. */
export function scanLines(scan: ScanFigures): string[] {
  const c = scan.custodian;
  if ('absent' in c) return [`scan peer    ABSENT Cloud Custodian not compared: ${c.absent}`];
  const agreed = c.checks.filter((k) => !k.onlyWarden.length && !k.onlyCustodian.length).length;
  const unexplained = c.disagreements.filter((d) => d.reason.startsWith('unexplained')).length;
  return [
    `scan peer    Cloud Custodian ${c.version} pull mode on the same moto: custodian run ${c.wallMs} ms as a process (import ${c.importMs}, c7n.cli.main ${c.runMs}, its policies ${c.policiesMs}) vs warden scan ${scan.cliWallMs} ms as a process, ${scan.wallMs} ms in-process: ${c.ratios.process}× as processes, ${c.ratios.inProcess}× in-process; ${c.awsCalls} AWS calls vs ${scan.awsCalls} (${c.ratios.awsCalls}×)`,
    `scan checks  ${unexplained ? 'MISS' : 'ok '} ${agreed}/${c.checks.length} checks found the same resources: ${c.checks.map((k) => `${k.check} ${k.warden}/${k.custodian}`).join(', ')} (Warden/Custodian)${c.disagreements.length ? `; disagreements: ${c.disagreements.map((d) => `${d.check} ${d.side} ×${d.ids.length}: ${d.reason}`).join('; ')}` : '; no disagreement'}`,
  ];
}

// `npm run bench:scan [scale]`: the scan figures alone, with Custodian beside them.
if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await scanFigures(Number(process.argv[2] ?? 1), FULL_SIZE, prepareCustodian(repoRoot));
  console.log(JSON.stringify(figures, null, 2));
  for (const line of scanLines(figures)) console.log(line);
}
