// Never break a working front end, end to end: triage with live state from moto (security groups and ELBv2), the
// remediate state machine with its real handlers, and the group's rules read back from moto. No mocks.
import { CreateSubnetCommand } from '@aws-sdk/client-ec2';
import { CreateLoadBalancerCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { readFileSync } from 'node:fs';
import { clients } from '../../functions/aws/clients';
import { useLocalWarden } from '../support/emulator';
import { allow, createGroup, createVpc, ingressRuleIds, tcp } from '../../local/sandbox';

const { start: warden } = useLocalWarden();
const ACCOUNT = '123456789012';

/** A CloudTrail sample with the sample account, group and rule ids replaced by the emulator's. */
const eventFrom = (file: string, ids: Record<string, string>) => {
  let text = readFileSync(`events/${file}`, 'utf8').split('111122223333').join(ACCOUNT);
  for (const [a, b] of Object.entries(ids)) text = text.split(a).join(b);
  return JSON.parse(text) as unknown;
};
const sshEvent = (groupId: string, ruleId: string) => eventFrom('cloudtrail/authorize-ssh-world.json', { 'sg-0a11c0ffee0000001': groupId, 'sgr-0a11c0ffee00000a1': ruleId });
const httpsEvent = (groupId: string, ruleId: string) => eventFrom('cloudtrail/authorize-https-world.json', { 'sg-0a11c0ffee0000002': groupId, 'sgr-0a11c0ffee00000b1': ruleId });

async function internetFacingAlb(vpc: string, groupId: string) {
  const subnet = async (cidr: string, zone: string) =>
    (await clients.ec2().send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: cidr, AvailabilityZone: zone }))).Subnet!.SubnetId!;
  const subnets = [await subnet('10.0.1.0/24', 'us-east-1a'), await subnet('10.0.2.0/24', 'us-east-1b')];
  await clients.elbv2().send(new CreateLoadBalancerCommand({ Name: 'shop', Subnets: subnets, Scheme: 'internet-facing', Type: 'application', SecurityGroups: [groupId] }));
}

test('on the group of an internet-facing load balancer, 443 stays and 22 is revoked', async () => {
  const w = await warden();
  const vpc = await createVpc();
  const web = await createGroup(vpc, 'shop-alb'); // untagged: known as a front end only from the load balancer
  await internetFacingAlb(vpc, web);
  const https = await allow(web, tcp(443, '0.0.0.0/0'));
  const ssh = await allow(web, tcp(22, '0.0.0.0/0'));

  const sshRun = await w.triage(sshEvent(web, ssh));
  expect(sshRun.status).toBe('violation');
  expect(sshRun.executions).toHaveLength(1); // 443 is no finding on a front end, not even from the live read
  expect(w.runs.get(sshRun.executions[0]!.name)!.path).toEqual(['LoadLiveState', 'StillViolating', 'ChooseMode', 'Apply', 'Applied', 'Verify', 'MarkFixed', 'Notify', 'Record']);
  expect((await w.triage(httpsEvent(web, https))).status).toBe('compliant');
  expect(await ingressRuleIds(web)).toEqual([https]);
});

test('on an untagged group with no load balancer, 443 gets an approval request, not a revoke', async () => {
  const w = await warden();
  const plain = await createGroup(await createVpc(), 'plain');
  const https = await allow(plain, tcp(443, '0.0.0.0/0'));
  const result = await w.triage(httpsEvent(plain, https));
  expect(result.status).toBe('violation');
  const run = w.runs.get(result.executions[0]!.name)!;
  expect(run.path).toContain('RequestApproval');
  expect(run.path).not.toContain('Apply');
  expect(await ingressRuleIds(plain)).toEqual([https]);
});

test('22 opened on a group that already had 3389 open: both revoked, each in its own run, the old one recorded as found on the live read', async () => {
  const w = await warden();
  const group = await createGroup(await createVpc(), 'legacy');
  const rdp = await allow(group, tcp(3389, '0.0.0.0/0'));
  const ssh = await allow(group, tcp(22, '0.0.0.0/0'));
  const result = await w.triage(sshEvent(group, ssh));
  const runs = result.executions.map((e) => w.runs.get(e.name)!.output as { context: { finding: { origin?: string; remediation: { targets: string[] } } }; recorded?: { result?: { outcome?: string } } });
  expect(runs.map((r) => [r.context.finding.remediation.targets, r.context.finding.origin ?? 'event', r.recorded?.result?.outcome])).toEqual([
    [[ssh], 'event', 'fixed'],
    [[rdp], 'live-read', 'fixed'],
  ]);
  expect(await ingressRuleIds(group)).toEqual([]);
});
