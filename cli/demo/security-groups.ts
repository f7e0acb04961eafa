import { CreateSubnetCommand } from '@aws-sdk/client-ec2';
import { CreateLoadBalancerCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { clients } from '../../functions/aws/clients';
import { describeRules } from '../../functions/aws/security-groups';
import { describeRule } from '../../functions/domain/net';
import { allow, createGroup, createVpc, tcp } from '../../local/sandbox';
import type { SecurityHubStandIn } from '../../local/securityhub-standin';
import { out, type Scene } from './scene';

const rulesOf = async (groupId: string) =>
  (await describeRules(clients.ec2(), groupId)).filter((r) => !r.isEgress).map(describeRule);

/** An internet-facing Application Load Balancer in front of `groupId` (two subnets, as ELBv2 requires). */
async function internetFacingAlb(vpc: string, groupId: string): Promise<void> {
  const subnet = async (cidr: string, zone: string) =>
    (await clients.ec2().send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: cidr, AvailabilityZone: zone }))).Subnet!.SubnetId!;
  const subnets = [await subnet('10.0.1.0/24', 'us-east-1a'), await subnet('10.0.2.0/24', 'us-east-1b')];
  await clients.elbv2().send(new CreateLoadBalancerCommand({ Name: 'shop', Subnets: subnets, Scheme: 'internet-facing', Type: 'application', SecurityGroups: [groupId] }));
}

/** The SG groups, their scenes, and the final check that only world-open rules went. */
/** What Warden wrote back to Security Hub about one finding, as the stand-in received it. */
const writtenBack = (securityHub: SecurityHubStandIn, findingId: string): string[] =>
  securityHub.updates.filter((u) => u.FindingIdentifiers?.some((f) => f.Id === findingId)).map((u) =>
    `Security Hub (local stand-in) got BatchUpdateFindings: Workflow ${u.Workflow?.Status ?? 'unchanged'}, Note "${u.Note?.Text ?? ''}"`);

/** The finding of events/securityhub/finding-ec2-13-failed.json. */
const EC2_13_FINDING = 'arn:aws:securityhub:us-east-1:111122223333:security-control/EC2.13/finding/365b26a2-85f1-41d6-a09a-aff4982d0647';

export async function securityGroupScenes(securityHub: SecurityHubStandIn) {
  const vpc = await createVpc();
  const ssh = await createGroup(vpc, 'payments-ssh', { Owner: 'payments', Environment: 'prod-like-sandbox' });
  const web = await createGroup(vpc, 'public-web', { Owner: 'web', 'warden:public': 'true' });
  const admin = await createGroup(vpc, 'admin-bastion', { Owner: 'platform' });
  const jump = await createGroup(vpc, 'legacy-jump', { Owner: 'platform' });
  const shop = await createGroup(vpc, 'shop-alb', { Owner: 'web' }); // untagged: a front end by its load balancer
  await internetFacingAlb(vpc, shop);
  out(`Seeded ${vpc}: ${ssh} (payments-ssh), ${web} (public-web, tagged warden:public=true), ${admin} (admin-bastion),`);
  out(`  ${jump} (legacy-jump), ${shop} (shop-alb, untagged, behind the internet-facing load balancer "shop")\n`);

  const created: Record<string, string> = {};
  const groups = { 'sg-0a11c0ffee0000001': ssh, 'sg-0a11c0ffee0000002': web, 'sg-0a11c0ffee0000003': admin };
  const show = (g: string) => async () => (await rulesOf(g)).join('; ') || '(no ingress rules)';
  const scenes: Scene[] = [
    { title: 'SSH opened to the world on payments-ssh', sample: 'cloudtrail/authorize-ssh-world.json',
      change: async () => void (created.ssh = await allow(ssh, tcp(22, '0.0.0.0/0'))),
      ids: () => ({ ...groups, 'sgr-0a11c0ffee00000a1': created.ssh! }), show: show(ssh) },
    { title: 'The same CloudTrail event delivered a second time', sample: 'cloudtrail/authorize-ssh-world.json',
      ids: () => ({ ...groups, 'sgr-0a11c0ffee00000a1': created.ssh! }), show: show(ssh) },
    { title: 'Security Hub EC2.13: SSH opened to the world again on payments-ssh; the fix is written back to the finding',
      sample: 'securityhub/finding-ec2-13-failed.json',
      change: async () => void (created.sshAgain = await allow(ssh, tcp(22, '0.0.0.0/0'))),
      ids: () => groups, show: show(ssh), report: () => writtenBack(securityHub, EC2_13_FINDING) },
    { title: 'HTTPS opened to the world on the tagged public web front end', sample: 'cloudtrail/authorize-https-world.json',
      change: async () => void (created.web = await allow(web, tcp(443, '0.0.0.0/0'))),
      ids: () => ({ ...groups, 'sgr-0a11c0ffee00000b1': created.web! }), show: show(web) },
    { title: 'SSH allowed from one admin /32 on admin-bastion', sample: 'cloudtrail/authorize-admin-cidr.json',
      change: async () => void (created.admin = await allow(admin, tcp(22, '203.0.113.7/32'))),
      ids: () => ({ ...groups, 'sgr-0a11c0ffee00000c1': created.admin! }), show: show(admin) },
    { title: 'AWS Config: restricted-ssh NON_COMPLIANT on payments-ssh (RDP opened over IPv6 outside CloudTrail rules)',
      sample: 'config/compliance-restricted-ssh-noncompliant.json',
      change: async () => void (created.rdp = await allow(ssh, tcp(3389, '::/0'))), ids: () => groups, show: show(ssh) },
    { title: 'SSH opened to the whole internet in two halves (0.0.0.0/1 + 128.0.0.0/1) on legacy-jump',
      sample: 'cloudtrail/reach-ssh-two-halves.json',
      change: async () => {
        created.half1 = await allow(jump, tcp(22, '0.0.0.0/1'));
        created.half2 = await allow(jump, tcp(22, '128.0.0.0/1'));
      },
      ids: () => ({ ...groups, 'sg-0a11c0ffee0000008': jump, 'sgr-0a11c0ffee0008001': created.half1!, 'sgr-0a11c0ffee0008002': created.half2! }),
      show: show(jump) },
    { title: 'HTTPS opened to the world on shop-alb: untagged, but the group of an internet-facing load balancer',
      sample: 'cloudtrail/authorize-https-world.json',
      change: async () => void (created.shop = await allow(shop, tcp(443, '0.0.0.0/0'))),
      ids: () => ({ ...groups, 'sg-0a11c0ffee0000002': shop, 'sgr-0a11c0ffee00000b1': created.shop! }), show: show(shop) },
    { title: "Warden's own restore of a rule (loop guard)", sample: 'cloudtrail/authorize-restore-by-warden.json', ids: () => groups },
    { title: 'A failed API call (UnauthorizedOperation)', sample: 'cloudtrail/authorize-failed-unauthorized.json', ids: () => groups },
    { title: 'An egress rule', sample: 'cloudtrail/authorize-egress.json', ids: () => groups },
    { title: 'A malformed event (broken detail)', sample: 'invalid/cloudtrail-broken-detail.json', ids: () => groups },
  ];

  const check = async (): Promise<string[]> => [
    ...(securityHub.updates.some((u) => u.Workflow?.Status === 'RESOLVED' && u.FindingIdentifiers?.some((f) => f.Id === EC2_13_FINDING)) ? [] : ['the Security Hub finding was not marked RESOLVED']),
    ...((await rulesOf(ssh)).some((r) => r.includes('0.0.0.0/0') || r.includes('::/0')) ? ['payments-ssh is still world-open'] : []),
    ...((await rulesOf(web)).some((r) => r.startsWith(created.web!)) ? [] : ['the public web 443 rule was touched']),
    ...((await rulesOf(admin)).some((r) => r.startsWith(created.admin!)) ? [] : ['the admin /32 rule was touched']),
    ...((await rulesOf(jump)).length === 0 ? [] : ['legacy-jump is still open in two halves']),
    ...((await rulesOf(shop)).some((r) => r.startsWith(created.shop!)) ? [] : ["the load balancer's 443 rule was touched"]),
  ];
  return { scenes, check };
}
