import type { EC2Client } from '@aws-sdk/client-ec2';
import {
  DescribeLoadBalancersCommand as DescribeClassicLoadBalancersCommand, type ElasticLoadBalancingClient,
} from '@aws-sdk/client-elastic-load-balancing';
import {
  DescribeLoadBalancersCommand, DescribeTargetGroupAttributesCommand, DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand, type ElasticLoadBalancingV2Client, type LoadBalancer, type TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { networkInterfaces } from './enis';
import { errorName, rethrowThrottling } from './errors';
import './clients/elb'; // ActionClients.elb() (aws/client-cache.ts)
import './clients/elbv2'; // ActionClients.elbv2() (aws/client-cache.ts)

/**
 * Is a security group a public front end? Read live, lazily, stopping at the first proof:
 * 1. a security group of an internet-facing load balancer (ELBv2: Application or Network; then Classic);
 * 2. the group of a registered target of an internet-facing Network Load Balancer that preserves client IPs (the
 *    target then needs the public port open on its own group).
 * Internal load balancers never count. Throttling becomes Warden.Throttled; any other error is thrown, never guessed.
 */

export interface FrontEndClients {
  ec2: () => EC2Client;
  elbv2: () => ElasticLoadBalancingV2Client;
  elb: () => ElasticLoadBalancingClient;
}

const INTERNET_FACING = 'internet-facing';

/** Why `groupId` is a public front end, or null when it is none. */
export async function publicFrontEnd(clients: FrontEndClients, groupId: string): Promise<string | null> {
  const networkLbs: LoadBalancer[] = [];
  for await (const lb of loadBalancers(clients.elbv2())) {
    if (lb.Scheme !== INTERNET_FACING) continue;
    if (lb.SecurityGroups?.includes(groupId)) return `security group of internet-facing load balancer ${lbName(lb)}`;
    if (lb.Type === 'network') networkLbs.push(lb);
  }
  for await (const clb of classicLoadBalancers(clients.elb())) {
    if (clb.Scheme === INTERNET_FACING && clb.SecurityGroups?.includes(groupId)) {
      return `security group of internet-facing Classic Load Balancer ${clb.LoadBalancerName ?? '?'}`;
    }
  }
  if (networkLbs.length === 0) return null;
  return networkTarget(clients, groupId, networkLbs);
}

/** `app/web/50dc6c495c0c9188` from the load balancer's ARN (its name when the ARN has no such part). */
const lbName = (lb: LoadBalancer): string => lb.LoadBalancerArn?.split(':loadbalancer/')[1] ?? lb.LoadBalancerName ?? '?';

async function* loadBalancers(elbv2: ElasticLoadBalancingV2Client): AsyncGenerator<LoadBalancer> {
  let Marker: string | undefined;
  do {
    const page = await elbv2.send(new DescribeLoadBalancersCommand({ Marker })).catch(rethrowThrottling);
    yield* page.LoadBalancers ?? [];
    Marker = page.NextMarker;
  } while (Marker);
}

async function* classicLoadBalancers(elb: ElasticLoadBalancingClient) {
  let Marker: string | undefined;
  do {
    const page = await elb.send(new DescribeClassicLoadBalancersCommand({ Marker })).catch(rethrowThrottling);
    yield* page.LoadBalancerDescriptions ?? [];
    Marker = page.NextMarker;
  } while (Marker);
}

// ---------- targets of internet-facing Network Load Balancers ----------

/**
 * Where the group can receive an NLB's traffic: instances whose primary ENI carries it (instance targets) and the
 * private IPs of every ENI carrying it (ip targets). None means no target can use the group: no ELB call is made.
 */
async function groupEndpoints(ec2: EC2Client, groupId: string): Promise<{ instances: Set<string>; ips: Set<string> }> {
  const enis = await networkInterfaces(ec2, 'group-id', groupId);
  const instances = new Set<string>();
  const ips = new Set<string>();
  for (const eni of enis) {
    const instance = eni.Attachment?.InstanceId;
    if (instance && eni.Attachment?.DeviceIndex === 0) instances.add(instance);
    for (const ip of [eni.PrivateIpAddress, ...(eni.PrivateIpAddresses ?? []).map((a) => a.PrivateIpAddress), ...(eni.Ipv6Addresses ?? []).map((a) => a.Ipv6Address)]) {
      if (ip) ips.add(ip);
    }
  }
  return { instances, ips };
}

async function networkTarget(clients: FrontEndClients, groupId: string, nlbs: LoadBalancer[]): Promise<string | null> {
  const { instances, ips } = await groupEndpoints(clients.ec2(), groupId);
  if (instances.size === 0 && ips.size === 0) return null;
  const elbv2 = clients.elbv2();
  for (const nlb of nlbs) {
    for await (const tg of targetGroups(elbv2, nlb.LoadBalancerArn ?? '')) {
      const ours = tg.TargetType === 'instance' ? instances : tg.TargetType === 'ip' ? ips : undefined;
      if (!ours?.size) continue; // lambda and alb targets carry no security group of their own here
      const target = (await registeredTargets(elbv2, tg)).find((id) => ours.has(id));
      if (target && (await preservesClientIp(elbv2, tg))) {
        return `registered target ${target} (target group ${tg.TargetGroupName ?? '?'}) of internet-facing load balancer ${lbName(nlb)}, which preserves client IPs`;
      }
    }
  }
  return null;
}

/** Target groups of one load balancer; none when it has none or is gone (deleted since it was listed). */
async function* targetGroups(elbv2: ElasticLoadBalancingV2Client, LoadBalancerArn: string): AsyncGenerator<TargetGroup> {
  let Marker: string | undefined;
  do {
    const page = await elbv2.send(new DescribeTargetGroupsCommand({ LoadBalancerArn, Marker })).catch(goneAs(undefined));
    if (!page) return;
    yield* page.TargetGroups ?? [];
    Marker = page.NextMarker;
  } while (Marker);
}

/** Ids (instance ids or IPs) of the targets registered in the group. */
async function registeredTargets(elbv2: ElasticLoadBalancingV2Client, tg: TargetGroup): Promise<string[]> {
  const out = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg.TargetGroupArn })).catch(goneAs(undefined));
  return (out?.TargetHealthDescriptions ?? []).flatMap((d) => (d.Target?.Id ? [d.Target.Id] : []));
}

/** Client IP preservation is always on for UDP, TCP_UDP, QUIC and TCP_QUIC, whatever the target type. */
const ALWAYS_PRESERVED = new Set(['UDP', 'TCP_UDP', 'QUIC', 'TCP_QUIC']);

/**
 * `preserve_client_ip.enabled` as set, else its documented default: enabled for instance targets and for the
 * protocols above, disabled for ip targets over TCP and TLS.
 */
async function preservesClientIp(elbv2: ElasticLoadBalancingV2Client, tg: TargetGroup): Promise<boolean> {
  if (ALWAYS_PRESERVED.has(tg.Protocol ?? '')) return true;
  const out = await elbv2.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: tg.TargetGroupArn })).catch(goneAs(undefined));
  const set = out?.Attributes?.find((a) => a.Key === 'preserve_client_ip.enabled')?.Value;
  return set === undefined ? tg.TargetType === 'instance' : set === 'true';
}

const GONE = new Set(['LoadBalancerNotFound', 'LoadBalancerNotFoundException', 'TargetGroupNotFound', 'TargetGroupNotFoundException']);

/** A load balancer or target group deleted between two calls reads as `value`; other errors are rethrown. */
const goneAs = <T>(value: T) => (err: unknown): T => (GONE.has(errorName(err)) ? value : rethrowThrottling(err));
