import { normalize } from '../../../functions/domain/events';
import { hostOf } from '../../../functions/domain/events/guardduty';
import { ACCOUNT, envelope, factsOf, observed, REGION, sample } from './fixtures';

type Json = Record<string, unknown>;

const TASK = `arn:aws:ecs:${REGION}:${ACCOUNT}:task/payments/0123456789abcdef`;
const gd = (detail: Json) => envelope('aws.guardduty', 'GuardDuty Finding', detail);

const finding = (resource: Json, over: Json = {}): Json => ({
  schemaVersion: '2.0',
  accountId: ACCOUNT,
  region: REGION,
  partition: 'aws',
  id: 'f-1',
  type: 'Execution:Runtime/ReverseShell',
  severity: 8,
  updatedAt: '2025-05-14T09:12:00.000Z',
  title: 'reverse shell',
  resource,
  service: { serviceName: 'guardduty', archived: false, count: 3, runtimeDetails: { process: { name: 'bash', executablePath: '/bin/bash' } } },
  ...over,
});

const ecsResource = (task: Json = {}): Json => ({
  resourceType: 'ECSCluster',
  ecsClusterDetails: {
    name: 'payments',
    arn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/payments`,
    tags: [{ key: 'Owner', value: 'payments-team' }],
    taskDetails: {
      arn: TASK,
      definitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/web:7`,
      group: 'service:web',
      startedBy: 'ecs-svc/1',
      launchType: 'FARGATE',
      containers: [{ name: 'web', image: 'web:1' }],
      ...task,
    },
  },
});

const instance = (tags: { key: string; value: string }[]): Json => ({
  resourceType: 'Instance',
  instanceDetails: { instanceId: 'i-0123456789abcdef0', tags },
});

describe('GuardDuty Finding normalizer', () => {
  test('ECSCluster with a task: the task ARN is the resource, with cluster tags and task facts', () => {
    const n = normalize(gd(finding(ecsResource())));
    const o = observed(n);
    expect(o.source).toBe('guardduty');
    expect(o.eventName).toBe('GuardDuty Finding');
    expect(o.resource).toMatchObject({ type: 'AWS::ECS::Task', id: TASK, arn: TASK, tags: { Owner: 'payments-team' } });
    expect(factsOf(n, 'guardduty-finding').finding).toEqual({
      id: 'f-1',
      type: 'Execution:Runtime/ReverseShell',
      severity: 8,
      updatedAt: '2025-05-14T09:12:00.000Z',
      count: 3,
      resourceType: 'ECSCluster',
      title: 'reverse shell',
      clusterName: 'payments',
      clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/payments`,
      taskArn: TASK,
      taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/web:7`,
      taskGroup: 'service:web',
      startedBy: 'ecs-svc/1',
      launchType: 'FARGATE',
      containers: ['web (web:1)'],
      process: 'bash (/bin/bash)',
      runtime: true,
    });
  });

  test('ECSCluster without task details: the cluster is the resource', () => {
    const r = ecsResource();
    (r.ecsClusterDetails as Json).taskDetails = null;
    const o = observed(normalize(gd(finding(r))));
    expect(o.resource).toMatchObject({ type: 'AWS::ECS::Cluster', id: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/payments` });
  });

  test('EKSCluster: the cluster ARN, the Kubernetes user and workload', () => {
    const n = normalize(
      gd(
        finding({
          resourceType: 'EKSCluster',
          eksClusterDetails: { name: 'platform', arn: `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/platform`, tags: [] },
          kubernetesDetails: {
            kubernetesUserDetails: { username: 'system:anonymous' },
            kubernetesWorkloadDetails: { name: 'web-1', type: 'pods', namespace: 'prod', containers: [{ name: 'web', image: 'nginx' }] },
          },
        }),
      ),
    );
    expect(observed(n).resource).toMatchObject({ type: 'AWS::EKS::Cluster', id: `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/platform` });
    expect(factsOf(n, 'guardduty-finding').finding).toMatchObject({
      resourceType: 'EKSCluster',
      clusterName: 'platform',
      kubernetesUser: 'system:anonymous',
      kubernetesNamespace: 'prod',
      kubernetesWorkload: 'pods/web-1',
      containers: ['web (nginx)'],
    });
  });

  test('EKSCluster without an ARN: the ARN is built from the name', () => {
    const o = observed(normalize(gd(finding({ resourceType: 'EKSCluster', eksClusterDetails: { name: 'platform' } }))));
    expect(o.resource.id).toBe(`arn:aws:eks:${REGION}:${ACCOUNT}:cluster/platform`);
  });

  test.each([
    [[{ key: 'eks:cluster-name', value: 'platform' }], 'eks', 'platform'],
    [[{ key: 'aws:eks:cluster-name', value: 'platform' }], 'eks', 'platform'],
    [[{ key: 'kubernetes.io/cluster/platform', value: 'owned' }], 'eks', 'platform'],
    [[{ key: 'AmazonECSManaged', value: '' }], 'ecs', undefined],
  ])('Instance tagged %j: an %s host', (tags, host, cluster) => {
    const n = normalize(gd(finding(instance(tags))));
    const arn = `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/i-0123456789abcdef0`;
    expect(observed(n).resource).toMatchObject({ type: 'AWS::EC2::Instance', id: arn, arn });
    const f = factsOf(n, 'guardduty-finding').finding;
    expect(f).toMatchObject({ resourceType: 'Instance', instanceId: 'i-0123456789abcdef0', instanceArn: arn, host });
    expect(f.clusterName).toBe(cluster);
  });

  test('hostOf: no tags or unrelated tags are not a container host', () => {
    expect(hostOf(undefined)).toBeUndefined();
    expect(hostOf({ Name: 'bastion' })).toBeUndefined();
  });

  test.each([
    ['an archived finding', finding(ecsResource(), { service: { archived: true } }), 'is archived'],
    ['a sample finding', finding(ecsResource(), { service: { additionalInfo: { value: '{}', type: 'default', sample: true } } }), 'is a sample finding'],
    ['an S3 finding', finding({ resourceType: 'S3Bucket' }), 'not an ECS task, EKS cluster or container host'],
    ['an ECSCluster finding without details', finding({ resourceType: 'ECSCluster' }), 'without ecsClusterDetails'],
    ['an EKSCluster finding without a name', finding({ resourceType: 'EKSCluster', eksClusterDetails: {} }), 'without eksClusterDetails.name'],
    ['an Instance finding without an id', finding({ resourceType: 'Instance', instanceDetails: {} }), 'without instanceDetails.instanceId'],
  ])('%s is ignored with a reason', (_name, detail, reason) => {
    const n = normalize(gd(detail));
    expect(n.kind).toBe('ignored');
    if (n.kind === 'ignored') expect(n.reason).toContain(reason);
  });

  test.each([
    ['a plain EC2 instance', finding(instance([{ key: 'Name', value: 'bastion' }]))],
    ['an untagged EC2 instance', finding({ resourceType: 'Instance', instanceDetails: { instanceId: 'i-0123456789abcdef0' } })],
  ])('%s is an observation without a host: the control asks live state whether it is an ECS container instance', (_name, detail) => {
    const f = factsOf(normalize(gd(detail)), 'guardduty-finding').finding;
    expect(f).toMatchObject({ resourceType: 'Instance', instanceId: 'i-0123456789abcdef0' });
    expect(f.host).toBeUndefined();
  });

  test('archived and sample findings keep the observation for the audit trail', () => {
    const n = normalize(gd(finding(ecsResource(), { service: { archived: true } })));
    expect(n.kind === 'ignored' && n.observation?.resource.id).toBe(TASK);
  });

  test('a broken detail is invalid, naming the path', () => {
    const n = normalize(gd({ ...finding(ecsResource()), severity: 'high' }));
    expect(n).toEqual({ kind: 'invalid', reason: expect.stringContaining('GuardDuty finding: detail does not match its schema at detail.severity') });
  });

  test('another GuardDuty detail-type is not an event Warden knows', () => {
    const n = normalize(envelope('aws.guardduty', 'GuardDuty Malware Protection Object Scan Result', {}));
    expect(n.kind).toBe('invalid');
  });

  test('the samples normalize as documented', () => {
    expect(observed(normalize(sample('guardduty/ecs-runtime-reverse-shell-standalone.json'))).resource.type).toBe('AWS::ECS::Task');
    expect(observed(normalize(sample('guardduty/eks-runtime-crypto-miner.json'))).resource.type).toBe('AWS::EKS::Cluster');
    expect(observed(normalize(sample('guardduty/ec2-eks-node.json'))).resource.type).toBe('AWS::EC2::Instance');
  });

  test('an EKS runtime finding keeps the EC2 node it names, with its tags (the node is isolated and cordoned)', () => {
    const f = observed(normalize(sample('guardduty/eks-runtime-crypto-miner.json'))).facts;
    expect(f).toMatchObject({
      kind: 'guardduty-finding',
      finding: {
        resourceType: 'EKSCluster', runtime: true, instanceId: 'i-0a11c0ffee0000002', kubernetesWorkload: 'pods/reports-7d9c5b6f4-x2x8k',
        instanceArn: 'arn:aws:ec2:us-east-1:111122223333:instance/i-0a11c0ffee0000002',
        instanceTags: { 'eks:cluster-name': 'platform', 'eks:nodegroup-name': 'general', 'kubernetes.io/cluster/platform': 'owned', Owner: 'platform-team' },
      },
    });
    // Audit-log findings (a Fargate pod's too: EKS on Fargate has no Runtime Monitoring) name no node.
    for (const file of ['guardduty/eks-audit-anonymous-access.json', 'guardduty/eks-audit-fargate-pod-credentials.json']) {
      const audit = observed(normalize(sample(file))).facts;
      expect(audit.kind === 'guardduty-finding' && (audit.finding.instanceId ?? audit.finding.runtime)).toBeFalsy();
    }
  });
});
