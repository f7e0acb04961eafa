// Other accounts on one moto server, for the hub-and-spoke tests and the organization simulation (bench/org.ts):
// moto keeps each account's state apart, keyed by the account of the assumed role whose credentials a call uses.
import { AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';

/** An EC2 client in `account` and `region`: credentials of a role there from moto's STS (moto creates no role). */
export async function ec2InAccount(endpoint: string, account: string, region: string): Promise<EC2Client> {
  const base = { region, endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
  const out = await new STSClient(base).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/setup`, RoleSessionName: 'setup' }));
  const c = out.Credentials!;
  return new EC2Client({ ...base, credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! } });
}

/** A new VPC's group with world-open SSH rules (ports 22, 22+1, …: `rules` of them) in the account of `ec2`. */
export async function openSsh(ec2: EC2Client, name: string, rules = 1): Promise<{ group: string; rule: string; rules: string[] }> {
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }))).Vpc!.VpcId!;
  const group = (await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpc, GroupName: name, Description: name }))).GroupId!;
  const out = await ec2.send(new AuthorizeSecurityGroupIngressCommand({
    GroupId: group,
    IpPermissions: Array.from({ length: rules }, (_, i) => ({ IpProtocol: 'tcp', FromPort: 22 + i, ToPort: 22 + i, IpRanges: [{ CidrIp: '0.0.0.0/0' }] })),
  }));
  const ids = out.SecurityGroupRules!.map((r) => r.SecurityGroupRuleId!);
  return { group, rule: ids[0]!, rules: ids };
}
