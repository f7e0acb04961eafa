// Public front ends recognized from live load balancers, against moto server. moto's load balancers create no network
// interfaces, so the lookup reads their SecurityGroups (as it does on AWS). Throttling is injected with
// aws-sdk-client-mock (fault injection: moto does not throttle); everything else is moto.
import { CreateNetworkInterfaceCommand, CreateSubnetCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateLoadBalancerCommand as CreateClassicLoadBalancerCommand, ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import {
  CreateListenerCommand, CreateLoadBalancerCommand, CreateTargetGroupCommand, DescribeLoadBalancersCommand,
  ElasticLoadBalancingV2Client, ModifyTargetGroupAttributesCommand, RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { jest } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { recheckObservation, revokeSgIngress as revokeSgIngressCode } from '../../functions/actions/revoke-sg-ingress';
import { clients } from '../../functions/aws/clients';
import { publicFrontEnd } from '../../functions/aws/front-ends';
import { awsLiveState } from '../../functions/aws/live-state';
import type { Finding } from '../../functions/domain/model';
import { defaultPolicy } from '../../functions/domain/policy';
import { useMoto } from '../support/emulator';
import { expectDeclaredCalls, traced, tracedClients } from '../support/permissions';
import { allow, createGroup, createVpc, tcp } from '../../local/sandbox';

useMoto();
// Every call below is checked against the declared IAM grants (expectDeclaredCalls, last in this file).
const revokeSgIngress = traced(revokeSgIngressCode);
const triageClients = tracedClients(clients, 'triage');

const policy = defaultPolicy();
const elbv2 = () => clients.elbv2();

/** A VPC with two subnets in two zones (load balancers need two) and a group `web` in it. */
async function network() {
  const vpc = await createVpc();
  const subnet = async (cidr: string, zone: string) =>
    (await clients.ec2().send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: cidr, AvailabilityZone: zone }))).Subnet!.SubnetId!;
  const subnets = [await subnet('10.0.1.0/24', 'us-east-1a'), await subnet('10.0.2.0/24', 'us-east-1b')];
  return { vpc, subnets, web: await createGroup(vpc, 'web') };
}

async function loadBalancer(name: string, subnets: string[], opts: { type?: 'application' | 'network'; scheme?: 'internet-facing' | 'internal'; groups?: string[] }) {
  const out = await elbv2().send(new CreateLoadBalancerCommand({
    Name: name, Subnets: subnets, Type: opts.type ?? 'application', Scheme: opts.scheme ?? 'internet-facing',
    ...(opts.groups ? { SecurityGroups: opts.groups } : {}),
  }));
  return out.LoadBalancers![0]!.LoadBalancerArn!;
}

async function classic(name: string, subnets: string[], scheme: 'internet-facing' | 'internal', groups: string[]) {
  await clients.elb().send(new CreateClassicLoadBalancerCommand({
    LoadBalancerName: name, Subnets: subnets, Scheme: scheme, SecurityGroups: groups,
    Listeners: [{ Protocol: 'HTTP', LoadBalancerPort: 80, InstancePort: 8080 }],
  }));
}

/** An internet-facing NLB `edge` forwarding tcp/443 to a new target group of `targetType`. */
async function nlbTargetGroup(vpc: string, subnets: string[], targetType: 'instance' | 'ip') {
  const nlb = await loadBalancer('edge', subnets, { type: 'network' });
  const tg = (await elbv2().send(new CreateTargetGroupCommand({ Name: `edge-${targetType}`, Protocol: 'TCP', Port: 443, VpcId: vpc, TargetType: targetType }))).TargetGroups![0]!.TargetGroupArn!;
  await elbv2().send(new CreateListenerCommand({ LoadBalancerArn: nlb, Protocol: 'TCP', Port: 443, DefaultActions: [{ Type: 'forward', TargetGroupArn: tg }] }));
  // On AWS the ARN reads loadbalancer/net/edge/…; moto writes app/ for every type, so the name is taken from it.
  return { tg, nlbName: nlb.split(':loadbalancer/')[1]! };
}

describe('publicFrontEnd', () => {
  test('a group of an internet-facing Application Load Balancer counts, and the reason names the load balancer', async () => {
    const n = await network();
    const arn = await loadBalancer('web', n.subnets, { groups: [n.web] });
    const reason = await publicFrontEnd(triageClients, n.web);
    expect(reason).toBe(`security group of internet-facing load balancer ${arn.split(':loadbalancer/')[1]}`);
    expect(reason).toMatch(/^security group of internet-facing load balancer app\/web\/[0-9a-f]+$/);
    // Triage's live state gives the same answer.
    expect(await awsLiveState(triageClients).publicFrontEnd?.(n.web)).toBe(reason);
  });

  test('a group of an internet-facing Classic Load Balancer counts', async () => {
    const n = await network();
    await classic('web-classic', n.subnets, 'internet-facing', [n.web]);
    expect(await publicFrontEnd(triageClients, n.web)).toBe('security group of internet-facing Classic Load Balancer web-classic');
  });

  test('a group of internal load balancers (ALB and Classic) does not count', async () => {
    const n = await network();
    await loadBalancer('inside', n.subnets, { scheme: 'internal', groups: [n.web] });
    await classic('inside-classic', n.subnets, 'internal', [n.web]);
    expect(await publicFrontEnd(triageClients, n.web)).toBeNull();
  });

  test('a group no load balancer uses is none, even with internet-facing load balancers around', async () => {
    const n = await network();
    const other = await createGroup(n.vpc, 'other');
    await loadBalancer('web', n.subnets, { groups: [other] });
    await classic('web-classic', n.subnets, 'internet-facing', [other]);
    expect(await publicFrontEnd(triageClients, n.web)).toBeNull();
  });

  test('the lookup stops at the first proof: an ALB match reads no Classic or target data', async () => {
    const n = await network();
    await loadBalancer('web', n.subnets, { groups: [n.web] });
    const elb = jest.spyOn(clients.elb(), 'send');
    const ec2 = jest.spyOn(clients.ec2(), 'send');
    try {
      expect(await publicFrontEnd(triageClients, n.web)).not.toBeNull();
      expect(elb).not.toHaveBeenCalled();
      expect(ec2).not.toHaveBeenCalled();
    } finally {
      elb.mockRestore();
      ec2.mockRestore();
    }
  });

  describe('registered targets of an internet-facing Network Load Balancer (moto: targets, attributes, ENIs)', () => {
    test('instance targets preserve client IPs by default: the instance group counts', async () => {
      const n = await network();
      const { tg, nlbName } = await nlbTargetGroup(n.vpc, n.subnets, 'instance');
      const run = await clients.ec2().send(new RunInstancesCommand({
        ImageId: 'ami-12c6146b', InstanceType: 't3.micro', MinCount: 1, MaxCount: 1,
        NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: n.subnets[0], Groups: [n.web] }],
      }));
      const instance = run.Instances![0]!.InstanceId!;
      await elbv2().send(new RegisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: instance }] }));
      expect(await publicFrontEnd(triageClients, n.web)).toBe(
        `registered target ${instance} (target group edge-instance) of internet-facing load balancer ${nlbName}, which preserves client IPs`,
      );
      // Turned off on the target group, it no longer counts.
      await elbv2().send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: tg, Attributes: [{ Key: 'preserve_client_ip.enabled', Value: 'false' }] }));
      expect(await publicFrontEnd(triageClients, n.web)).toBeNull();
    });

    test('ip targets over TCP do not preserve client IPs by default; enabled, the ENI group counts', async () => {
      const n = await network();
      const { tg } = await nlbTargetGroup(n.vpc, n.subnets, 'ip');
      const eni = (await clients.ec2().send(new CreateNetworkInterfaceCommand({ SubnetId: n.subnets[0], Groups: [n.web] }))).NetworkInterface!;
      await elbv2().send(new RegisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: eni.PrivateIpAddress! }] }));
      expect(await publicFrontEnd(triageClients, n.web)).toBeNull();
      await elbv2().send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: tg, Attributes: [{ Key: 'preserve_client_ip.enabled', Value: 'true' }] }));
      expect(await publicFrontEnd(triageClients, n.web)).toContain(`registered target ${eni.PrivateIpAddress} (target group edge-ip)`);
    });

    test('targets of an internal NLB, or instances not registered, do not count', async () => {
      const n = await network();
      const nlb = await loadBalancer('inside', n.subnets, { type: 'network', scheme: 'internal' });
      const tg = (await elbv2().send(new CreateTargetGroupCommand({ Name: 'inside', Protocol: 'TCP', Port: 443, VpcId: n.vpc, TargetType: 'instance' }))).TargetGroups![0]!.TargetGroupArn!;
      await elbv2().send(new CreateListenerCommand({ LoadBalancerArn: nlb, Protocol: 'TCP', Port: 443, DefaultActions: [{ Type: 'forward', TargetGroupArn: tg }] }));
      const run = await clients.ec2().send(new RunInstancesCommand({
        ImageId: 'ami-12c6146b', InstanceType: 't3.micro', MinCount: 2, MaxCount: 2,
        NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: n.subnets[0], Groups: [n.web] }],
      }));
      await elbv2().send(new RegisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: run.Instances![0]!.InstanceId! }] }));
      expect(await publicFrontEnd(triageClients, n.web)).toBeNull();
      // An internet-facing NLB whose target group holds none of the group's instances.
      await nlbTargetGroup(n.vpc, n.subnets, 'instance');
      expect(await publicFrontEnd(triageClients, n.web)).toBeNull();
    });
  });

  test('throttling becomes Warden.Throttled (fault injected with aws-sdk-client-mock)', async () => {
    const throttled = new ElasticLoadBalancingV2Client({});
    const mock = mockClient(throttled);
    mock.on(DescribeLoadBalancersCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));
    try {
      await expect(publicFrontEnd({ ...clients, elbv2: () => throttled, elb: () => new ElasticLoadBalancingClient({}) }, 'sg-0123456789abcdef0'))
        .rejects.toMatchObject({ name: 'Warden.Throttled' });
    } finally {
      mock.restore();
    }
  });
});

describe('the re-check makes the same lookup', () => {
  const finding = (groupId: string, targets: string[] = []): Finding => ({
    control: 'sg-world-open-ingress', title: 't', severity: 'HIGH', evidence: 'e',
    resource: { type: 'AWS::EC2::SecurityGroup', id: groupId, account: '123456789012', region: 'us-east-1' },
    remediation: { action: 'revoke-sg-ingress', mode: 'auto', targets },
  });
  const frontEndOf = async (groupId: string) => {
    const { observation } = await recheckObservation(finding(groupId), clients, policy);
    if (observation.facts.kind !== 'sg-rules') throw new Error(observation.facts.kind);
    return observation.facts;
  };

  test('world-open 443 on an untagged group behind an internet-facing ALB: the reason is in the facts', async () => {
    const n = await network();
    await allow(n.web, tcp(443, '0.0.0.0/0'));
    const arn = await loadBalancer('web', n.subnets, { groups: [n.web] });
    expect((await frontEndOf(n.web)).frontEnd).toBe(`security group of internet-facing load balancer ${arn.split(':loadbalancer/')[1]}`);
  });

  test('world-open 443 on an untagged group with no load balancer: null (looked up, not one)', async () => {
    const n = await network();
    await allow(n.web, tcp(443, '0.0.0.0/0'));
    expect((await frontEndOf(n.web)).frontEnd).toBeNull();
  });

  test('no lookup when it cannot change the decision: SSH only, or the public tag already says so', async () => {
    const n = await network();
    await allow(n.web, tcp(22, '0.0.0.0/0'));
    await loadBalancer('web', n.subnets, { groups: [n.web] });
    expect(await frontEndOf(n.web)).not.toHaveProperty('frontEnd');
    const tagged = await createGroup(n.vpc, 'tagged', { 'warden:public': 'true' });
    await allow(tagged, tcp(443, '0.0.0.0/0'));
    expect(await frontEndOf(tagged)).not.toHaveProperty('frontEnd');
  });

  test('inspect still revokes what the control flags (the front-end answer changes nothing until the control reads it)', async () => {
    const n = await network();
    const ssh = await allow(n.web, tcp(22, '0.0.0.0/0'));
    await loadBalancer('web', n.subnets, { groups: [n.web] });
    const { plan } = await revokeSgIngress.inspect(finding(n.web, [ssh]), clients, policy);
    expect(plan.targets).toEqual([ssh]);
  });
});

expectDeclaredCalls();
