// Plan texts of the ECS actions that need no AWS: egress verdicts, owner steps, secret moves, the stop reason.
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { egressVerdict } from '../../../functions/actions/disable-service-public-ip';
import { secretMoves } from '../../../functions/actions/move-env-secrets';
import { ecrUri, ownerSteps } from '../../../functions/actions/notify-owner';
import { stopReason } from '../../../functions/actions/stop-ecs-tasks';
import { clusterOfTask, familyOf, serviceOfArn } from '../../../functions/aws/ecs';
import { controlById } from '../../../functions/domain/controls';
import type { Finding } from '../../../functions/domain/model';

const finding = (control: string, type: string, id: string, targets: string[] = [], evidence = 'e'): Finding => ({
  control, title: 'A title', severity: 'MEDIUM', evidence,
  resource: { type, id, account: '111122223333', region: 'eu-west-1' },
  remediation: { action: 'notify-owner', mode: 'notify', targets },
});

describe('egress verdict', () => {
  test('NAT on every subnet', () => {
    expect(egressVerdict({ vpcId: 'vpc-1', subnets: [{ subnetId: 'subnet-a', natGatewayId: 'nat-1' }], endpoints: [] }))
      .toBe('egress without a public IP: NAT present (subnet-a → nat-1)');
  });
  test('all four endpoints, no NAT', () => {
    expect(egressVerdict({ subnets: [{ subnetId: 'subnet-a' }], endpoints: ['ecr.api', 'ecr.dkr', 's3', 'logs'] })).toContain('VPC endpoints present');
  });
  test('neither, or only some: tasks lose egress, with what is missing', () => {
    const v = egressVerdict({ vpcId: 'vpc-1', subnets: [{ subnetId: 'subnet-a', natGatewayId: 'nat-1' }, { subnetId: 'subnet-b' }], endpoints: ['s3'] });
    expect(v).toContain('no NAT/endpoints: tasks lose egress');
    expect(v).toContain('Subnets without a NAT route: subnet-b');
    expect(v).toContain('missing VPC endpoints in vpc-1: ecr.api, ecr.dkr, logs');
  });
});

describe('owner steps per control', () => {
  test('host network → move to awsvpc', () => {
    expect(ownerSteps(finding('ecs-task-host-network', 'AWS::ECS::TaskDefinition', 'arn:aws:ecs:eu-west-1:111122223333:task-definition/agent:3')).join(' '))
      .toMatch(/register a new revision of agent with networkMode awsvpc.*move to awsvpc/);
  });
  test('untrusted image → push the image to ECR (from live facts)', () => {
    const steps = ownerSteps(finding('ecs-task-untrusted-image', 'AWS::ECS::TaskDefinition', 'web', ['proxy']), {
      kind: 'ecs-task-definition',
      taskDefinition: { family: 'web', containers: [{ name: 'proxy', image: 'ghcr.io/acme/proxy:v2', logging: true, environment: [], secrets: [] }] },
    });
    expect(steps[0]).toContain('push the image to ECR: ghcr.io/acme/proxy:v2 → 111122223333.dkr.ecr.eu-west-1.amazonaws.com/acme/proxy:v2');
    expect(steps.at(-1)).toContain('trustedRegistries');
  });
  test('EKS secrets encryption → AssociateEncryptionConfig', () => {
    expect(ownerSteps(finding('eks-secrets-encryption', 'AWS::EKS::Cluster', 'arn:aws:eks:eu-west-1:111122223333:cluster/prod'))[0])
      .toBe('AssociateEncryptionConfig on EKS cluster prod: encryptionConfig [{resources: [secrets], provider: {keyArn: <symmetric KMS key ARN in eu-west-1>}}]');
  });
  test('account Container Insights → PutAccountSettingDefault', () => {
    expect(ownerSteps(finding('ecs-cluster-container-insights', 'AWS::::Account', '111122223333'))[0])
      .toContain('PutAccountSettingDefault name=containerInsights value=enabled');
  });
  test('any other control: its evidence and its fix summary', () => {
    const id = 'ecs-task-root-user';
    expect(ownerSteps(finding(id, 'AWS::ECS::TaskDefinition', 'web', [], 'web:1: root'))).toEqual([
      'A title on web: web:1: root', `fix: ${controlById(id)!.remediation.summary}`,
    ]);
  });
  test('ECR URIs keep the path and tag (latest when none; digests dropped)', () => {
    expect(ecrUri('nginx', '1', 'r')).toBe('1.dkr.ecr.r.amazonaws.com/library/nginx:latest');
    expect(ecrUri('quay.io/org/app@sha256:abc', '1', 'r')).toBe('1.dkr.ecr.r.amazonaws.com/org/app:latest');
    expect(ecrUri('localhost:5000/app:2', '1', 'r')).toBe('1.dkr.ecr.r.amazonaws.com/app:2');
  });
});

test('secret moves: names only, by name or by value; secrets[] entries are not moved', () => {
  const td: TaskDefinition = {
    taskDefinitionArn: 'arn:aws:ecs:eu-west-1:111122223333:task-definition/web:2', family: 'web',
    containerDefinitions: [{
      name: 'app',
      environment: [{ name: 'API_KEY', value: 'abc' }, { name: 'SETTINGS', value: 'AKIAIOSFODNN7EXAMPLE' }, { name: 'PORT', value: '80' }],
      secrets: [{ name: 'DB_PASSWORD', valueFrom: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:db' }],
    }],
  };
  expect(secretMoves(td)).toEqual([
    { container: 'app', name: 'API_KEY', secretName: 'web/app/API_KEY', by: 'name', valueFrom: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:web/app/API_KEY-XXXXXX' },
    { container: 'app', name: 'SETTINGS', secretName: 'web/app/SETTINGS', by: 'value', valueFrom: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:web/app/SETTINGS-XXXXXX' },
  ]);
  expect(JSON.stringify(secretMoves(td))).not.toContain('AKIA');
});

test('the stop reason names the control and fits StopTask (255 characters)', () => {
  expect(stopReason({ id: 'ecs-task-root-or-privileged', title: 'Root' })).toBe('Warden ecs-task-root-or-privileged: Root');
  expect(stopReason({ id: 'x', title: 'y'.repeat(400) })).toHaveLength(255);
});

test('ARN helpers', () => {
  expect(familyOf('arn:aws:ecs:eu-west-1:1:task-definition/web:3')).toBe('web');
  expect(familyOf('web:3')).toBe('web');
  expect(familyOf('web')).toBe('web');
  expect(clusterOfTask('arn:aws:ecs:eu-west-1:1:task/apps/0123')).toBe('apps');
  expect(clusterOfTask('arn:aws:ecs:eu-west-1:1:task/0123')).toBeUndefined();
  expect(serviceOfArn('arn:aws:ecs:eu-west-1:1:service/apps/web')).toEqual({ cluster: 'apps', service: 'web' });
  expect(serviceOfArn('arn:aws:ecs:eu-west-1:1:service/web')).toEqual({ cluster: 'default', service: 'web' });
});
