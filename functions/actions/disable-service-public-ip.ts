import {
  DescribeRouteTablesCommand, DescribeSubnetsCommand, DescribeVpcEndpointsCommand, type EC2Client, type RouteTable,
} from '@aws-sdk/client-ec2';
import type { Service } from '@aws-sdk/client-ecs';
import { describeService, nameOf, serviceOfArn, toTags, updateService } from '../aws/ecs';
import { rethrowThrottling } from '../aws/errors';
import type { Finding } from '../domain/model';
import type { Plan } from '../domain/remediation';
import { fixingAction, type Inspection } from './action';
import '../aws/clients/ec2'; // ActionClients.ec2() (aws/client-cache.ts)
import { anyResource, arn, ecsTagReads } from '../aws/permissions';
import { describeServices } from './grants';
import type { FixingDeclaration } from './declaration';

/** The VPC endpoints Fargate tasks need to pull from ECR and log without a public IP or a NAT gateway. */
export const EGRESS_ENDPOINTS = ['ecr.api', 'ecr.dkr', 's3', 'logs'] as const;

/** How the service's subnets reach ECR, S3 and CloudWatch Logs once tasks have no public IP. */
export interface EgressReport {
  vpcId?: string;
  /** Per subnet: its route table (explicit, else the VPC's main one) and the NAT gateway of its default route. */
  subnets: { subnetId: string; routeTableId?: string; natGatewayId?: string }[];
  /** Of EGRESS_ENDPOINTS, those with an available endpoint in the VPC. */
  endpoints: string[];
}

interface Details {
  cluster: string;
  service: string;
  /** awsvpcConfiguration as it was: what a restore would put back. */
  before: { subnets: string[]; securityGroups: string[]; assignPublicIp: string };
  egress: EgressReport;
}

/** What it is and the IAM it needs per phase: `npm run gen` writes the registry and template.yaml's statements from it. */
export const declaration = {
  id: 'disable-service-public-ip',
  title: "Disable public IPs on an ECS service's tasks",
  planOnly: false,
  permissions: {
    inspect: [
      describeServices, ecsTagReads(['service']),
      anyResource(
        ['ec2:DescribeSubnets', 'ec2:DescribeRouteTables', 'ec2:DescribeVpcEndpoints'],
        "egress of the service's subnets without a public IP: NAT routes and VPC endpoints (ec2:Describe* has no resource-level permissions)",
      ),
    ],
    apply: [{ actions: ['ecs:DescribeServices', 'ecs:UpdateService'], resources: [arn('ecs', 'service/*')], why: 'assignPublicIp=DISABLED, with the live subnets and groups' }],
    verify: [describeServices],
  },
} as const satisfies FixingDeclaration;

/**
 * Turn off public IPs for a service's tasks: UpdateService with the same subnets and security groups and
 * assignPublicIp DISABLED (ECS replaces the tasks). The plan says whether tasks keep egress without a public IP.
 */
export const disableServicePublicIp = fixingAction(declaration, {
  async inspect(finding, clients): Promise<Inspection> {
    const { cluster } = serviceOfArn(finding.resource.id);
    const service = await describeService(clients.ecs(), finding.resource.id, cluster);
    const vpc = service?.networkConfiguration?.awsvpcConfiguration;
    const tags = service && finding.resource.tags === undefined ? toTags(service.tags) : undefined;
    if (!service || vpc?.assignPublicIp !== 'ENABLED') {
      const why = service ? `${service.serviceName} does not assign public IPs` : `${finding.resource.id} no longer exists`;
      const plan: Plan = { action: 'disable-service-public-ip', resource: finding.resource, targets: [], steps: service ? [] : [`${why}: nothing to change`], details: { why } };
      return { stillViolating: false, plan, ...(tags ? { tags } : {}), ...(service ? {} : { gone: true }) };
    }
    const subnets = vpc.subnets ?? [];
    const details: Details = {
      cluster: nameOf(service.clusterArn ?? cluster),
      service: service.serviceArn ?? finding.resource.id,
      before: { subnets, securityGroups: vpc.securityGroups ?? [], assignPublicIp: 'ENABLED' },
      egress: await egressReport(clients.ec2(), subnets),
    };
    return { stillViolating: true, plan: planFor(finding, service, details), ...(tags ? { tags } : {}) };
  },

  async apply(plan, clients) {
    const d = plan.details as unknown as Details;
    const ecs = clients.ecs();
    const live = await describeService(ecs, d.service, d.cluster);
    const vpc = live?.networkConfiguration?.awsvpcConfiguration;
    if (!live || vpc?.assignPublicIp !== 'ENABLED') return { applied: [], alreadyGone: [...plan.targets] };
    // Live subnets and groups: only assignPublicIp changes, whatever else changed since the plan.
    const outcome = await updateService(ecs, {
      cluster: d.cluster,
      service: d.service,
      networkConfiguration: { awsvpcConfiguration: { subnets: vpc.subnets ?? [], securityGroups: vpc.securityGroups ?? [], assignPublicIp: 'DISABLED' } },
    });
    return outcome === 'updated' ? { applied: [...plan.targets], alreadyGone: [] } : { applied: [], alreadyGone: [...plan.targets] };
  },

  async verify(plan, clients) {
    const d = plan.details as unknown as Details;
    const live = await describeService(clients.ecs(), d.service, d.cluster);
    const ok = !live || live.networkConfiguration?.awsvpcConfiguration?.assignPublicIp !== 'ENABLED';
    return { verified: ok, remaining: ok ? [] : [...plan.targets] };
  },
});

/** DescribeSubnets (the VPC), DescribeRouteTables (explicit associations, else the main table), DescribeVpcEndpoints. */
export async function egressReport(ec2: EC2Client, subnetIds: string[]): Promise<EgressReport> {
  if (subnetIds.length === 0) return { subnets: [], endpoints: [] };
  const subnets = (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: subnetIds })).catch(rethrowThrottling)).Subnets ?? [];
  const vpcId = subnets[0]?.VpcId;
  if (!vpcId) return { subnets: subnetIds.map((subnetId) => ({ subnetId })), endpoints: [] };
  const tables = async (filters: { Name: string; Values: string[] }[]) =>
    (await ec2.send(new DescribeRouteTablesCommand({ Filters: filters })).catch(rethrowThrottling)).RouteTables ?? [];
  const explicit = await tables([{ Name: 'association.subnet-id', Values: subnetIds }]);
  const main = explicit.length < subnetIds.length
    ? (await tables([{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'association.main', Values: ['true'] }]))[0]
    : undefined;
  const endpoints = (await ec2.send(new DescribeVpcEndpointsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))
    .catch(rethrowThrottling)).VpcEndpoints ?? [];
  return {
    vpcId,
    subnets: subnetIds.map((subnetId) => {
      const table = explicit.find((t) => t.Associations?.some((a) => a.SubnetId === subnetId)) ?? main;
      const nat = natOf(table);
      return { subnetId, ...(table?.RouteTableId ? { routeTableId: table.RouteTableId } : {}), ...(nat ? { natGatewayId: nat } : {}) };
    }),
    endpoints: EGRESS_ENDPOINTS.filter((name) =>
      endpoints.some((e) => e.State?.toLowerCase() === 'available' && e.ServiceName?.endsWith(`.${name}`))),
  };
}

/** The NAT gateway of a table's active default route. */
const natOf = (table: RouteTable | undefined): string | undefined =>
  table?.Routes?.find((r) => r.DestinationCidrBlock === '0.0.0.0/0' && r.NatGatewayId && r.State !== 'blackhole')?.NatGatewayId;

/** One line for the plan: can tasks still pull images and ship logs without a public IP? */
export function egressVerdict(e: EgressReport): string {
  const withNat = e.subnets.filter((s) => s.natGatewayId);
  const missing = EGRESS_ENDPOINTS.filter((n) => !e.endpoints.includes(n));
  if (e.subnets.length > 0 && withNat.length === e.subnets.length) {
    return `egress without a public IP: NAT present (${withNat.map((s) => `${s.subnetId} → ${s.natGatewayId}`).join(', ')})`;
  }
  if (missing.length === 0) {
    return `egress without a public IP: VPC endpoints present for ${EGRESS_ENDPOINTS.join(', ')} (no NAT: ECR pulls and logs work, other internet egress stops)`;
  }
  const noNat = e.subnets.filter((s) => !s.natGatewayId).map((s) => s.subnetId);
  return `egress without a public IP: no NAT/endpoints: tasks lose egress (image pulls from ECR, S3 layers, CloudWatch Logs). ` +
    `Subnets without a NAT route: ${noNat.join(', ') || 'none'}; missing VPC endpoints in ${e.vpcId ?? 'the VPC'}: ${missing.join(', ')}. ` +
    'Add a NAT gateway route or the endpoints before approving';
}

function planFor(finding: Finding, service: Service, d: Details): Plan {
  const config = `{subnets: [${d.before.subnets.join(', ')}], securityGroups: [${d.before.securityGroups.join(', ')}], assignPublicIp: DISABLED}`;
  const steps = [
    `UpdateService ${d.cluster}/${service.serviceName}: networkConfiguration.awsvpcConfiguration = ${config} (was assignPublicIp ENABLED); ECS replaces the running tasks`,
    egressVerdict(d.egress),
  ];
  if (service.deploymentController?.type && service.deploymentController.type !== 'ECS') {
    steps.push(`the service uses the ${service.deploymentController.type} deployment controller: UpdateService may refuse the network change; deploy it through that controller`);
  }
  return {
    action: 'disable-service-public-ip',
    resource: finding.resource,
    targets: [d.service],
    steps,
    details: d as unknown as Record<string, unknown>,
  };
}
