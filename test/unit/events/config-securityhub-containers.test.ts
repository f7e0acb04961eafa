import { controls } from '../../../functions/domain/controls';
import { evaluate } from '../../../functions/domain/evaluate';
import { normalize } from '../../../functions/domain/events';
import { defaultPolicy } from '../../../functions/domain/policy';
import { ACCOUNT, factsOf, observed, sample } from './fixtures';

/** Samples are edited in place below: loosely typed on purpose. */
type Json = Record<string, any>;
const policy = defaultPolicy();
const A = `arn:aws:ecs:us-east-1:${ACCOUNT}`;

/** One resource ARN per container type, as Security Hub names them. */
const ARNS: Record<string, string> = {
  'AWS::ECS::TaskDefinition': `${A}:task-definition/payments-batch:3`,
  'AWS::ECS::Service': `${A}:service/payments/payments-web`,
  'AWS::ECS::Cluster': `${A}:cluster/payments`,
  'AWS::EKS::Cluster': `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/platform`,
  'AWS::ECR::Repository': `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/payments/web`,
};
const containerControls = controls.filter((c) => c.resourceTypes.some((t) => t in ARNS));

describe('Config configuration items (PascalCase)', () => {
  test('task definition: containers, users, logging, env names and secrets[], tags from the item', () => {
    const n = normalize(sample('config/item-ecs-task-definition-root.json'));
    expect(observed(n).resource).toEqual({
      type: 'AWS::ECS::TaskDefinition',
      id: `${A}:task-definition/payments-batch:3`,
      arn: `${A}:task-definition/payments-batch:3`,
      account: ACCOUNT,
      region: 'us-east-1',
      tags: { Owner: 'payments', Environment: 'prod' },
    });
    expect(factsOf(n, 'ecs-task-definition').taskDefinition).toEqual({
      family: 'payments-batch',
      revision: 3,
      arn: `${A}:task-definition/payments-batch:3`,
      networkMode: 'awsvpc',
      taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/payments-batch-task`,
      executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole`,
      containers: [
        {
          name: 'batch',
          image: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/payments/batch:2025.05.14`,
          user: 'root',
          readonlyRootFilesystem: true,
          logging: true,
          environment: [{ name: 'REPORT_BUCKET' }, { name: 'LOG_LEVEL' }],
          secrets: ['DB_PASSWORD'],
        },
        {
          name: 'log-router',
          image: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/platform/fluent-bit:2.32.2`,
          readonlyRootFilesystem: true,
          logging: true,
          environment: [],
          secrets: [],
        },
      ],
    });
  });

  test('task definition: LinuxParameters.Capabilities.Add and Devices (PascalCase) become capabilitiesAdded and devices', () => {
    const td = factsOf(normalize(sample('config/item-ecs-task-definition-capabilities.json')), 'ecs-task-definition').taskDefinition;
    expect(td.containers).toEqual([
      expect.objectContaining({
        name: 'wireguard',
        capabilitiesAdded: ['NET_ADMIN', 'SYS_PTRACE'],
        devices: [{ hostPath: '/dev/net/tun', containerPath: '/dev/net/tun', permissions: ['read', 'write'] }],
      }),
    ]);
  });

  test('a secret Environment Value is flagged and dropped', () => {
    const ev = sample('config/item-ecs-task-definition-compliant.json') as Json;
    ev.detail.configurationItem.configuration.ContainerDefinitions[0].Environment.push({ Name: 'UPSTREAM', Value: 'AKIAIOSFODNN7EXAMPLE' });
    const n = normalize(ev);
    expect(factsOf(n, 'ecs-task-definition').taskDefinition.containers[0]?.environment).toContainEqual({ name: 'UPSTREAM', secretLike: 'value' });
    expect(JSON.stringify(n)).not.toContain('AKIAIOSFODNN7EXAMPLE');
  });

  test('RuntimePlatform.OperatingSystemFamily, when recorded, is the OS family', () => {
    const ev = sample('config/item-ecs-task-definition-root.json') as Json;
    ev.detail.configurationItem.configuration.RuntimePlatform = { OperatingSystemFamily: 'WINDOWS_SERVER_2019_FULL' };
    expect(factsOf(normalize(ev), 'ecs-task-definition').taskDefinition.osFamily).toBe('WINDOWS_SERVER_2019_FULL');
  });

  test('service: cluster name from the cluster ARN, awsvpc settings', () => {
    expect(factsOf(normalize(sample('config/item-ecs-service-public-ip.json')), 'ecs-service').service).toEqual({
      cluster: 'payments',
      serviceName: 'payments-web',
      arn: `${A}:service/payments/payments-web`,
      taskDefinition: `${A}:task-definition/payments-web:7`,
      assignPublicIp: 'ENABLED',
      subnets: ['subnet-0a11c0ffee00000b1', 'subnet-0a11c0ffee00000b2'],
      securityGroups: ['sg-0a11c0ffee0000002'],
    });
  });

  test('cluster: ClusterSettings containerInsights; not partial', () => {
    expect(factsOf(normalize(sample('config/item-ecs-cluster-insights-disabled.json')), 'ecs-cluster').cluster).toEqual({
      clusterName: 'payments', arn: `${A}:cluster/payments`, containerInsights: 'disabled',
    });
  });

  test('EKS: ResourcesVpcConfig, Logging.ClusterLogging.EnabledTypes[].Type (object or list), EncryptionConfig', () => {
    const ev = sample('config/item-eks-cluster-public.json') as Json;
    const expected = {
      name: 'platform',
      arn: ARNS['AWS::EKS::Cluster'],
      endpointPublicAccess: true,
      endpointPrivateAccess: false,
      publicAccessCidrs: ['0.0.0.0/0'],
      enabledLogTypes: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'],
      secretsEncrypted: true,
    };
    expect(factsOf(normalize(ev), 'eks-cluster').cluster).toEqual(expected);
    ev.detail.configurationItem.configuration.Logging.ClusterLogging = [{ EnabledTypes: [{ Type: 'audit' }] }];
    delete ev.detail.configurationItem.configuration.EncryptionConfig;
    expect(factsOf(normalize(ev), 'eks-cluster').cluster).toEqual({ ...expected, enabledLogTypes: ['audit'], secretsEncrypted: false });
  });

  test('ECR: ImageScanningConfiguration.ScanOnPush and ImageTagMutability', () => {
    expect(factsOf(normalize(sample('config/item-ecr-repository-mutable.json')), 'ecr-repository').repository).toEqual({
      repositoryName: 'payments/web', arn: ARNS['AWS::ECR::Repository'], scanOnPush: true, tagMutability: 'MUTABLE',
    });
  });

  test('both sides for task definitions: root is a violation, user 1000 everywhere is compliant', async () => {
    expect((await evaluate(sample('config/item-ecs-task-definition-root.json'), { policy })).status).toBe('violation');
    expect((await evaluate(sample('config/item-ecs-task-definition-compliant.json'), { policy })).status).toBe('compliant');
  });

  test('deleted and unrecorded resources are ignored', () => {
    expect(normalize(sample('config/item-ecs-task-definition-deleted.json'))).toMatchObject({ kind: 'ignored', reason: expect.stringContaining('was deleted') });
    const ev = sample('config/item-ecr-repository-mutable.json') as Json;
    ev.detail.configurationItem.configuration = null;
    ev.detail.configurationItem.configurationItemStatus = 'ResourceNotRecorded';
    expect(normalize(ev)).toMatchObject({ kind: 'ignored', reason: expect.stringContaining('carries no configuration') });
  });

  test('a broken configuration names the path', () => {
    const ev = sample('config/item-ecs-task-definition-root.json') as Json;
    ev.detail.configurationItem.configuration.ContainerDefinitions[1].Privileged = 'maybe';
    expect(normalize(ev)).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('detail.configurationItem.configuration.ContainerDefinitions.1.Privileged'),
    });
  });

  test('an oversized item flags the resource for every control that reads its type', () => {
    const ev = sample('config/item-oversized.json') as Json;
    Object.assign(ev.detail.configurationItemSummary, { resourceType: 'AWS::ECS::TaskDefinition', resourceId: 'payments-batch:3', ARN: ARNS['AWS::ECS::TaskDefinition'] });
    const n = normalize(ev);
    expect(observed(n).resource.id).toBe(ARNS['AWS::ECS::TaskDefinition']);
    const f = factsOf(n, 'flagged');
    expect(f.flaggedBy).toBe('oversized Config item');
    expect(f.controls?.sort()).toEqual(controls.filter((c) => c.resourceTypes.includes('AWS::ECS::TaskDefinition')).map((c) => c.id).sort());
  });
});

describe('Config compliance changes for ECS, EKS and ECR', () => {
  const compliance = (rule: string, resourceType: string, resourceId: string, verdict = 'NON_COMPLIANT'): Json => {
    const ev = sample('config/compliance-ecs-cluster-insights.json') as Json;
    ev.detail.configRuleName = rule;
    ev.detail.resourceType = resourceType;
    ev.detail.resourceId = resourceId;
    ev.detail.newEvaluationResult.complianceType = verdict;
    return ev;
  };

  // Every Config rule of every container control, plain and as Security Hub deploys it, flags that control.
  const cases = containerControls.flatMap((c) =>
    (c.mappings.configRules ?? []).flatMap((rule) => {
      const type = c.resourceTypes.find((t) => t in ARNS)!;
      return [rule, `securityhub-${rule}-1a2b3c4d`].map((name) => [c.id, name, type] as const);
    }),
  );
  test.each(cases)('%s ← %s', (id, rule, type) => {
    const f = factsOf(normalize(compliance(rule, type, ARNS[type]!)), 'flagged');
    expect(f).toMatchObject({ flaggedBy: `Config rule ${rule}` });
    expect(f.controls).toContain(id);
  });

  test.each([
    ['AWS::ECS::TaskDefinition', 'payments-batch:3', `${A}:task-definition/payments-batch:3`],
    ['AWS::ECS::TaskDefinition', `${A}:task-definition/payments-batch:3`, `${A}:task-definition/payments-batch:3`],
    ['AWS::ECS::TaskDefinition', 'payments-batch', 'payments-batch'],
    ['AWS::ECS::Service', `${A}:service/payments/payments-web|payments`, `${A}:service/payments/payments-web`],
    ['AWS::ECS::Cluster', 'payments', `${A}:cluster/payments`],
    ['AWS::EKS::Cluster', 'platform', ARNS['AWS::EKS::Cluster']],
    ['AWS::ECR::Repository', 'payments/web', ARNS['AWS::ECR::Repository']],
  ])('%s resourceId %s → %s', (type, resourceId, id) => {
    const rule = containerControls.find((c) => c.resourceTypes.includes(type) && c.mappings.configRules?.length)!.mappings.configRules![0]!;
    expect(observed(normalize(compliance(rule, type, resourceId))).resource).toMatchObject({ type, id });
  });

  test('COMPLIANT is ignored; an unmapped rule is ignored with its observation', () => {
    expect(normalize(compliance('ecs-container-insights-enabled', 'AWS::ECS::Cluster', 'payments', 'COMPLIANT'))).toEqual({
      kind: 'ignored',
      reason: 'Config rule ecs-container-insights-enabled reports COMPLIANT: nothing to fix',
    });
    expect(normalize(sample('config/compliance-ecs-unmapped-rule.json'))).toMatchObject({
      kind: 'ignored',
      reason: expect.stringContaining('not mapped'),
      observation: { resource: { type: 'AWS::ECS::TaskDefinition' } },
    });
  });

  test('a resourceId that is an ARN of another type is invalid', () => {
    expect(normalize(compliance('ecs-container-insights-enabled', 'AWS::ECS::Cluster', ARNS['AWS::EKS::Cluster']!))).toMatchObject({ kind: 'invalid' });
  });

  test('offline: a provisional finding on the named control, targets from live state', async () => {
    const d = await evaluate(sample('config/compliance-eks-cluster-log-securityhub.json'), { policy });
    expect(d).toMatchObject({ status: 'violation', findings: [{ control: 'eks-control-plane-logging', remediation: { targets: [] } }] });
  });
});

describe('Security Hub findings for ECS, EKS and ECR', () => {
  const finding = (edit: (f: Json) => void = () => {}): Json => {
    const ev = sample('securityhub/finding-ecs-20-task-definition.json') as Json;
    edit(ev.detail.findings[0]);
    return ev;
  };

  test('the resource is Resources[0].Id, with Resources[0].Tags', () => {
    expect(observed(normalize(finding()))).toMatchObject({
      source: 'securityhub',
      resource: { type: 'AWS::ECS::TaskDefinition', id: ARNS['AWS::ECS::TaskDefinition'], tags: { Owner: 'payments', Environment: 'prod' } },
      facts: { kind: 'flagged', flaggedBy: 'Security Hub ECS.20', controls: ['ecs-task-root-user'] },
    });
  });

  // Every Security Hub id of every container control flags that control on a resource of its type.
  const cases = containerControls.flatMap((c) =>
    (c.mappings.securityHub ?? []).map((id) => [c.id, id, c.resourceTypes.find((t) => t in ARNS)!] as const),
  );
  test('the catalog maps the Security Hub controls of the issue', () => {
    expect(cases.map(([, id]) => id).sort()).toEqual(
      ['ECR.1', 'ECR.2', 'ECS.12', 'ECS.17', 'ECS.2', 'ECS.20', 'ECS.3', 'ECS.4', 'ECS.5', 'ECS.8', 'ECS.9', 'EKS.1', 'EKS.3', 'EKS.8'].sort(),
    );
  });
  test.each(cases)('%s ← %s', (id, control, type) => {
    const ev = finding((f) => {
      f.Compliance.SecurityControlId = control;
      f.Resources = [{ Type: 'Aws', Id: ARNS[type], Partition: 'aws', Region: 'us-east-1' }];
    });
    const n = normalize(ev);
    expect(observed(n).resource).toMatchObject({ type, id: ARNS[type] });
    expect(factsOf(n, 'flagged').controls).toContain(id);
  });

  test('account and region come from the ARN (findings aggregated from member accounts)', () => {
    const arn = 'arn:aws:eks:eu-west-1:444455556666:cluster/edge';
    const n = normalize(finding((f) => {
      f.Compliance.SecurityControlId = 'EKS.1';
      f.Resources[0].Id = arn;
    }));
    expect(observed(n)).toMatchObject({ account: '444455556666', region: 'eu-west-1', resource: { id: arn, account: '444455556666', region: 'eu-west-1' } });
  });

  test('an old-format service ARN (no cluster) is kept as the id', () => {
    const arn = `${A}:service/payments-web`;
    const n = normalize(finding((f) => {
      f.Compliance.SecurityControlId = 'ECS.2';
      f.Resources[0].Id = arn;
    }));
    expect(observed(n).resource).toMatchObject({ type: 'AWS::ECS::Service', id: arn });
  });

  test('a resource that is not an ECS/EKS/ECR ARN is ignored, named', () => {
    const n = normalize(finding((f) => (f.Resources = [{ Type: 'AwsAccount', Id: `AWS::::Account:${ACCOUNT}` }])));
    expect(n).toEqual({ kind: 'ignored', reason: `Security Hub ECS.20 finding names no ECS, EKS or ECR resource (AwsAccount AWS::::Account:${ACCOUNT})` });
  });

  test('PASSED, ARCHIVED and SUPPRESSED are ignored as for security groups', () => {
    expect(normalize(sample('securityhub/finding-ecs-4-passed.json'))).toEqual({ kind: 'ignored', reason: 'Security Hub ECS.4 reports PASSED: nothing to fix' });
    expect(normalize(finding((f) => (f.RecordState = 'ARCHIVED')))).toMatchObject({ kind: 'ignored', reason: expect.stringContaining('ARCHIVED') });
    expect(normalize(finding((f) => (f.Workflow.Status = 'SUPPRESSED')))).toMatchObject({ kind: 'ignored', reason: expect.stringContaining('SUPPRESSED') });
  });

  test('an unmapped ECS control is ignored', () => {
    expect(normalize(finding((f) => (f.Compliance.SecurityControlId = 'ECS.10')))).toMatchObject({
      kind: 'ignored',
      reason: 'Security Hub ECS.10 is not mapped to a Warden control',
    });
  });
});
