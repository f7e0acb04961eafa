// Seeds a sandbox account in moto server: a VPC and security groups with chosen ingress rules.
import {
  AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, CreateVpcCommand, DescribeSecurityGroupRulesCommand,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import { clients } from '../../functions/aws/clients';

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
