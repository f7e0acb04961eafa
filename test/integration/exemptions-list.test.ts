// `warden exemptions list` against moto server: exempted security groups and ECS clusters found through the Resource
// Groups Tagging API, ECR repositories and EKS clusters read directly, each with its verdict at a fixed time.
import { CreateRepositoryCommand } from '@aws-sdk/client-ecr';
import { CreateClusterCommand as CreateEcsCluster } from '@aws-sdk/client-ecs';
import { CreateClusterCommand as CreateEksCluster } from '@aws-sdk/client-eks';
import { clients } from '../../functions/aws/clients';
import { defaultPolicy } from '../../functions/domain/policy';
import { awsExemptionFinder, exemptionsCommand, formatExemptions, type ExemptionRow } from '../../cli/exemptions';
import { createGroup, createVpc } from '../../local/sandbox';
import { useMoto } from '../support/emulator';

useMoto();
const NOW = '2026-12-03T00:00:00Z';
const tagList = (tags: Record<string, string>) => Object.entries(tags).map(([key, value]) => ({ key, value }));

async function list(args: string[], firstSeen?: string): Promise<ExemptionRow[]> {
  let out = '';
  const code = await exemptionsCommand(['list', '--json', '--now', NOW, ...args], {
    out: { write: (s: string) => (out += s) },
    source: () => ({
      policy: defaultPolicy(),
      ...awsExemptionFinder({}),
      // A stand-in for the audit table's first sightings (their store has its own test).
      ...(firstSeen ? { sightings: { firstSeen: async () => firstSeen } } : {}),
    }),
  });
  expect(code).toBe(0);
  return JSON.parse(out) as ExemptionRow[];
}

beforeEach(async () => {
  const vpc = await createVpc();
  await createGroup(vpc, 'pci-web', { 'warden:exempt-until': '2027-01-31', 'warden:exempt-reason': 'PCI-1234', 'warden:exempt-by': 'alice' });
  await createGroup(vpc, 'old-batch', { 'warden:exempt-until': '2026-11-30', 'warden:exempt-reason': 'migration' });
  await createGroup(vpc, 'legacy', { 'warden:exempt': 'true' });
  await createGroup(vpc, 'plain', { Owner: 'payments' });
  await clients.ecs().send(new CreateEcsCluster({ clusterName: 'payments', tags: tagList({ 'warden:exempt-until': '2026-12-10', 'warden:exempt-by': 'bob' }) }));
  await clients.ecs().send(new CreateEcsCluster({ clusterName: 'untagged' }));
  await clients.ecr().send(new CreateRepositoryCommand({ repositoryName: 'payments/web', tags: [{ Key: 'warden:exempt-until', Value: '2027-02-01' }] }));
  await clients.eks().send(new CreateEksCluster({
    name: 'platform', roleArn: 'arn:aws:iam::123456789012:role/eks', resourcesVpcConfig: { subnetIds: [] },
    tags: { 'warden:exempt-until': 'soon' },
  }));
});

test('every exempted resource with its verdict; resources without exemption tags are not listed', async () => {
  const rows = await list([]);
  const seen = Object.fromEntries(rows.map((r) => [`${r.type} ${r.id.split('/').pop()}`, r.exemption.status]));
  expect(Object.values(seen).sort()).toEqual(['active', 'active', 'active', 'active', 'expired', 'invalid']);
  expect(rows.find((r) => r.type === 'AWS::EKS::Cluster')!.exemption.why).toContain("exemption date 'soon' is not a date");
  expect(rows.filter((r) => r.exemption.status === 'expired').map((r) => r.exemption.why)).toEqual([expect.stringContaining('exemption expired on 2026-11-30')]);
  const pci = rows.find((r) => r.exemption.reason === 'PCI-1234')!;
  expect(pci).toMatchObject({ type: 'AWS::EC2::SecurityGroup', exemption: { status: 'active', by: 'alice', until: '2027-01-31' } });
  expect(pci.id).toMatch(/^sg-/);
  expect(rows.map((r) => r.type)).toEqual(expect.arrayContaining(['AWS::ECS::Cluster', 'AWS::ECR::Repository', 'AWS::EKS::Cluster']));
  const table = formatExemptions(rows);
  expect(table).toContain('no expiry set');
  expect(table.split('\n').at(-1)).toBe('6 exemptions: 4 active, 1 expired, 1 invalid');
});

test('--expiring-in 14d: only exemptions in force that end within 14 days', async () => {
  const rows = await list(['--expiring-in', '14d']);
  expect(rows.map((r) => [r.type, r.exemption.until])).toEqual([['AWS::ECS::Cluster', '2026-12-10']]);
});

test('the pre-expiry tag is listed as "no expiry set", capped from its first sighting', async () => {
  const legacy = (rows: ExemptionRow[]) => rows.find((r) => r.exemption.legacy === 'true')!.exemption;
  // No sighting known: the cap counts from now, so it ends 90 days out.
  expect(legacy(await list([]))).toMatchObject({ status: 'active', expiresAt: '2027-03-03T00:00:00Z', capped: true });
  // First seen 80 days ago: it ends in 10 days, so it is expiring within 14.
  const seen = await list(['--expiring-in', '14d'], '2026-09-14T00:00:00Z');
  expect(seen.map((r) => r.exemption.legacy)).toContain('true');
  expect(legacy(seen).why).toContain('no expiry set');
});

test('a bad duration is a usage error', async () => {
  await expect(list(['--expiring-in', 'two weeks'])).rejects.toThrow('--expiring-in two weeks: expected a number of days or hours');
});
