/**
 * Security Hub CSPM "Security Hub Findings - Imported" (ASFF, one finding per event in detail.findings[0]).
 * A FAILED, active, open finding of a mapped control flags its resource: an AwsEc2SecurityGroup for the
 * security-group controls, else the ECS/EKS/ECR resource whose ARN is `Resources[0].Id`. Findings carry no
 * resource data (live state resolves it) but do carry the resource's tags.
 */
import { z } from 'zod';
import type { Normalized, Observation } from '../model';
import { EventBridgeSchema, observationOf, parseDetail, SG_TYPE, sgRef, type Envelope } from './envelope';
import { controlsForSecurityHub, controlsReading } from './mappings';
import { containerRef, parseContainerArn } from './refs';

export const SECURITYHUB_DETAIL_TYPE = 'Security Hub Findings - Imported';
const SG_RESOURCE_TYPE = 'AwsEc2SecurityGroup';
const CLOSED_WORKFLOW = ['SUPPRESSED', 'RESOLVED'];

const Resource = z.object({
  Type: z.string(),
  Id: z.string(),
  Partition: z.string().optional(),
  Region: z.string().optional(),
  Tags: z.record(z.string(), z.string()).nullish(),
  Details: z.object({ AwsEc2SecurityGroup: z.object({ GroupId: z.string().optional() }).nullish() }).nullish(),
});

const Finding = z.object({
  /** The finding's identifiers: a run from it writes its workflow status and a note back (BatchUpdateFindings). */
  Id: z.string().min(1).optional(),
  ProductArn: z.string().min(1).optional(),
  GeneratorId: z.string().optional(),
  AwsAccountId: z.string().optional(),
  Region: z.string().optional(),
  Compliance: z.object({ Status: z.string().optional(), SecurityControlId: z.string().optional() }).nullish(),
  ProductFields: z.record(z.string(), z.unknown()).nullish(),
  RecordState: z.string().optional(),
  Workflow: z.object({ Status: z.string().optional() }).nullish(),
  Resources: z.array(Resource).min(1),
});
type Finding = z.output<typeof Finding>;

const FindingsDetail = z.object({ findings: z.array(Finding).min(1) });
export const SecurityHubFindingsImportedEvent = EventBridgeSchema.extend({ detail: FindingsDetail });

/** Compliance.SecurityControlId (consolidated findings), else ProductFields.ControlId, else the GeneratorId suffix. */
export function controlIdOf(f: Finding): string | undefined {
  if (f.Compliance?.SecurityControlId) return f.Compliance.SecurityControlId;
  const legacy = f.ProductFields?.ControlId;
  if (typeof legacy === 'string' && legacy) return legacy;
  const suffix = f.GeneratorId?.split('/').pop();
  return suffix || undefined;
}

const SG_ARN = /^arn:([^:]+):ec2:([^:]*):([^:]*):security-group\/(sg-[0-9a-zA-Z]+)$/;

type Resource = z.output<typeof Resource>;

/** The finding's security group, flagged for a live read. */
function sgObservation(env: Envelope, f: Finding, sg: Resource, control: string, mapped: string[]): Observation | undefined {
  const arn = SG_ARN.exec(sg.Id);
  const groupId = arn?.[4] ?? sg.Details?.AwsEc2SecurityGroup?.GroupId;
  if (!groupId) return undefined;
  const account = arn?.[3] || f.AwsAccountId || env.account;
  const region = arn?.[2] || sg.Region || f.Region || env.region;
  const resource = sgRef(groupId, account, region, sg.Tags ?? undefined, arn?.[1] || sg.Partition);
  return observationOf('securityhub', env, resource, { kind: 'sg-flagged', groupId, flaggedBy: `Security Hub ${control}`, controls: mapped });
}

/** An ECS, EKS or ECR resource named by its ARN in Resources[0].Id, flagged for the mapped Warden controls. */
function containerObservation(env: Envelope, f: Finding, control: string, mapped: string[]): Observation | undefined {
  const r = f.Resources[0]!;
  const parsed = parseContainerArn(r.Id);
  if (!parsed) return undefined;
  const resource = containerRef(parsed.type, r.Id, { account: f.AwsAccountId ?? env.account, region: r.Region ?? f.Region ?? env.region }, r.Tags ?? undefined);
  if (!resource) return undefined;
  return observationOf('securityhub', env, resource, { kind: 'flagged', flaggedBy: `Security Hub ${control}`, controls: mapped });
}

export function normalizeSecurityHub(env: Envelope): Normalized {
  const parsed = parseDetail(FindingsDetail, env, 'Security Hub finding');
  if (!parsed.ok) return parsed.result;
  const f = parsed.detail.findings[0]!; // Security Hub sends one finding per event
  const control = controlIdOf(f) ?? 'unknown control';
  const status = f.Compliance?.Status ?? 'no compliance status';
  const mapped = controlsForSecurityHub(control);
  const sgControls = controlsReading(SG_TYPE);
  const wantsSg = mapped.some((id) => sgControls.includes(id));

  const sg = f.Resources.find((r) => r.Type === SG_RESOURCE_TYPE);
  let observation: Observation | undefined;
  if (status === 'FAILED') {
    if (sg && (wantsSg || mapped.length === 0)) observation = sgObservation(env, f, sg, control, mapped);
    if (!observation && !wantsSg) observation = containerObservation(env, f, control, mapped);
  }
  const ignored = (reason: string): Normalized => (observation ? { kind: 'ignored', reason, observation } : { kind: 'ignored', reason });

  if (f.RecordState === 'ARCHIVED') return ignored(`Security Hub ${control} finding is ARCHIVED`);
  if (f.Workflow?.Status && CLOSED_WORKFLOW.includes(f.Workflow.Status)) {
    return ignored(`Security Hub ${control} finding workflow is ${f.Workflow.Status}`);
  }
  if (status !== 'FAILED') return ignored(`Security Hub ${control} reports ${status}: nothing to fix`);
  if (mapped.length === 0) return ignored(`Security Hub ${control} is not mapped to a Warden control`);
  if (wantsSg && !sg) return ignored(`Security Hub ${control} finding names no ${SG_RESOURCE_TYPE} resource`);
  if (wantsSg && !observation) return ignored(`Security Hub ${control} finding: no security group id in ${sg!.Id}`);
  if (!observation) return ignored(`Security Hub ${control} finding names no ECS, EKS or ECR resource (${f.Resources[0]!.Type} ${f.Resources[0]!.Id})`);
  const securityHubFinding = f.Id && f.ProductArn ? { id: f.Id, productArn: f.ProductArn } : undefined;
  return { kind: 'observation', observation: securityHubFinding ? { ...observation, securityHubFinding } : observation };
}
