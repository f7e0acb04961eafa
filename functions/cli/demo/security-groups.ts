import { clients } from '../../aws/clients';
import { describeRules } from '../../aws/security-groups';
import { describeRule } from '../../domain/net';
import { allow, createGroup, createVpc, tcp } from '../../../test/support/sandbox';
import { out, type Scene } from './scene';

const rulesOf = async (groupId: string) =>
  (await describeRules(clients.ec2(), groupId)).filter((r) => !r.isEgress).map(describeRule);

/** Three groups, the SG scenes, and the final check that only world-open rules went. */
export async function securityGroupScenes() {
  const vpc = await createVpc();
  const ssh = await createGroup(vpc, 'payments-ssh', { Owner: 'payments', Environment: 'prod-like-sandbox' });
  const web = await createGroup(vpc, 'public-web', { Owner: 'web', 'warden:public': 'true' });
  const admin = await createGroup(vpc, 'admin-bastion', { Owner: 'platform' });
  out(`Seeded ${vpc}: ${ssh} (payments-ssh), ${web} (public-web, tagged warden:public=true), ${admin} (admin-bastion)\n`);

  const created: Record<string, string> = {};
  const groups = { 'sg-0a11c0ffee0000001': ssh, 'sg-0a11c0ffee0000002': web, 'sg-0a11c0ffee0000003': admin };
  const show = (g: string) => async () => (await rulesOf(g)).join('; ') || '(no ingress rules)';
  const scenes: Scene[] = [
    { title: 'SSH opened to the world on payments-ssh', sample: 'cloudtrail/authorize-ssh-world.json',
      change: async () => void (created.ssh = await allow(ssh, tcp(22, '0.0.0.0/0'))),
      ids: () => ({ ...groups, 'sgr-0a11c0ffee00000a1': created.ssh! }), show: show(ssh) },
    { title: 'The same CloudTrail event delivered a second time', sample: 'cloudtrail/authorize-ssh-world.json',
      ids: () => ({ ...groups, 'sgr-0a11c0ffee00000a1': created.ssh! }), show: show(ssh) },
    { title: 'HTTPS opened to the world on the tagged public web front end', sample: 'cloudtrail/authorize-https-world.json',
      change: async () => void (created.web = await allow(web, tcp(443, '0.0.0.0/0'))),
      ids: () => ({ ...groups, 'sgr-0a11c0ffee00000b1': created.web! }), show: show(web) },
    { title: 'SSH allowed from one admin /32 on admin-bastion', sample: 'cloudtrail/authorize-admin-cidr.json',
      change: async () => void (created.admin = await allow(admin, tcp(22, '203.0.113.7/32'))),
      ids: () => ({ ...groups, 'sgr-0a11c0ffee00000c1': created.admin! }), show: show(admin) },
    { title: 'AWS Config: restricted-ssh NON_COMPLIANT on payments-ssh (RDP opened over IPv6 outside CloudTrail rules)',
      sample: 'config/compliance-restricted-ssh-noncompliant.json',
      change: async () => void (created.rdp = await allow(ssh, tcp(3389, '::/0'))), ids: () => groups, show: show(ssh) },
    { title: "Warden's own restore of a rule (loop guard)", sample: 'cloudtrail/authorize-restore-by-warden.json', ids: () => groups },
    { title: 'A failed API call (UnauthorizedOperation)', sample: 'cloudtrail/authorize-failed-unauthorized.json', ids: () => groups },
    { title: 'An egress rule', sample: 'cloudtrail/authorize-egress.json', ids: () => groups },
    { title: 'A malformed event (broken detail)', sample: 'invalid/cloudtrail-broken-detail.json', ids: () => groups },
  ];

  const check = async (): Promise<string[]> => [
    ...((await rulesOf(ssh)).some((r) => r.includes('0.0.0.0/0') || r.includes('::/0')) ? ['payments-ssh is still world-open'] : []),
    ...((await rulesOf(web)).some((r) => r.startsWith(created.web!)) ? [] : ['the public web 443 rule was touched']),
    ...((await rulesOf(admin)).some((r) => r.startsWith(created.admin!)) ? [] : ['the admin /32 rule was touched']),
  ];
  return { scenes, check };
}
