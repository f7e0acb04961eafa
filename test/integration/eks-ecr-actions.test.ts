// The EKS, ECR and Container Insights actions and their live reads, against moto server.
// aws-sdk-client-mock is used only where moto cannot answer, always on a separate client instance:
// - ECS UpdateClusterSettings is not implemented in moto: the mock turns it into moto's UpdateCluster (same
//   `settings` member), so the cluster's state still lives in moto and DescribeClusters reads it back.
// - EKS: moto's UpdateClusterConfig answers `{cluster}` instead of `{update}` and has no DescribeUpdate, so the
//   happy paths run on moto (no update to follow) and the DescribeUpdate polling, failure and "update in progress"
//   paths run on a mock. moto also replaces resourcesVpcConfig wholesale (subnetIds are dropped), so the exact
//   UpdateClusterConfig input of restrict-eks-endpoint is pinned on a mock too.
import { CreateRepositoryCommand, DeleteRepositoryCommand } from '@aws-sdk/client-ecr';
import {
  CreateClusterCommand as CreateEcsClusterCommand, DescribeClustersCommand, ECSClient, UpdateClusterCommand,
  UpdateClusterSettingsCommand,
} from '@aws-sdk/client-ecs';
import {
  CreateClusterCommand, DeleteClusterCommand, DescribeClusterCommand, DescribeUpdateCommand, EKSClient,
  InvalidParameterException, ResourceInUseException, ThrottlingException, UpdateClusterConfigCommand,
  type LogType, type Update,
} from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import type { ActionClients, FixingAction } from '../../functions/actions';
import { loadAction } from '../../functions/actions';
import { enableContainerInsights as enableContainerInsightsCode } from '../../functions/actions/enable-container-insights';
import { enableEcrScanOnPush as enableEcrScanOnPushCode } from '../../functions/actions/enable-ecr-scan-on-push';
import { enableEksLogging as enableEksLoggingCode } from '../../functions/actions/enable-eks-logging';
import { restrictEksEndpoint as restrictEksEndpointCode } from '../../functions/actions/restrict-eks-endpoint';
import { setEcrTagImmutability as setEcrTagImmutabilityCode } from '../../functions/actions/set-ecr-tag-immutability';
import { clients } from '../../functions/aws/clients';
import { updatePolling } from '../../functions/aws/eks';
import { readEcrRepository, readEksCluster } from '../../functions/aws/live-eks-ecr';
import type { Finding, ResourceRef } from '../../functions/domain/model';
import { defaultPolicy, PolicySchema } from '../../functions/domain/policy';
import { useMoto } from '../support/emulator';
import { expectDeclaredCalls, traced, tracedClients } from '../support/permissions';

useMoto();
// Every call below is checked against the actions' declared IAM grants (expectDeclaredCalls, last in this file).
const enableContainerInsights = traced(enableContainerInsightsCode);
const enableEcrScanOnPush = traced(enableEcrScanOnPushCode);
const enableEksLogging = traced(enableEksLoggingCode);
const restrictEksEndpoint = traced(restrictEksEndpointCode);
const setEcrTagImmutability = traced(setEcrTagImmutabilityCode);
const triageClients = tracedClients(clients, 'triage');

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const policy = defaultPolicy();
const withAdmins = (adminCidrs: string[]) => PolicySchema.parse({ eks: { adminCidrs } });

const eksArn = (name: string) => `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/${name}`;
const ecrArn = (name: string) => `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${name}`;
const ecsArn = (name: string) => `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${name}`;

const ref = (type: string, id: string, tags?: Record<string, string>): ResourceRef => ({
  type, id, account: ACCOUNT, region: REGION, ...(tags ? { tags } : {}),
});
const finding = (control: string, action: string, resource: ResourceRef): Finding => ({
  control, title: 't', severity: 'MEDIUM', evidence: 'e', resource,
  remediation: { action, mode: 'auto', targets: [resource.id] },
});

/** inspect → apply → verify, as the state machine runs them. */
async function fix(action: FixingAction, f: Finding, c: ActionClients = clients, p = policy) {
  const inspection = await action.inspect(f, c, p);
  const applied = await action.apply(inspection.plan, c);
  const verified = await action.verify(inspection.plan, c);
  return { inspection, applied, verified };
}

test('the five actions are registered under the ids the catalog names', async () => {
  for (const id of ['enable-container-insights', 'enable-eks-logging', 'restrict-eks-endpoint', 'enable-ecr-scan-on-push', 'set-ecr-tag-immutability']) {
    const action = await loadAction(id);
    expect(action?.id).toBe(id);
    expect(typeof action?.apply).toBe('function');
    expect(typeof action?.verify).toBe('function');
  }
});

// ------------------------------------------------------------------------------------------------ EKS on moto

const ROLE = `arn:aws:iam::${ACCOUNT}:role/eks-cluster`;
const ALL_TYPES: LogType[] = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'];

async function createEksCluster(name: string, opts: {
  enabled?: LogType[]; vpc?: Record<string, unknown>; tags?: Record<string, string>;
} = {}) {
  const disabled = ALL_TYPES.filter((t) => !(opts.enabled ?? []).includes(t));
  await clients.eks().send(new CreateClusterCommand({
    name, roleArn: ROLE,
    resourcesVpcConfig: { subnetIds: ['subnet-0a1', 'subnet-0b2'], ...opts.vpc },
    ...(opts.enabled ? {
      logging: { clusterLogging: [{ types: opts.enabled, enabled: true }, { types: disabled, enabled: false }] },
    } : {}),
    ...(opts.tags ? { tags: opts.tags } : {}),
  }));
  return eksArn(name);
}

const liveLogTypes = async (name: string) =>
  ((await clients.eks().send(new DescribeClusterCommand({ name }))).cluster?.logging?.clusterLogging ?? [])
    .filter((s) => s.enabled).flatMap((s) => s.types ?? []).sort();

describe('enable-eks-logging (moto)', () => {
  const eksFinding = (arn: string, tags?: Record<string, string>) =>
    finding('eks-control-plane-logging', 'enable-eks-logging', ref('AWS::EKS::Cluster', arn, tags));

  test('enables the missing types, keeps the enabled ones, and verifies on DescribeCluster', async () => {
    const arn = await createEksCluster('logs-partial', { enabled: ['api', 'scheduler'], tags: { Owner: 'platform' } });
    const { inspection, applied, verified } = await fix(enableEksLogging, eksFinding(arn));
    expect(inspection.stillViolating).toBe(true);
    expect(inspection.tags).toEqual({ Owner: 'platform' });
    expect(inspection.plan.targets).toEqual([arn]);
    expect(inspection.plan.details).toMatchObject({
      clusterName: 'logs-partial', enabledBefore: ['api', 'scheduler'], missing: ['audit', 'authenticator'],
      types: ['api', 'audit', 'authenticator', 'scheduler'],
    });
    expect(inspection.plan.steps[0]).toContain('enable control-plane log types audit, authenticator on EKS cluster logs-partial');
    expect(inspection.plan.steps.join('\n')).toContain('DescribeUpdate');
    // moto answers {cluster} (no update to follow): the action still applies and verifies by reading the cluster.
    expect(applied).toEqual({ applied: [arn], alreadyGone: [] });
    expect(verified).toEqual({ verified: true, remaining: [] });
    expect(await liveLogTypes('logs-partial')).toEqual(['api', 'audit', 'authenticator', 'scheduler']);
    expect((await enableEksLogging.inspect(eksFinding(arn), clients, policy)).stillViolating).toBe(false);
  });

  test('a new cluster (every type disabled) gets api, audit and authenticator; finding tags are not re-read', async () => {
    const arn = await createEksCluster('logs-default');
    const { inspection } = await fix(enableEksLogging, eksFinding(arn, { Owner: 'known' }));
    expect(inspection.tags).toBeUndefined();
    expect(inspection.plan.details).toMatchObject({ missing: ['api', 'audit', 'authenticator'] });
    expect(await liveLogTypes('logs-default')).toEqual(['api', 'audit', 'authenticator']);
  });

  test('all three already enabled, or the cluster deleted: nothing to do; apply and verify are no-ops', async () => {
    const arn = await createEksCluster('logs-ok', { enabled: ['api', 'audit', 'authenticator'] });
    const ok = await enableEksLogging.inspect(eksFinding(arn), clients, policy);
    expect(ok).toMatchObject({ stillViolating: false, plan: { targets: [], steps: [] } });
    expect(await enableEksLogging.apply(ok.plan, clients)).toEqual({ applied: [], alreadyGone: [] });

    const gone = await createEksCluster('logs-gone');
    await clients.eks().send(new DeleteClusterCommand({ name: 'logs-gone' }));
    const inspection = await enableEksLogging.inspect(eksFinding(gone), clients, policy);
    expect(inspection.stillViolating).toBe(false);
    expect(inspection.plan.targets).toEqual([]);
    // Deleted is its own answer (resource-gone), not "already enabled".
    expect(inspection.gone).toBe(true);
    expect(ok.gone).toBeUndefined();
  });

  test('a cluster deleted between inspect and apply is already gone, and verifies', async () => {
    const arn = await createEksCluster('logs-deleted');
    const { plan } = await enableEksLogging.inspect(eksFinding(arn), clients, policy);
    await clients.eks().send(new DeleteClusterCommand({ name: 'logs-deleted' }));
    expect(await enableEksLogging.apply(plan, clients)).toEqual({ applied: [], alreadyGone: [arn] });
    expect(await enableEksLogging.verify(plan, clients)).toEqual({ verified: true, remaining: [] });
  });

  test('verify fails while a required type is still off', async () => {
    const arn = await createEksCluster('logs-undone', { enabled: ['api'] });
    const { plan } = await enableEksLogging.inspect(eksFinding(arn), clients, policy);
    expect(await enableEksLogging.verify(plan, clients)).toEqual({ verified: false, remaining: [arn] });
  });
});

describe('restrict-eks-endpoint (moto)', () => {
  const endpointFinding = (arn: string) =>
    finding('eks-endpoint-public', 'restrict-eks-endpoint', ref('AWS::EKS::Cluster', arn));
  const liveVpc = async (name: string) => (await clients.eks().send(new DescribeClusterCommand({ name }))).cluster?.resourcesVpcConfig;

  test('with admin CIDRs: public access limited to them, private access on', async () => {
    const arn = await createEksCluster('api-open', { vpc: { endpointPublicAccess: true, publicAccessCidrs: ['0.0.0.0/0'] } });
    const { inspection, applied, verified } = await fix(restrictEksEndpoint, endpointFinding(arn), clients, withAdmins(['203.0.113.0/24']));
    expect(inspection.stillViolating).toBe(true);
    expect(inspection.plan.details).toMatchObject({
      clusterName: 'api-open',
      resourcesVpcConfig: { endpointPublicAccess: true, publicAccessCidrs: ['203.0.113.0/24'], endpointPrivateAccess: true },
      before: { endpointPublicAccess: true, endpointPrivateAccess: false, publicAccessCidrs: ['0.0.0.0/0'] },
    });
    expect(inspection.plan.steps[0]).toContain('limit public access to the API endpoint of EKS cluster api-open to 203.0.113.0/24');
    expect(inspection.plan.steps[1]).toMatch(/^warning: kubectl, CI\/CD .* lose access/);
    expect(applied).toEqual({ applied: [arn], alreadyGone: [] });
    expect(verified).toEqual({ verified: true, remaining: [] });
    expect(await liveVpc('api-open')).toMatchObject({ endpointPublicAccess: true, endpointPrivateAccess: true, publicAccessCidrs: ['203.0.113.0/24'] });
  });

  test('without admin CIDRs (the default policy): public access off, private on; the plan warns about lock-out', async () => {
    const arn = await createEksCluster('api-default'); // no endpoint fields: the API default is public + 0.0.0.0/0
    const { inspection, verified } = await fix(restrictEksEndpoint, endpointFinding(arn));
    expect(inspection.plan.details).toMatchObject({ resourcesVpcConfig: { endpointPublicAccess: false, endpointPrivateAccess: true } });
    expect(inspection.plan.steps.join('\n')).toContain('lose access to the Kubernetes API');
    expect(verified.verified).toBe(true);
    expect(await liveVpc('api-default')).toMatchObject({ endpointPublicAccess: false, endpointPrivateAccess: true });
  });

  test('a public endpoint limited to a /24, or a private one, is left alone', async () => {
    const limited = await createEksCluster('api-24', { vpc: { endpointPublicAccess: true, publicAccessCidrs: ['198.51.100.0/24'] } });
    const priv = await createEksCluster('api-private', { vpc: { endpointPublicAccess: false, endpointPrivateAccess: true } });
    for (const arn of [limited, priv]) {
      expect(await restrictEksEndpoint.inspect(endpointFinding(arn), clients, policy)).toMatchObject({
        stillViolating: false, plan: { targets: [], steps: [] },
      });
    }
  });
});

// ------------------------------------------------------------------------------------------------ EKS on a mock

describe('EKS asynchronous updates (aws-sdk-client-mock: moto has no DescribeUpdate)', () => {
  const NAME = 'async';
  const ARN = eksArn(NAME);
  const eks = new EKSClient({ region: REGION });
  const m = mockClient(eks);
  const mocked: ActionClients = { ...clients, eks: () => eks };
  const f = (action: string, control: string) => finding(control, action, ref('AWS::EKS::Cluster', ARN));
  const update = (status: Update['status'], extra: Partial<Update> = {}): Update => ({ id: 'u-1', type: 'LoggingUpdate', status, ...extra });

  beforeAll(() => { updatePolling.delayMs = 0; });
  afterAll(() => { updatePolling.delayMs = 2000; m.restore(); });
  beforeEach(() => {
    m.reset();
    m.on(DescribeClusterCommand).resolves({
      cluster: {
        name: NAME, arn: ARN, status: 'ACTIVE',
        logging: { clusterLogging: [{ types: ['api'], enabled: true }, { types: ['audit', 'authenticator'], enabled: false }] },
        resourcesVpcConfig: { subnetIds: ['subnet-1'], endpointPublicAccess: true, endpointPrivateAccess: false, publicAccessCidrs: ['0.0.0.0/0'] },
      },
    });
  });

  const planOf = async (action: FixingAction, p = policy) => (await action.inspect(f(action.id, 'c'), mocked, p)).plan;

  test('logging: the exact UpdateClusterConfig, then DescribeUpdate until Successful', async () => {
    m.on(UpdateClusterConfigCommand).resolves({ update: update('InProgress') });
    m.on(DescribeUpdateCommand).resolvesOnce({ update: update('InProgress') }).resolves({ update: update('Successful') });
    expect(await enableEksLogging.apply(await planOf(enableEksLogging), mocked)).toEqual({ applied: [ARN], alreadyGone: [] });
    expect(m.commandCalls(UpdateClusterConfigCommand).map((c) => c.args[0].input)).toEqual([
      { name: NAME, logging: { clusterLogging: [{ types: ['api', 'audit', 'authenticator'], enabled: true }] } },
    ]);
    expect(m.commandCalls(DescribeUpdateCommand).map((c) => c.args[0].input)).toEqual([
      { name: NAME, updateId: 'u-1' }, { name: NAME, updateId: 'u-1' },
    ]);
  });

  test('endpoint: the exact UpdateClusterConfig (endpoint fields only, one update type per call)', async () => {
    m.on(UpdateClusterConfigCommand).resolves({ update: update('Successful', { type: 'EndpointAccessUpdate' }) });
    const plan = await planOf(restrictEksEndpoint, withAdmins(['203.0.113.0/24', '198.51.100.7/32']));
    expect(await restrictEksEndpoint.apply(plan, mocked)).toEqual({ applied: [ARN], alreadyGone: [] });
    expect(m.commandCalls(UpdateClusterConfigCommand)[0]!.args[0].input).toEqual({
      name: NAME,
      resourcesVpcConfig: { endpointPublicAccess: true, publicAccessCidrs: ['203.0.113.0/24', '198.51.100.7/32'], endpointPrivateAccess: true },
    });
    expect(m.commandCalls(DescribeUpdateCommand)).toHaveLength(0); // already Successful in the response
  });

  test('a Failed update fails the step with its errors', async () => {
    m.on(UpdateClusterConfigCommand).resolves({ update: update('InProgress') });
    m.on(DescribeUpdateCommand).resolves({
      update: update('Failed', { errors: [{ errorCode: 'AccessDenied', errorMessage: 'role cannot create the log group' }] }),
    });
    await expect(enableEksLogging.apply(await planOf(enableEksLogging), mocked)).rejects.toMatchObject({
      name: 'Warden.UpdateFailed', message: expect.stringContaining('u-1 Failed: AccessDenied: role cannot create the log group'),
    });
  });

  test('a Cancelled update fails the step too', async () => {
    m.on(UpdateClusterConfigCommand).resolves({ update: update('Cancelled') });
    await expect(restrictEksEndpoint.apply(await planOf(restrictEksEndpoint), mocked)).rejects.toMatchObject({ name: 'Warden.UpdateFailed' });
  });

  test('an update still running after the bounded polls throws Warden.UpdateInProgress (the state machine retries)', async () => {
    m.on(UpdateClusterConfigCommand).resolves({ update: update('InProgress') });
    m.on(DescribeUpdateCommand).resolves({ update: update('InProgress') });
    await expect(enableEksLogging.apply(await planOf(enableEksLogging), mocked)).rejects.toMatchObject({
      name: 'Warden.UpdateInProgress', message: expect.stringContaining('u-1 still InProgress'),
    });
    expect(m.commandCalls(DescribeUpdateCommand)).toHaveLength(updatePolling.attempts);
  });

  test('another update in progress (ResourceInUseException, InvalidRequestException) is Warden.UpdateInProgress', async () => {
    const plan = await planOf(enableEksLogging);
    m.on(UpdateClusterConfigCommand).rejects(new ResourceInUseException({
      $metadata: {}, message: `Cannot LoggingUpdate because cluster ${NAME} currently has update 0585fedb in progress`,
    }));
    await expect(enableEksLogging.apply(plan, mocked)).rejects.toMatchObject({ name: 'Warden.UpdateInProgress' });
    m.on(UpdateClusterConfigCommand).rejects(Object.assign(new Error('Cluster is in UPDATING state'), { name: 'InvalidRequestException' }));
    await expect(enableEksLogging.apply(plan, mocked)).rejects.toMatchObject({ name: 'Warden.UpdateInProgress' });
  });

  test('"no changes needed" on a re-run counts as already fixed; throttling becomes Warden.Throttled', async () => {
    const plan = await planOf(enableEksLogging);
    m.on(UpdateClusterConfigCommand).rejects(new InvalidParameterException({
      $metadata: {}, message: 'No changes needed for the logging config provided',
    }));
    expect(await enableEksLogging.apply(plan, mocked)).toEqual({ applied: [], alreadyGone: [ARN] });
    m.on(UpdateClusterConfigCommand).rejects(new ThrottlingException({ $metadata: {}, message: 'Rate exceeded' }));
    await expect(enableEksLogging.apply(plan, mocked)).rejects.toMatchObject({ name: 'Warden.Throttled' });
  });

  test('any other invalid parameter is a real error, not "already fixed"', async () => {
    m.on(UpdateClusterConfigCommand).rejects(new InvalidParameterException({ $metadata: {}, message: 'Only one type of update can be allowed.' }));
    await expect(enableEksLogging.apply(await planOf(enableEksLogging), mocked)).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });
});

// ------------------------------------------------------------------------------------------------ ECR on moto

async function createRepository(name: string, opts: { scanOnPush?: boolean; mutability?: 'MUTABLE' | 'IMMUTABLE'; tags?: Record<string, string> } = {}) {
  await clients.ecr().send(new CreateRepositoryCommand({
    repositoryName: name,
    ...(opts.scanOnPush !== undefined ? { imageScanningConfiguration: { scanOnPush: opts.scanOnPush } } : {}),
    ...(opts.mutability ? { imageTagMutability: opts.mutability } : {}),
    ...(opts.tags ? { tags: Object.entries(opts.tags).map(([Key, Value]) => ({ Key, Value })) } : {}),
  }));
  return ecrArn(name);
}

describe('enable-ecr-scan-on-push (moto)', () => {
  const scanFinding = (arn: string) => finding('ecr-scan-on-push', 'enable-ecr-scan-on-push', ref('AWS::ECR::Repository', arn));

  test('turns scan on push on, reads the tags, verifies; a second inspect finds nothing to do', async () => {
    const arn = await createRepository('team/web', { scanOnPush: false, tags: { Owner: 'web', Environment: 'prod' } });
    const { inspection, applied, verified } = await fix(enableEcrScanOnPush, scanFinding(arn));
    expect(inspection).toMatchObject({ stillViolating: true, tags: { Owner: 'web', Environment: 'prod' } });
    expect(inspection.plan.targets).toEqual([arn]);
    expect(inspection.plan.details).toEqual({ repositoryName: 'team/web', scanOnPushBefore: false });
    expect(inspection.plan.steps[0]).toContain('turn on scan on push for ECR repository team/web');
    expect(applied).toEqual({ applied: [arn], alreadyGone: [] });
    expect(verified).toEqual({ verified: true, remaining: [] });
    expect((await readEcrRepository(ref('AWS::ECR::Repository', arn), triageClients))?.facts).toMatchObject({
      kind: 'ecr-repository', repository: { scanOnPush: true },
    });
    expect((await enableEcrScanOnPush.inspect(scanFinding(arn), clients, policy)).stillViolating).toBe(false);
  });

  test('a repository created without a scanning configuration is a target; one deleted before apply is already gone', async () => {
    const arn = await createRepository('plain');
    const { plan, stillViolating } = await enableEcrScanOnPush.inspect(scanFinding(arn), clients, policy);
    expect(stillViolating).toBe(true);
    await clients.ecr().send(new DeleteRepositoryCommand({ repositoryName: 'plain' }));
    expect(await enableEcrScanOnPush.apply(plan, clients)).toEqual({ applied: [], alreadyGone: [arn] });
    expect(await enableEcrScanOnPush.verify(plan, clients)).toEqual({ verified: true, remaining: [] });
    expect(await enableEcrScanOnPush.inspect(scanFinding(arn), clients, policy)).toMatchObject({ stillViolating: false, gone: true });
  });

  test('verify fails when scan on push is still off', async () => {
    const arn = await createRepository('undone', { scanOnPush: false });
    const { plan } = await enableEcrScanOnPush.inspect(scanFinding(arn), clients, policy);
    expect(await enableEcrScanOnPush.verify(plan, clients)).toEqual({ verified: false, remaining: [arn] });
  });
});

describe('set-ecr-tag-immutability (moto)', () => {
  const tagFinding = (arn: string) => finding('ecr-tag-immutability', 'set-ecr-tag-immutability', ref('AWS::ECR::Repository', arn, {}));

  test('MUTABLE becomes IMMUTABLE; the plan warns that re-pushed tags will fail and records the old value', async () => {
    const arn = await createRepository('api', { mutability: 'MUTABLE' });
    const { inspection, applied, verified } = await fix(setEcrTagImmutability, tagFinding(arn));
    expect(inspection.stillViolating).toBe(true);
    expect(inspection.tags).toBeUndefined(); // the finding carried tags
    expect(inspection.plan.details).toEqual({ repositoryName: 'api', imageTagMutabilityBefore: 'MUTABLE' });
    expect(inspection.plan.steps[1]).toMatch(/^warning: pipelines that re-push an existing tag \(latest/);
    expect(applied).toEqual({ applied: [arn], alreadyGone: [] });
    expect(verified).toEqual({ verified: true, remaining: [] });
    expect((await readEcrRepository(ref('AWS::ECR::Repository', arn), triageClients))?.facts).toMatchObject({
      repository: { tagMutability: 'IMMUTABLE' },
    });
  });

  test('an IMMUTABLE repository is left alone; apply is idempotent', async () => {
    const arn = await createRepository('locked', { mutability: 'IMMUTABLE' });
    expect((await setEcrTagImmutability.inspect(tagFinding(arn), clients, policy)).stillViolating).toBe(false);
    const open = await createRepository('open');
    const { plan } = await setEcrTagImmutability.inspect(tagFinding(open), clients, policy);
    await setEcrTagImmutability.apply(plan, clients);
    expect(await setEcrTagImmutability.apply(plan, clients)).toEqual({ applied: [open], alreadyGone: [] });
    expect((await setEcrTagImmutability.verify(plan, clients)).verified).toBe(true);
  });
});

// ------------------------------------------------------------------------------------------------ Container Insights

describe('enable-container-insights (moto, UpdateClusterSettings through aws-sdk-client-mock)', () => {
  const real = () => clients.ecs();
  const ecs = new ECSClient({ region: REGION });
  const m = mockClient(ecs);
  const mocked: ActionClients = { ...clients, ecs: () => ecs };
  const insightsFinding = (name: string) =>
    finding('ecs-cluster-container-insights', 'enable-container-insights', ref('AWS::ECS::Cluster', ecsArn(name)));

  afterAll(() => m.restore());
  beforeEach(() => {
    m.reset();
    m.on(DescribeClustersCommand).callsFake((input) => real().send(new DescribeClustersCommand(input)));
    // moto has no UpdateClusterSettings; its UpdateCluster takes the same `settings` and changes the same state.
    m.on(UpdateClusterSettingsCommand).callsFake((input) => real().send(new UpdateClusterCommand({ cluster: input.cluster, settings: input.settings })));
  });

  const createCluster = (name: string, value?: string, tags?: Record<string, string>) =>
    real().send(new CreateEcsClusterCommand({
      clusterName: name,
      ...(value ? { settings: [{ name: 'containerInsights', value: value as 'enabled' }] } : {}),
      ...(tags ? { tags: Object.entries(tags).map(([key, v]) => ({ key, value: v })) } : {}),
    }));

  test('disabled → enabled with the exact UpdateClusterSettings call; verified on DescribeClusters', async () => {
    await createCluster('web', 'disabled', { Owner: 'web' });
    const { inspection, applied, verified } = await fix(enableContainerInsights, insightsFinding('web'), mocked);
    expect(inspection).toMatchObject({ stillViolating: true, tags: { Owner: 'web' } });
    expect(inspection.plan.targets).toEqual([ecsArn('web')]);
    expect(inspection.plan.details).toEqual({ cluster: ecsArn('web'), containerInsightsBefore: 'disabled' });
    expect(inspection.plan.steps[0]).toContain('turn on Container Insights for ECS cluster web');
    expect(m.commandCalls(UpdateClusterSettingsCommand).map((c) => c.args[0].input)).toEqual([
      { cluster: ecsArn('web'), settings: [{ name: 'containerInsights', value: 'enabled' }] },
    ]);
    expect(m.commandCalls(DescribeClustersCommand)[0]!.args[0].input).toMatchObject({ include: expect.arrayContaining(['SETTINGS']) });
    expect(applied).toEqual({ applied: [ecsArn('web')], alreadyGone: [] });
    expect(verified).toEqual({ verified: true, remaining: [] });
    expect((await enableContainerInsights.inspect(insightsFinding('web'), mocked, policy)).stillViolating).toBe(false);
  });

  test('a cluster created without the setting (moto reports disabled) is a target', async () => {
    await createCluster('plain');
    expect((await enableContainerInsights.inspect(insightsFinding('plain'), mocked, policy)).stillViolating).toBe(true);
  });

  test('enhanced and enabled count as on; a missing cluster is not violating; nothing is called', async () => {
    await createCluster('enhanced', 'enhanced');
    await createCluster('enabled', 'enabled');
    for (const name of ['enhanced', 'enabled', 'missing']) {
      const { stillViolating, plan } = await enableContainerInsights.inspect(insightsFinding(name), mocked, policy);
      expect(stillViolating).toBe(false);
      expect(await enableContainerInsights.apply(plan, mocked)).toEqual({ applied: [], alreadyGone: [] });
    }
    expect(m.commandCalls(UpdateClusterSettingsCommand)).toHaveLength(0);
  });

  test('verify fails while the cluster is still disabled', async () => {
    await createCluster('stuck', 'disabled');
    const { plan } = await enableContainerInsights.inspect(insightsFinding('stuck'), mocked, policy);
    expect(await enableContainerInsights.verify(plan, mocked)).toEqual({ verified: false, remaining: [ecsArn('stuck')] });
  });
});

// ------------------------------------------------------------------------------------------------ live reads for triage

describe('live state for triage', () => {
  test('readEksCluster: facts (API defaults filled in) and tags; undefined once deleted', async () => {
    const arn = await createEksCluster('live', {
      enabled: ['api', 'audit'], tags: { Owner: 'platform' },
      vpc: { endpointPublicAccess: true, endpointPrivateAccess: true, publicAccessCidrs: ['203.0.113.0/24'] },
    });
    await clients.eks().send(new CreateClusterCommand({
      name: 'live-default', roleArn: ROLE, resourcesVpcConfig: { subnetIds: ['subnet-0a1'] },
      encryptionConfig: [{ resources: ['secrets'], provider: { keyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/k-1` } }],
    }));
    expect(await readEksCluster(ref('AWS::EKS::Cluster', arn), triageClients)).toEqual({
      facts: {
        kind: 'eks-cluster',
        cluster: {
          name: 'live', arn, endpointPublicAccess: true, endpointPrivateAccess: true, publicAccessCidrs: ['203.0.113.0/24'],
          enabledLogTypes: ['api', 'audit'], secretsEncrypted: false,
        },
      },
      tags: { Owner: 'platform' },
    });
    expect((await readEksCluster(ref('AWS::EKS::Cluster', 'live-default'), triageClients))?.facts).toEqual({
      kind: 'eks-cluster',
      cluster: {
        name: 'live-default', arn: eksArn('live-default'), endpointPublicAccess: true, endpointPrivateAccess: false,
        publicAccessCidrs: ['0.0.0.0/0'], enabledLogTypes: [], secretsEncrypted: true,
      },
    });
    await clients.eks().send(new DeleteClusterCommand({ name: 'live' }));
    expect(await readEksCluster(ref('AWS::EKS::Cluster', arn), triageClients)).toBeUndefined();
  });

  test('readEcrRepository: facts and tags (names with a slash); undefined once deleted', async () => {
    const arn = await createRepository('team/api', { scanOnPush: true, mutability: 'IMMUTABLE', tags: { Owner: 'api' } });
    expect(await readEcrRepository(ref('AWS::ECR::Repository', arn), triageClients)).toEqual({
      facts: { kind: 'ecr-repository', repository: { repositoryName: 'team/api', arn, scanOnPush: true, tagMutability: 'IMMUTABLE' } },
      tags: { Owner: 'api' },
    });
    const plain = await createRepository('plain');
    expect((await readEcrRepository(ref('AWS::ECR::Repository', plain), triageClients))?.facts).toEqual({
      kind: 'ecr-repository', repository: { repositoryName: 'plain', arn: plain, scanOnPush: false, tagMutability: 'MUTABLE' },
    });
    await clients.ecr().send(new DeleteRepositoryCommand({ repositoryName: 'team/api' }));
    expect(await readEcrRepository(ref('AWS::ECR::Repository', arn), triageClients)).toBeUndefined();
  });
});

expectDeclaredCalls();
