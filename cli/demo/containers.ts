import { CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand, ModifyVpcAttributeCommand } from '@aws-sdk/client-ec2';
import { CreateRepositoryCommand, DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import {
  CreateClusterCommand, DescribeTaskDefinitionCommand, DescribeTasksCommand, ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand, RunTaskCommand,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import { CreateClusterCommand as CreateEksClusterCommand, DescribeClusterCommand, UpdateClusterConfigCommand } from '@aws-sdk/client-eks';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clients } from '../../functions/aws/clients';
import { out, type Scene } from './scene';

const SAMPLE_ACCOUNT = '111122223333';
const MOTO_ACCOUNT = '123456789012';

/** The request of a sample CloudTrail event, with the sample account replaced by the emulator's. */
function requestOf<T>(root: string, sample: string): T {
  const text = readFileSync(join(root, 'events', sample), 'utf8').split(SAMPLE_ACCOUNT).join(MOTO_ACCOUNT);
  return (JSON.parse(text) as { detail: { requestParameters: T } }).detail.requestParameters;
}

/**
 * ECS, EKS and ECR: a standalone root task is stopped; a privileged task definition gets its hardening plan
 * (approval); EKS audit logging is turned back on; an ECR repository gets scan-on-push (and an approval plan for
 * tag immutability).
 */
export async function containerScenes(root: string) {
  const ecs = clients.ecs();
  const eks = clients.eks();
  const ecr = clients.ecr();
  const vpc = (await clients.ec2().send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }))).Vpc!.VpcId!;
  // moto builds a task's ENI only in a VPC with DNS hostnames on.
  await clients.ec2().send(new ModifyVpcAttributeCommand({ VpcId: vpc, EnableDnsHostnames: { Value: true } }));
  const subnet = (await clients.ec2().send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.1.1.0/24' }))).Subnet!.SubnetId!;
  const group = (await clients.ec2().send(new CreateSecurityGroupCommand({ VpcId: vpc, GroupName: 'batch', Description: 'batch' }))).GroupId!;
  await ecs.send(new CreateClusterCommand({
    clusterName: 'payments', tags: [{ key: 'Owner', value: 'payments' }], settings: [{ name: 'containerInsights', value: 'enabled' }],
  }));
  await eks.send(new CreateEksClusterCommand({
    name: 'platform', roleArn: `arn:aws:iam::${MOTO_ACCOUNT}:role/eks-cluster`, tags: { Owner: 'platform' },
    // A well-run cluster: API reachable from one admin range and the VPC, secrets encrypted with KMS.
    resourcesVpcConfig: { subnetIds: [subnet], endpointPublicAccess: true, endpointPrivateAccess: true, publicAccessCidrs: ['203.0.113.0/24'] },
    encryptionConfig: [{ resources: ['secrets'], provider: { keyArn: `arn:aws:kms:us-east-1:${MOTO_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab` } }],
    logging: { clusterLogging: [{ types: ['api', 'audit', 'authenticator'], enabled: true }] },
  }));
  out('Seeded ECS cluster payments (Container Insights on), EKS cluster platform (endpoint limited to 203.0.113.0/24, secrets encrypted, api/audit/authenticator logs on)\n');

  const account = { [SAMPLE_ACCOUNT]: MOTO_ACCOUNT };
  const created: Record<string, string> = {};
  const taskStatus = async () => {
    const t = (await ecs.send(new DescribeTasksCommand({ cluster: 'payments', tasks: [created.task!] }))).tasks?.[0];
    return `task ${created.task!.split('/').pop()} lastStatus ${t?.lastStatus}, desiredStatus ${t?.desiredStatus}`;
  };
  const eksLogging = async () => {
    const c = (await eks.send(new DescribeClusterCommand({ name: 'platform' }))).cluster;
    const on = (c?.logging?.clusterLogging ?? []).filter((l) => l.enabled).flatMap((l) => l.types ?? []);
    return `platform control-plane logs enabled: ${on.join(', ') || '(none)'}`;
  };
  const repo = async () => {
    const r = (await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['payments/web'] }))).repositories?.[0];
    return `payments/web scanOnPush ${r?.imageScanningConfiguration?.scanOnPush}, tags ${r?.imageTagMutability}`;
  };

  const webRevisions = async () => {
    const arns = (await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'payments-web' }))).taskDefinitionArns ?? [];
    const latest = arns.length ? (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arns[arns.length - 1] }))).taskDefinition : undefined;
    return `payments-web revisions: ${arns.length}; latest :${latest?.revision} privileged=${latest?.containerDefinitions?.[0]?.privileged ?? false}`;
  };

  const scenes: Scene[] = [
    {
      title: 'A standalone task started from a task definition whose container runs as root',
      sample: 'cloudtrail/ecs-run-task-standalone.json',
      change: async () => {
        // moto runs FARGATE tasks only for FARGATE-compatible definitions with task-level cpu/memory.
        const def = await ecs.send(new RegisterTaskDefinitionCommand({
          ...requestOf<RegisterTaskDefinitionCommandInput>(root, 'cloudtrail/ecs-register-task-definition-root.json'),
          requiresCompatibilities: ['FARGATE'], cpu: '512', memory: '1024',
        }));
        created.taskDefinition = def.taskDefinition!.taskDefinitionArn!;
        const run = await ecs.send(new RunTaskCommand({
          cluster: 'payments', taskDefinition: created.taskDefinition, launchType: 'FARGATE',
          networkConfiguration: { awsvpcConfiguration: { subnets: [subnet], securityGroups: [group], assignPublicIp: 'DISABLED' } },
        }));
        created.task = run.tasks![0]!.taskArn!;
      },
      ids: () => ({
        ...account,
        [`arn:aws:ecs:us-east-1:${SAMPLE_ACCOUNT}:task/payments/0f1e2d3c4b5a69788796a5b4c3d2e1f0`]: created.task!,
        [`arn:aws:ecs:us-east-1:${SAMPLE_ACCOUNT}:task-definition/payments-batch:3`]: created.taskDefinition!,
      }),
      show: taskStatus,
    },
    {
      title: 'A privileged task definition registered (payments-web)',
      sample: 'cloudtrail/ecs-register-task-definition-privileged.json',
      change: async () => {
        const def = await ecs.send(new RegisterTaskDefinitionCommand(
          requestOf<RegisterTaskDefinitionCommandInput>(root, 'cloudtrail/ecs-register-task-definition-privileged.json'),
        ));
        created.web = def.taskDefinition!.taskDefinitionArn!;
      },
      ids: () => ({ ...account, [`arn:aws:ecs:us-east-1:${SAMPLE_ACCOUNT}:task-definition/payments-web:7`]: created.web! }),
      decide: { control: 'ecs-task-privileged', decision: 'approve', userId: 'U0SECLEAD' },
      show: webRevisions,
    },
    {
      title: 'EKS audit logging turned off on platform',
      sample: 'cloudtrail/eks-update-cluster-config-audit-off.json',
      change: async () => {
        await eks.send(new UpdateClusterConfigCommand({ name: 'platform', logging: { clusterLogging: [{ types: ['api', 'authenticator'], enabled: true }, { types: ['audit'], enabled: false }] } }));
      },
      ids: () => account,
      show: eksLogging,
    },
    {
      title: 'An ECR repository created without scan-on-push and with mutable tags',
      sample: 'cloudtrail/ecr-create-repository-mutable-no-scan.json',
      change: async () => {
        await ecr.send(new CreateRepositoryCommand({
          repositoryName: 'payments/web', imageTagMutability: 'MUTABLE', imageScanningConfiguration: { scanOnPush: false },
          tags: [{ Key: 'Owner', Value: 'payments' }],
        }));
      },
      ids: () => account,
      show: repo,
      decide: { control: 'ecr-tag-immutability', decision: 'deny', userId: 'U0SECLEAD' },
    },
  ];

  const check = async (): Promise<string[]> => {
    const problems: string[] = [];
    if (!(await taskStatus()).includes('desiredStatus STOPPED')) problems.push('the root task was not stopped');
    if (!(await eksLogging()).includes('audit')) problems.push('EKS audit logging was not re-enabled');
    if (!(await repo()).includes('scanOnPush true')) problems.push('scan-on-push was not enabled');
    if (!(await repo()).includes('tags MUTABLE')) problems.push('tag mutability changed although the approval was denied');
    if (!(await webRevisions()).includes('privileged=false')) problems.push('the approved hardening was not applied');
    return problems;
  };
  return { scenes, check };
}
