// The scan figures: moto seeded with a large account (by default 1,000 security groups with 3,000 rules, 300
// task-definition families, 100 services on 10 clusters, 5 EKS clusters, 50 ECR repositories), then `warden scan`'s
// scanAccount in-process over one Region: wall time, resources per second, AWS calls per resource, peak memory.
// Alone: `npm run bench:scan [scale]` (scale 0.1 seeds a tenth of each).
import { AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand } from '@aws-sdk/client-ec2';
import { CreateRepositoryCommand } from '@aws-sdk/client-ecr';
import { CreateClusterCommand, CreateServiceCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { CreateClusterCommand as CreateEksCluster } from '@aws-sdk/client-eks';
import type { ActionClients } from '../functions/aws/action-clients';
import { clients, resetClients } from '../functions/aws/clients';
import { mapLimit } from '../functions/aws/inventory/kit';
import { regionClients } from '../functions/aws/region-clients';
import { scanAccount } from '../functions/aws/scan-account';
import { defaultPolicy } from '../functions/domain/policy';
import { startMoto, useEmulator } from '../local/moto';
import { createVpc } from '../local/sandbox';

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
  /** Calls by `service:Command`, most first. */
  callsByCommand: Record<string, number>;
  /** The V8 heap at its highest while the scan ran (sampled every 20 ms), and the process's peak RSS (seeding included). */
  peakHeapMb: number;
  peakRssMb: number;
}

const SEED_AT_ONCE = 8;

async function seed(s: ScanSizes): Promise<void> {
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

/** Every `send` of the clients, counted by `service:Command`. */
function counted(c: ActionClients, calls: Map<string, number>): ActionClients {
  const wrap = <T extends object>(service: string, client: T): T => new Proxy(client, {
    get(target, prop, receiver) {
      if (prop !== 'send') return Reflect.get(target, prop, receiver) as unknown;
      return (command: { constructor: { name: string } }) => {
        const key = `${service}:${command.constructor.name.replace(/Command$/, '')}`;
        calls.set(key, (calls.get(key) ?? 0) + 1);
        return (target as unknown as { send(c: unknown): Promise<unknown> }).send(command);
      };
    },
  });
  return Object.fromEntries(Object.entries(c).map(([k, get]) => [k, () => wrap(k, (get as () => object)())])) as unknown as ActionClients;
}

/** Seed moto with `sizes` (scaled by `scale`), scan it once in-process, and measure. */
export async function scanFigures(scale = 1, sizes: ScanSizes = FULL_SIZE): Promise<ScanFigures> {
  const s = Object.fromEntries(Object.entries(sizes).map(([k, v]) => [k, k === 'rulesPerGroup' ? v : Math.max(1, Math.round(v * scale))])) as unknown as ScanSizes;
  const moto = await startMoto();
  try {
    useEmulator(moto.endpoint);
    resetClients();
    const seeding = performance.now();
    await seed(s);
    const seedMs = Math.round(performance.now() - seeding);

    const calls = new Map<string, number>();
    let peakHeap = process.memoryUsage().heapUsed;
    const sampler = setInterval(() => { peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed); }, 20);
    const start = performance.now();
    const result = await scanAccount(
      { regions: ['us-east-1'], policy: defaultPolicy(), now: new Date() },
      { clientsFor: (region) => counted(regionClients(region), calls) },
    ).finally(() => clearInterval(sampler));
    const wallMs = performance.now() - start;
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);

    const resources = result.counts.reduce((n, c) => n + c.count, 0);
    const awsCalls = [...calls.values()].reduce((a, b) => a + b, 0);
    const mb = (bytes: number) => Math.round(bytes / 1024 / 102.4) / 10;
    return {
      sizes: s, seedMs, resources, findings: result.findings.length, gaps: result.gaps.length,
      wallMs: Math.round(wallMs), resourcesPerSecond: Math.round(resources / (wallMs / 1000)),
      awsCalls, callsPerResource: Math.round((awsCalls / resources) * 100) / 100,
      callsByCommand: Object.fromEntries([...calls].sort((a, b) => b[1] - a[1])),
      peakHeapMb: mb(peakHeap), peakRssMb: mb(process.resourceUsage().maxRSS * 1024),
    };
  } finally {
    await moto.stop();
  }
}

// `npm run bench:scan [scale]`: the scan figures alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await scanFigures(Number(process.argv[2] ?? 1)), null, 2));
}
