// The account `warden sandbox` seeds in moto: something for every runbook and every control family to act on, made
// through the SDK calls moto accepts (RunTask with an awsvpc network, a container instance from an identity document).
import { DescribeInstancesCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateRepositoryCommand } from '@aws-sdk/client-ecr';
import { CreateServiceCommand, RegisterContainerInstanceCommand } from '@aws-sdk/client-ecs';
import { CreateClusterCommand as CreateEksCluster } from '@aws-sdk/client-eks';
import { clients } from '../functions/aws/clients';
import { allow, createGroup, ecsNetwork, runningTask, tcp } from './sandbox';

/** What the sandbox made, named as `warden runbook run … --target` takes it. */
export interface PracticeAccount {
  /** A group with SSH open to the world: revoke-open-ingress (then restore-security-group-rule on its audit record). */
  openGroup: string;
  openRule: string;
  /** A standalone Fargate task on cluster `payments` (no Container Insights: a finding for the scan): contain-ecs-task. */
  task: string;
  /** A service on `payments` (its tasks are not standalone: containment plans a service update instead). */
  service: string;
  /** An EC2 instance registered as a container instance of `payments`: isolate-container-instance. */
  instance: string;
  /** An EKS cluster with a public endpoint: eks-finding-response. */
  eksCluster: string;
  /** An ECR repository without scan on push and with mutable tags. */
  repository: string;
}

const OWNER = { Owner: 'payments' };

/** Seed the emulator the SDK points at (AWS_ENDPOINT_URL) with the practice account. */
export async function seedPracticeAccount(): Promise<PracticeAccount> {
  const { vpc, subnet, sg } = await ecsNetwork();
  const openGroup = await createGroup(vpc, 'practice-ssh', OWNER);
  const openRule = await allow(openGroup, tcp(22, '0.0.0.0/0'));
  const task = await runningTask();
  const service = (await clients.ecs().send(new CreateServiceCommand({
    cluster: 'payments', serviceName: 'payments-web', taskDefinition: 'payments-api', desiredCount: 1, launchType: 'FARGATE',
    networkConfiguration: { awsvpcConfiguration: { subnets: [subnet], securityGroups: [sg], assignPublicIp: 'DISABLED' } },
  }))).service!.serviceArn!;

  const ec2 = clients.ec2();
  const run = await ec2.send(new RunInstancesCommand({
    ImageId: 'ami-12c6146b', InstanceType: 't3.large', MinCount: 1, MaxCount: 1,
    NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnet, Groups: [sg] }],
    TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'AmazonECSManaged', Value: '' }, { Key: 'Owner', Value: 'payments' }] }],
  }));
  const instance = run.Instances![0]!.InstanceId!;
  const az = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instance] }))).Reservations![0]!.Instances![0]!.Placement?.AvailabilityZone ?? 'us-east-1a';
  const doc = JSON.stringify({ instanceId: instance, region: process.env.AWS_REGION ?? 'us-east-1', accountId: '123456789012', availabilityZone: az });
  await clients.ecs().send(new RegisterContainerInstanceCommand({ cluster: 'payments', instanceIdentityDocument: doc }));

  const eksCluster = (await clients.eks().send(new CreateEksCluster({
    name: 'platform', roleArn: 'arn:aws:iam::123456789012:role/eks-cluster', resourcesVpcConfig: { subnetIds: [subnet], endpointPublicAccess: true },
    tags: { Owner: 'platform' },
  }))).cluster!.name!;
  const repository = (await clients.ecr().send(new CreateRepositoryCommand({ repositoryName: 'payments/api', imageTagMutability: 'MUTABLE' }))).repository!.repositoryName!;
  return { openGroup, openRule, task, service, instance, eksCluster, repository };
}

/** The commands to practise with, one per runbook and one per reading command, for `endpoint`. */
export function practiceCommands(endpoint: string, a: PracticeAccount): string[] {
  const e = `--endpoint ${endpoint}`;
  return [
    `npx warden scan ${e} --region us-east-1`,
    `npx warden runbook run revoke-open-ingress --target ${a.openGroup} ${e}`,
    `npx warden runbook run restore-security-group-rule --target <the audit id the line above printed> ${e} --approve-as you`,
    `npx warden runbook run contain-ecs-task --target ${a.task} ${e} --approve-as you`,
    `npx warden runbook run isolate-container-instance --target ${a.instance} ${e} --approve-as you`,
    `npx warden runbook run eks-finding-response --target ${a.eksCluster} ${e}`,
    `AWS_ENDPOINT_URL=${endpoint} AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing npx warden evaluate events/cloudtrail/authorize-ssh-world.json --live`,
  ];
}
