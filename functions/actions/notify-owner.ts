import { readEcsResource, type LiveFacts } from '../aws/live-ecs';
import { readEksCluster } from '../aws/live-eks-ecr';
import { controlById } from '../domain/controls';
import { parseImage } from '../domain/controls/image-ref';
import { taskDefinitionControls } from '../domain/controls/task-definition-controls';
import type { Facts, Finding, Observation, TaskDefinitionFacts } from '../domain/model';
import type { Policy } from '../domain/policy/schema';
import type { Plan } from '../domain/remediation';
import { planOnlyAction, type ActionClients, type Inspection } from './action';
import { hardenTaskDefinition } from './harden-task-definition';
import { ECS_RESOURCE_READS, EKS_CLUSTER_READS } from '../aws/permissions';
import { hardenInspect } from './grants';
import type { PlanOnlyDeclaration } from './declaration';

/** What it is and the IAM it needs per phase: `npm run gen` writes the registry and template.yaml's statements from it. */
export const declaration = {
  id: 'notify-owner',
  title: 'Tell the owner the exact change to make',
  planOnly: true,
  permissions: { inspect: [...ECS_RESOURCE_READS, ...EKS_CLUSTER_READS, ...hardenInspect] },
} as const satisfies PlanOnlyDeclaration;

/**
 * Plan only, for controls without an automatic fix: re-check the resource live (ECS and EKS resources), then tell the
 * owner the exact change to make for that control.
 */
export const notifyOwner = planOnlyAction(declaration, {
  async inspect(finding, clients, policy): Promise<Inspection> {
    const live = await readLive(finding, clients);
    const tags = live && finding.resource.tags === undefined ? live.tags : undefined;
    let current = finding;
    const control = controlById(finding.control);
    if (live === undefined) return { ...done(finding, `${finding.resource.id} no longer exists`), gone: true };
    if (live && control) {
      const observation = liveObservation(finding, live);
      const found = control.evaluate(observation, policy).findings[0];
      if (!found) return done(finding, `${finding.resource.id} no longer fails ${finding.control}`, tags);
      current = found;
    }
    const facts = live ? live.facts : undefined;
    const steps = [...ownerSteps(current, facts)];
    if (current.control === 'ecs-service-noncompliant-task-definition' && facts?.kind === 'ecs-service' && facts.service.definition) {
      steps.push(...(await serviceSteps(current, facts.service.definition, clients, policy)));
    }
    const plan: Plan = {
      action: 'notify-owner',
      resource: finding.resource,
      targets: current.remediation.targets,
      steps,
      details: { control: current.control, evidence: current.evidence },
    };
    return { stillViolating: true, plan, ...(tags ? { tags } : {}) };
  },
});

/** Live facts, undefined when the resource is gone, null when Warden cannot read this type live. */
async function readLive(finding: Finding, clients: ActionClients): Promise<LiveFacts | null> {
  const ref = finding.resource;
  const hint: Facts = { kind: 'flagged', flaggedBy: 'notify-owner' };
  switch (ref.type) {
    case 'AWS::ECS::TaskDefinition':
    case 'AWS::ECS::Service':
    case 'AWS::ECS::Cluster':
      return readEcsResource(ref, hint, clients);
    case 'AWS::EKS::Cluster':
      return readEksCluster(ref, clients);
    default:
      return null;
  }
}

function liveObservation(finding: Finding, live: NonNullable<LiveFacts>): Observation {
  return {
    source: 'cloudtrail', eventId: 'live-recheck', eventName: 'LiveRecheck', time: new Date().toISOString(),
    account: finding.resource.account, region: finding.resource.region,
    resource: { ...finding.resource, tags: live.tags },
    facts: live.facts,
  };
}

function done(finding: Finding, why: string, tags?: Record<string, string>): Inspection {
  const plan: Plan = { action: 'notify-owner', resource: finding.resource, targets: [], steps: [], details: { why } };
  return { stillViolating: false, plan, ...(tags ? { tags } : {}) };
}

/** The exact change, per control. `facts` are the live facts when they could be read. */
export function ownerSteps(finding: Finding, facts?: Facts): string[] {
  const td = facts?.kind === 'ecs-task-definition' ? facts.taskDefinition : undefined;
  const family = td?.family ?? finding.resource.id.split('/').pop()?.split(':')[0] ?? finding.resource.id;
  const { account, region } = finding.resource;
  switch (finding.control) {
    case 'ecs-task-host-network':
      return [
        `register a new revision of ${family} with networkMode awsvpc instead of host; in portMappings drop hostPort or set it equal to containerPort`,
        'move to awsvpc: give each service running it networkConfiguration.awsvpcConfiguration (private subnets, a security group allowing only the ports it serves), then UpdateService to the new revision',
      ];
    case 'ecs-task-untrusted-image': {
      const containers = td?.containers.filter((c) => finding.remediation.targets.includes(c.name) && c.image) ?? [];
      const images = containers.map((c) => {
        const uri = ecrUri(c.image!, account, region);
        return `push the image to ECR: ${c.image} → ${uri} (docker pull, tag, push; or an ECR pull-through cache rule for its registry), with scan-on-push on the repository; then set container ${c.name} image = ${uri}`;
      });
      return [
        ...(images.length ? images : [`push the images of ${finding.remediation.targets.join(', ') || family} to ECR (${account}.dkr.ecr.${region}.amazonaws.com/…) with scan-on-push on`]),
        `register a new revision of ${family} with the ECR images and UpdateService its services to it`,
        "or, if that registry is trusted, add it to the policy's trustedRegistries",
      ];
    }
    case 'eks-secrets-encryption': {
      const name = finding.resource.id.split('/').pop();
      return [
        `AssociateEncryptionConfig on EKS cluster ${name}: encryptionConfig [{resources: [secrets], provider: {keyArn: <symmetric KMS key ARN in ${region}>}}]`,
        "the key policy must let the cluster's IAM role use the key; follow the update with DescribeUpdate until Successful",
        'this cannot be undone: EKS re-encrypts every existing secret with the key',
      ];
    }
    case 'ecs-cluster-container-insights':
      return [
        'PutAccountSettingDefault name=containerInsights value=enabled (or enhanced): clusters created from now on inherit it',
        `existing clusters keep their own setting: UpdateClusterSettings containerInsights=enabled on each (${finding.evidence})`,
      ];
    case 'ecs-service-noncompliant-task-definition':
      return [`${finding.evidence}`];
    case 'ecs-task-env-secrets':
      return finding.resource.type === 'AWS::ECS::Task' ? overrideSecretSteps(finding) : defaultSteps(finding);
    case 'ecs-task-dangerous-capabilities':
      return [
        `${finding.title} on ${finding.resource.id}: ${finding.evidence}`,
        `register a new revision of ${family} without them: remove the capabilities from linuxParameters.capabilities.add (keep capabilities.drop) and the host devices from linuxParameters.devices of ${finding.remediation.targets.join(', ')}, then UpdateService its services to it`,
        "if the workload needs one (a VPN or network agent needs NET_ADMIN, a profiler SYS_PTRACE), keep it and say so: exempt the task definition until a date (warden:exempt-until, -reason, -by), or remove it from the policy's dangerousCapabilities",
      ];
    default:
      return defaultSteps(finding);
  }
}

function defaultSteps(finding: Finding): string[] {
  const control = controlById(finding.control);
  return [`${finding.title} on ${finding.resource.id}: ${finding.evidence}`, ...(control ? [`fix: ${control.remediation.summary}`] : [])];
}

/** A secret passed in RunTask/StartTask overrides: rotate it and move it to secrets[]; the tasks keep running. */
function overrideSecretSteps(finding: Finding): string[] {
  const names = finding.remediation.targets;
  return [
    finding.evidence,
    `rotate ${names.join(', ')} where they are issued: the values passed in the call's overrides are kept in CloudTrail (and in DescribeTasks while the tasks are listed), so treat them as leaked`,
    "store the new values in Secrets Manager or Parameter Store and reference them from the task definition's secrets[] (valueFrom), with secretsmanager:GetSecretValue or ssm:GetParameters for the task execution role: containerOverrides cannot carry secrets[], so pass only non-secret settings there",
    'the tasks are not stopped for this: stopping them would not take the values back',
  ];
}

/** `nginx:1.27` → `<acct>.dkr.ecr.<region>.amazonaws.com/library/nginx:1.27`. */
export function ecrUri(image: string, account: string, region: string): string {
  const { host, repository } = parseImage(image);
  const path = repository.slice(host.length + 1);
  const noDigest = image.split('@')[0] ?? image;
  const last = noDigest.slice(noDigest.lastIndexOf('/') + 1);
  const tag = last.includes(':') ? last.split(':').pop() : 'latest';
  return `${account}.dkr.ecr.${region}.amazonaws.com/${path}:${tag}`;
}

/** Which task-definition controls the service's revision fails, and harden-task-definition's plan for it. */
async function serviceSteps(finding: Finding, td: TaskDefinitionFacts, clients: ActionClients, policy: Policy): Promise<string[]> {
  const ref = { type: 'AWS::ECS::TaskDefinition', id: td.arn ?? td.family, account: finding.resource.account, region: finding.resource.region };
  const observation: Observation = {
    source: 'cloudtrail', eventId: 'live-recheck', eventName: 'LiveRecheck', time: new Date().toISOString(),
    account: ref.account, region: ref.region, resource: ref, facts: { kind: 'ecs-task-definition', taskDefinition: td },
  };
  const failed = taskDefinitionControls()
    .filter((c) => policy.controls[c.id]?.enabled !== false)
    .flatMap((c) => c.evaluate(observation, policy).findings);
  const steps = failed.map((f) => `fails ${f.control}${f.remediation.targets.length ? ` (${f.remediation.targets.join(', ')})` : ''}: fix with ${f.remediation.action}`);
  if (failed.some((f) => f.remediation.action === 'harden-task-definition')) {
    const { stillViolating, plan } = await hardenTaskDefinition.inspect(
      { ...finding, control: 'ecs-task-root-user', resource: ref, remediation: { action: 'harden-task-definition', mode: 'approval', targets: [] } },
      clients,
      policy,
    );
    steps.push(...(stillViolating
      ? plan.steps.map((s) => `harden-task-definition: ${s}`)
      : [`harden-task-definition: the latest ACTIVE revision of ${td.family} has nothing to harden: UpdateService to it`]));
  }
  return steps;
}
