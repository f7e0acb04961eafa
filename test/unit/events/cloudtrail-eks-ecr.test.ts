import { evaluate } from '../../../functions/domain/evaluate';
import { normalize } from '../../../functions/domain/events';
import type { EksClusterFacts, Normalized, RepositoryFacts } from '../../../functions/domain/model';
import { defaultPolicy } from '../../../functions/domain/policy';
import { ACCOUNT, observed, sample, serviceCall } from './fixtures';

const policy = defaultPolicy();
const EKS_ARN = `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/platform`;

const clusterOf = (n: Normalized): EksClusterFacts => {
  const f = observed(n).facts;
  if (f.kind !== 'eks-cluster') throw new Error(f.kind);
  return f.cluster;
};
const repositoryOf = (n: Normalized): RepositoryFacts => {
  const f = observed(n).facts;
  if (f.kind !== 'ecr-repository') throw new Error(f.kind);
  return f.repository;
};
const controlsOf = async (raw: unknown) => {
  const d = await evaluate(raw, { policy });
  return d.status === 'violation' ? d.findings.map((f) => f.control) : d.status;
};

describe('EKS CreateCluster', () => {
  test('endpoint access, CIDRs, enabled log types and secrets encryption from the request', () => {
    expect(clusterOf(normalize(sample('cloudtrail/eks-create-cluster-restricted.json')))).toEqual({
      name: 'payments-eks',
      arn: `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/payments-eks`,
      endpointPublicAccess: true,
      endpointPrivateAccess: true,
      publicAccessCidrs: ['203.0.113.0/24'],
      enabledLogTypes: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'],
      secretsEncrypted: true,
    });
  });

  test("AWS's documented shape (`clusterName`, subnets only): nothing invented, the controls apply the API defaults", async () => {
    const ev = sample('cloudtrail/eks-create-cluster-documented-defaults.json');
    expect(clusterOf(normalize(ev))).toEqual({ name: 'build-sandbox', arn: `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/build-sandbox` });
    expect(([...(await controlsOf(ev))] as string[]).sort()).toEqual(['eks-control-plane-logging', 'eks-endpoint-public', 'eks-secrets-encryption']);
  });

  test('a public endpoint open to 0.0.0.0/0 with logging off: two findings on the cluster ARN', async () => {
    const d = await evaluate(sample('cloudtrail/eks-create-cluster-public-no-logs.json'), { policy });
    if (d.status !== 'violation') throw new Error(d.status);
    expect(d.findings.map((f) => [f.control, f.remediation.targets]).sort()).toEqual([
      ['eks-control-plane-logging', [EKS_ARN]],
      ['eks-endpoint-public', [EKS_ARN]],
    ]);
  });

  test('logging entries: enabled types minus those switched off; encryptionConfig without secrets is not encryption', () => {
    const ev = serviceCall('eks', 'CreateCluster', {
      name: 'platform',
      logging: { clusterLogging: [{ types: ['api', 'audit'], enabled: true }, { types: ['scheduler'], enabled: false }] },
      encryptionConfig: [{ resources: ['configmaps'] }],
    });
    expect(clusterOf(normalize(ev))).toMatchObject({ enabledLogTypes: ['api', 'audit'], secretsEncrypted: false });
  });

  test('without a name anywhere: invalid; a failed call: ignored', () => {
    expect(normalize(serviceCall('eks', 'CreateCluster', { roleArn: 'x' }))).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('no cluster name') });
    expect(normalize(serviceCall('eks', 'CreateCluster', { name: 'p' }, null, { errorCode: 'ResourceInUseException' }))).toMatchObject({
      kind: 'ignored',
      reason: 'the API call failed (ResourceInUseException): nothing changed',
    });
  });
});

describe('EKS UpdateClusterConfig', () => {
  test('the ARN is built from the name (the event carries no ARN)', () => {
    const o = observed(normalize(sample('cloudtrail/eks-update-cluster-config-audit-off.json')));
    expect(o.resource).toEqual({ type: 'AWS::EKS::Cluster', id: EKS_ARN, arn: EKS_ARN, account: ACCOUNT, region: 'us-east-1' });
  });

  test('partial logging: the types turned on and off, nothing about the others', () => {
    expect(clusterOf(normalize(sample('cloudtrail/eks-update-cluster-config-audit-off.json')))).toEqual({
      name: 'platform', arn: EKS_ARN, partial: true, enabledLogTypes: [], disabledLogTypes: ['audit'],
    });
    const on = serviceCall('eks', 'UpdateClusterConfig', { name: 'platform', logging: { clusterLogging: [{ types: ['api'], enabled: true }] } });
    expect(clusterOf(normalize(on))).toEqual({ name: 'platform', arn: EKS_ARN, partial: true, enabledLogTypes: ['api'] });
  });

  test('partial endpoint access: only the fields present', () => {
    expect(clusterOf(normalize(sample('cloudtrail/eks-update-cluster-config-open.json')))).toEqual({
      name: 'platform', arn: EKS_ARN, partial: true, endpointPublicAccess: true, publicAccessCidrs: ['0.0.0.0/0'],
    });
    const privateOnly = serviceCall('eks', 'UpdateClusterConfig', { name: 'platform', resourcesVpcConfig: { endpointPublicAccess: false } });
    expect(clusterOf(normalize(privateOnly))).toEqual({ name: 'platform', arn: EKS_ARN, partial: true, endpointPublicAccess: false });
  });

  test('both sides: disabling audit and opening to the world are findings; restricting to a /24 and enabling logs are not', async () => {
    expect(await controlsOf(sample('cloudtrail/eks-update-cluster-config-audit-off.json'))).toEqual(['eks-control-plane-logging']);
    expect(await controlsOf(sample('cloudtrail/eks-update-cluster-config-open.json'))).toEqual(['eks-endpoint-public']);
    expect(await controlsOf(sample('cloudtrail/eks-update-cluster-config-restrict.json'))).toBe('compliant');
    expect(await controlsOf(sample('cloudtrail/eks-update-cluster-config-logging-on.json'))).toBe('compliant');
  });

  test('without a name: invalid', () => {
    expect(normalize(serviceCall('eks', 'UpdateClusterConfig', { logging: {} }))).toMatchObject({ kind: 'invalid' });
  });
});

describe('ECR', () => {
  const ARN = `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/payments/web`;

  test('CreateRepository: scanOnPush and tag mutability from the request; the ARN from the response', () => {
    const n = normalize(sample('cloudtrail/ecr-create-repository-mutable-no-scan.json'));
    expect(observed(n).resource).toEqual({ type: 'AWS::ECR::Repository', id: ARN, arn: ARN, account: ACCOUNT, region: 'us-east-1' });
    expect(repositoryOf(n)).toEqual({ repositoryName: 'payments/web', arn: ARN, scanOnPush: false, tagMutability: 'MUTABLE' });
  });

  test("CreateRepository in AWS's documented shape (name only): settings absent, the controls apply the defaults", async () => {
    const ev = sample('cloudtrail/ecr-create-repository-documented-defaults.json');
    expect(repositoryOf(normalize(ev))).toEqual({ repositoryName: 'payments/batch', arn: `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/payments/batch` });
    expect(await controlsOf(ev)).toEqual(['ecr-scan-on-push', 'ecr-tag-immutability']);
  });

  test('the Put* calls are partial and carry only their own setting', () => {
    expect(repositoryOf(normalize(sample('cloudtrail/ecr-put-image-scanning-configuration-off.json')))).toEqual({
      repositoryName: 'payments/web', arn: ARN, partial: true, scanOnPush: false,
    });
    expect(repositoryOf(normalize(sample('cloudtrail/ecr-put-image-tag-mutability-mutable.json')))).toEqual({
      repositoryName: 'payments/api', arn: `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/payments/api`, partial: true, tagMutability: 'MUTABLE',
    });
  });

  test('the ARN is built from the name, in the registry named by registryId', () => {
    const ev = serviceCall('ecr', 'PutImageTagMutability', { registryId: '444455556666', repositoryName: 'shared/base', imageTagMutability: 'IMMUTABLE' });
    expect(observed(normalize(ev)).resource).toMatchObject({ id: 'arn:aws:ecr:us-east-1:444455556666:repository/shared/base', account: '444455556666' });
  });

  test('both sides: scanOnPush true and IMMUTABLE is compliant', async () => {
    expect(await controlsOf(sample('cloudtrail/ecr-create-repository-compliant.json'))).toBe('compliant');
    expect(await controlsOf(serviceCall('ecr', 'PutImageScanningConfiguration', { repositoryName: 'a', imageScanningConfiguration: { scanOnPush: true } }))).toBe('compliant');
  });

  test('without a repository name: invalid', () => {
    expect(normalize(serviceCall('ecr', 'CreateRepository', {}))).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('no repositoryName') });
  });
});
