/**
 * Security Hub CSPM "Security Hub Findings - Imported" (ASFF, one finding per event in detail.findings[0]).
 * A FAILED, active, open finding of a mapped control on an AwsEc2SecurityGroup flags the group; the finding
 * carries no rule data (live state resolves it) but does carry the resource's tags.
 */
import { z } from 'zod';
import { controls } from '../controls';
import type { Normalized, Observation } from '../model';
import { EventBridgeSchema, parseDetail, sgRef, type Envelope } from './envelope';

export const SECURITYHUB_DETAIL_TYPE = 'Security Hub Findings - Imported';
const SG_RESOURCE_TYPE = 'AwsEc2SecurityGroup';
const MAPPED_CONTROLS: readonly string[] = [...new Set(controls.flatMap((c) => c.mappings.securityHub ?? []))];
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

export function normalizeSecurityHub(env: Envelope): Normalized {
  const parsed = parseDetail(FindingsDetail, env, 'Security Hub finding');
  if (!parsed.ok) return parsed.result;
  const f = parsed.detail.findings[0]!; // Security Hub sends one finding per event
  const control = controlIdOf(f) ?? 'unknown control';
  const status = f.Compliance?.Status ?? 'no compliance status';

  const sg = f.Resources.find((r) => r.Type === SG_RESOURCE_TYPE);
  const arn = sg ? SG_ARN.exec(sg.Id) : null;
  const groupId = arn?.[4] ?? sg?.Details?.AwsEc2SecurityGroup?.GroupId;
  let observation: Observation | undefined;
  if (sg && groupId && status === 'FAILED') {
    const account = arn?.[3] || f.AwsAccountId || env.account;
    const region = arn?.[2] || sg.Region || f.Region || env.region;
    observation = {
      source: 'securityhub',
      eventId: env.id,
      eventName: env['detail-type'],
      time: env.time,
      account,
      region,
      resource: sgRef(groupId, account, region, sg.Tags ?? undefined, arn?.[1] || sg.Partition),
      facts: { kind: 'sg-flagged', groupId, flaggedBy: `Security Hub ${control}` },
    };
  }
  const ignored = (reason: string): Normalized => (observation ? { kind: 'ignored', reason, observation } : { kind: 'ignored', reason });

  if (f.RecordState === 'ARCHIVED') return ignored(`Security Hub ${control} finding is ARCHIVED`);
  if (f.Workflow?.Status && CLOSED_WORKFLOW.includes(f.Workflow.Status)) {
    return ignored(`Security Hub ${control} finding workflow is ${f.Workflow.Status}`);
  }
  if (status !== 'FAILED') return ignored(`Security Hub ${control} reports ${status}: nothing to fix`);
  if (!MAPPED_CONTROLS.includes(control)) return ignored(`Security Hub ${control} is not mapped to a Warden control`);
  if (!sg) return ignored(`Security Hub ${control} finding names no ${SG_RESOURCE_TYPE} resource`);
  if (!observation) return ignored(`Security Hub ${control} finding: no security group id in ${sg.Id}`);
  return { kind: 'observation', observation };
}
