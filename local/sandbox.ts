// Seeds a sandbox account in moto server: a VPC and security groups with chosen ingress rules, or the network ECS
// tasks run in.
import {
  AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand,
  DescribeSecurityGroupRulesCommand, ModifyVpcAttributeCommand, type IpPermission,
} from '@aws-sdk/client-ec2';
import { CreateClusterCommand, RegisterTaskDefinitionCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import { clients } from '../functions/aws/clients';

export async function createVpc(): Promise<string> {
  return (await clients.ec2().send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
}

export async function createGroup(vpcId: string, name: string, tags: Record<string, string> = {}): Promise<string> {
  const tagList = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
  const out = await clients.ec2().send(new CreateSecurityGroupCommand({
    VpcId: vpcId, GroupName: name, Description: name,
    ...(tagList.length ? { TagSpecifications: [{ ResourceType: 'security-group', Tags: tagList }] } : {}),
  }));
  return out.GroupId!;
}

/** Authorize one rule; returns its sgr- id. */
export async function allow(groupId: string, perm: IpPermission): Promise<string> {
  const out = await clients.ec2().send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [perm] }));
  return out.SecurityGroupRules![0]!.SecurityGroupRuleId!;
}

export const tcp = (port: number, cidr: string): IpPermission =>
  cidr.includes(':')
    ? { IpProtocol: 'tcp', FromPort: port, ToPort: port, Ipv6Ranges: [{ CidrIpv6: cidr }] }
    : { IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: cidr }] };

/** Ingress rule ids of a group, sorted. */
export async function ingressRuleIds(groupId: string): Promise<string[]> {
  const out = await clients.ec2().send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }));
  return (out.SecurityGroupRules ?? []).filter((r) => !r.IsEgress).map((r) => r.SecurityGroupRuleId!).sort();
}

export interface EcsNetwork { vpc: string; subnet: string; sg: string }

/** What moto's RunTask needs for awsvpc tasks: a VPC with DNS hostnames on, a subnet in it and a security group. */
export async function ecsNetwork(): Promise<EcsNetwork> {
  const ec2 = clients.ec2();
  const vpc = await createVpc();
  await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpc, EnableDnsHostnames: { Value: true } }));
  const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.0.1.0/24' }))).Subnet!.SubnetId!;
  const sg = await createGroup(vpc, 'tasks');
  return { vpc, subnet, sg };
}

/**
 * A running Fargate task on cluster `payments` (created if missing), optionally of a service (`group: service:…`).
 * Its container sets a secret-looking environment value that evidence must never keep.
 */
export async function runningTask(group?: string): Promise<string> {
  const { subnet, sg } = await ecsNetwork();
  await clients.ecs().send(new CreateClusterCommand({ clusterName: 'payments' }));
  const td = await clients.ecs().send(new RegisterTaskDefinitionCommand({
    family: 'payments-api', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512',
    containerDefinitions: [{ name: 'api', image: 'public.ecr.aws/nginx/nginx:1.27', cpu: 256, memory: 512, environment: [{ name: 'DB_PASSWORD', value: 'hunter2-secret' }] }],
  }));
  const run = await clients.ecs().send(new RunTaskCommand({
    cluster: 'payments', taskDefinition: td.taskDefinition!.taskDefinitionArn!, launchType: 'FARGATE', ...(group ? { group } : {}),
    networkConfiguration: { awsvpcConfiguration: { subnets: [subnet], securityGroups: [sg], assignPublicIp: 'DISABLED' } },
  }));
  return run.tasks![0]!.taskArn!;
}
