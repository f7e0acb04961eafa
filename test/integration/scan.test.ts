// `warden scan` against moto server: a seeded account is scanned read-only, its findings, exit code and reports checked,
// every SDK call recorded and checked against infra/scan-policy.json; scan and event decide the same resource alike.
// aws-sdk-client-mock is used once, for fault injection: one Region's ECS client and another's load balancer client
// refuse every call (AccessDenied), which moto cannot do.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { CreateRepositoryCommand } from '@aws-sdk/client-ecr';
import { CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { CreateClusterCommand as CreateEksCluster } from '@aws-sdk/client-eks';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { clients } from '../../functions/aws/clients';
import { ecsInventory } from '../../functions/aws/inventory/ecs';
import { ecrInventory } from '../../functions/aws/inventory/eks-ecr';
import { securityGroupInventory } from '../../functions/aws/inventory/security-groups';
import { awsLiveState } from '../../functions/aws/live-state';
import { regionClients } from '../../functions/aws/region-clients';
import { evaluate } from '../../functions/domain/evaluate';
import type { Decision, Finding, Observation } from '../../functions/domain/model';
import { defaultPolicy } from '../../functions/domain/policy';
import { decideScanned, scanObservation, type ScannedResource } from '../../functions/domain/scan';
import { scanCommand } from '../../cli/scan';
import { allow, createGroup, createVpc, ecsNetwork, runningTask, tcp } from '../../local/sandbox';
import { useMoto } from '../support/emulator';
import { expectDeclaredCalls, tracedClients } from '../support/permissions';
import { sarifErrors } from '../support/sarif';
import { sampleEvent } from '../../local/samples';

useMoto({ resetEach: false });
const NOW = new Date('2026-12-03T00:00:00Z');
const REGION = 'us-east-1';
const ACCOUNT = '123456789012'; // moto's
const policy = defaultPolicy();
const dir = mkdtempSync(join(tmpdir(), 'warden-scan-'));

interface ScanJson {
  findings: { control: string; severity: string; resourceId: string; region: string; evidence: string; remediation: { mode: string; targets: string[] } }[];
  summary: { control: string; severity: string; findings: number }[];
  counts: { region: string; what: string; count: number }[];
  gaps: { region: string; service: string; what: string; error: string }[];
}

const scene = { sshGroup: '', sshRule: '', adminGroup: '', webGroup: '', defaultGroup: '', vpc: '' };

/** `warden scan ARGS` with every SDK call recorded as the scan's; stdout and stderr captured. */
async function scan(args: string[], clientsFor = (region: string) => tracedClients(regionClients(region), 'scan')) {
  let out = '';
  let err = '';
  const code = await scanCommand(['--now', NOW.toISOString(), ...args], {
    out: { write: (s: string) => (out += s) }, err: { write: (s: string) => (err += s) }, policy: () => policy, clientsFor,
  });
  return { code, out, err };
}

/** A CloudTrail sample from events/, moved into moto's account, with `replace` applied to its text. */
const sample = (file: string, replace: Record<string, string> = {}): unknown => sampleEvent(`cloudtrail/${file}`, { '111122223333': ACCOUNT, ...replace });

beforeAll(async () => {
  scene.vpc = await createVpc();
  scene.sshGroup = await createGroup(scene.vpc, 'ssh-world', { Owner: 'payments' });
  scene.sshRule = await allow(scene.sshGroup, tcp(22, '0.0.0.0/0'));
  scene.adminGroup = await createGroup(scene.vpc, 'bastion');
  await allow(scene.adminGroup, tcp(22, '203.0.113.7/32'));
  // 443 open to the world on an untagged group: the scan asks live whether it is a public front end (it is not).
  scene.webGroup = await createGroup(scene.vpc, 'web');
  await allow(scene.webGroup, tcp(443, '0.0.0.0/0'));
  const groups = await clients.ec2().send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [scene.vpc] }, { Name: 'group-name', Values: ['default'] }] }));
  scene.defaultGroup = groups.SecurityGroups![0]!.GroupId!;

  // A standalone task on cluster payments (its definition passes a secret-looking value in plain environment). moto
  // creates clusters with containerInsights disabled.
  await runningTask();
  const web = await clients.ecs().send(new RegisterTaskDefinitionCommand({
    family: 'web', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512',
    containerDefinitions: [{ name: 'web', image: 'nginx:1.27', user: 'root', privileged: true, cpu: 256, memory: 512 }],
  }));
  const { subnet, sg } = await ecsNetwork();
  await clients.ecs().send(new CreateServiceCommand({
    cluster: 'payments', serviceName: 'web', taskDefinition: web.taskDefinition!.taskDefinitionArn!, desiredCount: 1, launchType: 'FARGATE',
    networkConfiguration: { awsvpcConfiguration: { subnets: [subnet], securityGroups: [sg], assignPublicIp: 'ENABLED' } },
  }));
  // The root task definition of the RegisterTaskDefinition sample, registered as the sample's request has it.
  const root = sample('ecs-register-task-definition-root.json') as { detail: { requestParameters: ConstructorParameters<typeof RegisterTaskDefinitionCommand>[0] } };
  await clients.ecs().send(new RegisterTaskDefinitionCommand(root.detail.requestParameters));
  await clients.ecr().send(new CreateRepositoryCommand({ repositoryName: 'payments/web' }));
  await clients.eks().send(new CreateEksCluster({ name: 'platform', roleArn: `arn:aws:iam::${ACCOUNT}:role/eks`, resourcesVpcConfig: { subnetIds: [] } }));
});

test('the scan finds what the catalog covers, read-only, and exits 1; JSON, SARIF and HTML agree', async () => {
  const sarif = join(dir, 'scan.sarif');
  const html = join(dir, 'scan.html');
  const { code, out, err } = await scan(['--region', REGION, '--json', '--sarif', sarif, '--html', html]);
  expect(code).toBe(1);
  const report = JSON.parse(out) as ScanJson;
  expect(report.gaps).toEqual([]);
  const on = (id: string) => report.findings.filter((f) => f.resourceId === id || f.resourceId.endsWith(`/${id}`)).map((f) => f.control).sort();

  expect(report.findings.find((f) => f.resourceId === scene.sshGroup)).toMatchObject({
    control: 'sg-world-open-ingress', severity: 'CRITICAL', region: REGION, remediation: { mode: 'auto', targets: [scene.sshRule] },
  });
  expect(on(scene.adminGroup)).toEqual([]); // the /32 admin rule is not world-open
  expect(report.findings.find((f) => f.resourceId === scene.webGroup)).toMatchObject({
    control: 'sg-world-open-ingress', severity: 'HIGH', remediation: { mode: 'approval' }, evidence: expect.stringContaining('no internet-facing load balancer'),
  });
  expect(on(scene.defaultGroup)).toEqual(['sg-default-group-open']);
  expect(on('web:1')).toEqual(expect.arrayContaining(['ecs-task-privileged', 'ecs-task-root-user']));
  expect(on('payments-batch:1')).toContain('ecs-task-root-user');
  expect(on('web')).toEqual(expect.arrayContaining(['ecs-service-public-ip', 'ecs-service-noncompliant-task-definition']));
  expect(on('payments')).toEqual(['ecs-cluster-container-insights']);
  expect(on('payments/web')).toEqual(expect.arrayContaining(['ecr-scan-on-push']));
  expect(on('platform')).toEqual(expect.arrayContaining(['eks-endpoint-public']));
  expect(report.findings.filter((f) => f.control === 'ecs-task-root-or-privileged')).toHaveLength(1); // the standalone task
  expect(report.findings.find((f) => f.control === 'ecs-task-env-secrets')?.evidence).toContain('DB_PASSWORD');

  // The summary counts each finding once, by control and severity.
  expect(report.summary.reduce((n, s) => n + s.findings, 0)).toBe(report.findings.length);
  expect(report.summary[0]!.severity).toBe('CRITICAL');
  expect(report.counts).toEqual(expect.arrayContaining([
    { region: REGION, what: 'ECS clusters', count: 1 }, { region: REGION, what: 'ECS services', count: 1 },
    { region: REGION, what: 'ECS task runs', count: 1 }, { region: REGION, what: 'ECR repositories', count: 1 },
    { region: REGION, what: 'EKS clusters', count: 1 },
  ]));
  expect(err).toMatch(new RegExp(`${REGION}: \\d+ security groups`));

  const log = JSON.parse(readFileSync(sarif, 'utf8')) as { runs: { results: { ruleId: string }[]; invocations: { executionSuccessful: boolean }[] }[] };
  expect(sarifErrors(log)).toEqual([]);
  expect(log.runs[0]!.results.map((r) => r.ruleId).sort()).toEqual(report.findings.map((f) => f.control).sort());
  expect(log.runs[0]!.invocations[0]!.executionSuccessful).toBe(true);
  const page = readFileSync(html, 'utf8');
  expect(page).toContain('<h2>Summary by control and severity</h2>');
  expect(page).toContain('<td>sg-world-open-ingress</td><td>CRITICAL</td>');
  // The plain value of the secret-looking variable is in no report.
  for (const text of [out, readFileSync(sarif, 'utf8'), page]) expect(text).not.toContain('hunter2-secret');
});

test('the table by default; --controls narrows the scan; nothing found exits 0', async () => {
  const table = await scan(['--region', REGION, '--controls', 'ecs-cluster-container-insights,eks-endpoint-public']);
  expect(table.code).toBe(1);
  const lines = table.out.trim().split('\n');
  expect(lines).toContainEqual(expect.stringMatching(/^CONTROL\s+SEVERITY\s+FINDINGS\s+RESOURCES$/));
  expect(lines).toContainEqual(expect.stringMatching(/^ecs-cluster-container-insights\s+MEDIUM\s+1\s+1$/));
  // The findings, most severe first; nothing of the other controls.
  expect(lines.filter((l) => /^(CRITICAL|HIGH|MEDIUM|LOW)\s/.test(l)).map((l) => l.split(/\s+/).slice(0, 2).join(' ')))
    .toEqual(['HIGH eks-endpoint-public', 'MEDIUM ecs-cluster-container-insights']);
  expect(lines.at(-1)).toMatch(/^2 findings on 2 resources; \d+ resources read in 1 Region\(s\)$/);

  const none = await scan(['--region', REGION, '--controls', 'ecs-task-host-pid', '--json']);
  expect(none.code).toBe(0);
  expect((JSON.parse(none.out) as ScanJson).findings).toEqual([]);
});

test('refused reads: exit 3, each gap on stderr, in --json and in SARIF; the rest is still read and decided', async () => {
  // Fault injection (moto has no IAM): eu-west-1's ECS client, and us-east-1's load balancer client (the front-end
  // lookup of the group with 443 open), answer AccessDenied to every call.
  const refuse = <C extends ECSClient | ElasticLoadBalancingV2Client>(client: C, action: string): C => {
    mockClient(client as ECSClient).onAnyCommand().rejects(Object.assign(new Error(`User: arn:aws:iam::${ACCOUNT}:user/auditor is not authorized to perform: ${action}`), { name: 'AccessDeniedException' }));
    return client;
  };
  const deniedEcs = refuse(new ECSClient({ region: 'eu-west-1' }), 'ecs:ListClusters');
  const deniedElb = refuse(new ElasticLoadBalancingV2Client({ region: REGION }), 'elasticloadbalancing:DescribeLoadBalancers');
  const clientsFor = (region: string) => tracedClients({
    ...regionClients(region), ...(region === 'eu-west-1' ? { ecs: () => deniedEcs } : { elbv2: () => deniedElb }),
  }, 'scan');
  const sarif = join(dir, 'gap.sarif');
  const { code, out, err } = await scan(['--region', REGION, '--region', 'eu-west-1', '--json', '--sarif', sarif], clientsFor);
  expect(code).toBe(3);
  const report = JSON.parse(out) as ScanJson;
  expect(report.gaps).toEqual([
    { region: REGION, service: 'elasticloadbalancing', what: `front-end lookup of ${scene.webGroup} (its public ports are not decided)`, error: expect.stringMatching(/^AccessDeniedException: /) },
    { region: 'eu-west-1', service: 'ecs', what: 'ECS clusters, services, tasks and task definitions', error: expect.stringMatching(/^AccessDeniedException: .*ecs:ListClusters/) },
  ]);
  expect(err).toContain('could not read ECS clusters, services, tasks and task definitions in eu-west-1 (ecs): AccessDeniedException');
  expect(err).toContain(`could not read front-end lookup of ${scene.webGroup}`);
  // Everything else is read and decided: us-east-1's ECS, eu-west-1's other services (its default VPC's default group).
  expect(report.findings.some((f) => f.control === 'ecs-cluster-container-insights')).toBe(true);
  expect(report.findings.some((f) => f.resourceId === scene.webGroup)).toBe(false); // undecided, and said so above
  expect(report.findings.some((f) => f.region === 'eu-west-1' && f.control === 'sg-default-group-open')).toBe(true);
  expect(report.counts.filter((c) => c.region === 'eu-west-1').map((c) => c.what).sort()).toEqual(['ECR repositories', 'EKS clusters', 'security groups']);
  const log = JSON.parse(readFileSync(sarif, 'utf8')) as { runs: { invocations: { executionSuccessful: boolean; toolExecutionNotifications: { message: { text: string } }[] }[] }[] };
  expect(sarifErrors(log)).toEqual([]);
  expect(log.runs[0]!.invocations[0]!.executionSuccessful).toBe(false);
  expect(log.runs[0]!.invocations[0]!.toolExecutionNotifications.map((n) => n.message.text)).toEqual([
    expect.stringContaining(`in ${REGION} (elasticloadbalancing)`), expect.stringContaining('in eu-west-1 (ecs)'),
  ]);
});

test('--region all scans every enabled Region (DescribeRegions)', async () => {
  const read: string[] = [];
  const { code } = await scan(['--region', 'all', '--controls', 'ecs-task-host-pid'], (region) => {
    read.push(region);
    return tracedClients(regionClients(region), 'scan');
  });
  expect(code).toBe(0);
  expect(read.length).toBeGreaterThan(10);
  expect(read).toEqual(expect.arrayContaining(['us-east-1', 'eu-west-1']));
});

// ---------- one decision path: scan and event see the same resource alike ----------

const comparable = (f: Finding) => ({ control: f.control, severity: f.severity, resource: f.resource, remediation: f.remediation, exemption: f.exemption });
/** What a live read makes of an observation, without the event's own marks (the rules it named). */
const liveView = (o: Observation) => {
  const facts = { ...o.facts } as Record<string, unknown>;
  delete facts.eventRuleIds;
  return { resource: o.resource, facts };
};

async function bothWays(event: unknown, scanned: ScannedResource): Promise<{ event: Decision; scan: Decision; scanObserved: Observation }> {
  const live = awsLiveState(clients);
  const fromEvent = await evaluate(event, { policy, now: NOW, live });
  const options = { policy, now: NOW, live };
  return { event: fromEvent, scan: await decideScanned(scanned, options), scanObserved: await scanObservation(scanned, options) };
}

const findingsOf = (d: Decision) => (d.status === 'violation' ? d.findings.map(comparable) : []);
const observationOf = (d: Decision) => ('observation' in d && d.observation ? d.observation : undefined);

test('a world-open group: the CloudTrail sample with live state and the scan give the same finding and observation', async () => {
  const event = sample('authorize-ssh-world.json', { 'sg-0a11c0ffee0000001': scene.sshGroup, 'sgr-0a11c0ffee00000a1': scene.sshRule });
  const scanned = (await securityGroupInventory(clients.ec2(), REGION))['security groups']!.find((r) => r.ref.id === scene.sshGroup)!;
  const both = await bothWays(event, scanned);
  expect(both.event.status).toBe('violation');
  expect(findingsOf(both.scan)).toEqual(findingsOf(both.event));
  expect(liveView(both.scanObserved)).toEqual(liveView(observationOf(both.event)!));
});

test('a root task definition: RegisterTaskDefinition with live state and the scan give the same findings and observation', async () => {
  const event = sample('ecs-register-task-definition-root.json', { 'payments-batch:3': 'payments-batch:1', '"revision": 3': '"revision": 1' });
  const inventory = await ecsInventory(clients.ecs(), REGION, (what, err) => { throw new Error(`${what}: ${String(err)}`); });
  const scanned = inventory['ECS task definitions']!.find((r) => r.ref.id.endsWith(':task-definition/payments-batch:1'))!;
  const both = await bothWays(event, scanned);
  expect(findingsOf(both.event).map((f) => f.control)).toContain('ecs-task-root-user');
  expect(findingsOf(both.scan)).toEqual(findingsOf(both.event));
  expect(liveView(both.scanObserved)).toEqual(liveView(observationOf(both.event)!));
});

test('an ECR repository without scan-on-push: CreateRepository with live state and the scan give the same findings and observation', async () => {
  const event = sample('ecr-create-repository-mutable-no-scan.json');
  const inventory = await ecrInventory(clients.ecr(), REGION, (what, err) => { throw new Error(`${what}: ${String(err)}`); });
  const scanned = inventory['ECR repositories']!.find((r) => r.ref.id.endsWith(':repository/payments/web'))!;
  const both = await bothWays(event, scanned);
  expect(findingsOf(both.event).map((f) => f.control)).toEqual(expect.arrayContaining(['ecr-scan-on-push', 'ecr-tag-immutability']));
  expect(findingsOf(both.scan)).toEqual(findingsOf(both.event));
  expect(liveView(both.scanObserved)).toEqual(liveView(observationOf(both.event)!));
});

expectDeclaredCalls();
