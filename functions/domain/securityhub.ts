import { createHash } from 'node:crypto';
import type { Finding, Observation, ResourceRef, Source } from './model';
import type { Policy } from './policy/schema';
import type { RemediationContext, RemediationRecord } from './remediation';

/**
 * Security Hub write-back and import (pure). A run that started from a Security Hub finding tells that finding how it
 * went (BatchUpdateFindings: Workflow.Status and a Note); with `securityHub.importFindings`, Warden's own findings
 * (CloudTrail, Config, GuardDuty) are imported as ASFF (BatchImportFindings) and told the same. The SDK calls are in
 * aws/securityhub.ts; who calls them: RecordAudit, at a run's end and just before its approval request.
 */

/** Security Hub's workflow statuses (Workflow.Status, WorkflowUpdate in the API reference). */
export type WorkflowStatus = 'NEW' | 'NOTIFIED' | 'RESOLVED' | 'SUPPRESSED';

/** Note.Text is at most 512 characters (NoteUpdate). */
export const NOTE_MAX = 512;
/** Note.UpdatedBy: who wrote the note. */
export const UPDATED_BY = 'warden';
/** The ASFF version every imported finding declares. */
export const ASFF_SCHEMA_VERSION = '2018-10-08';

/** The finding a run writes back to: one that came from Security Hub, or Warden's own (imported). */
export interface SecurityHubRef {
  /** ASFF `Id`. */
  id: string;
  /** ASFF `ProductArn`. */
  productArn: string;
  /** `securityhub`: the finding that started the run; `warden`: Warden's own, imported by the run. */
  origin: 'securityhub' | 'warden';
}

/** What to write: a workflow status (absent: left as it is) and the note. */
export interface WriteBack {
  workflow?: WorkflowStatus;
  note: string;
}

/** What one write-back did, as the audit record keeps it. */
export interface WriteBackResult {
  /** `approval`: just before the approval request; `end`: when the run ended. */
  stage: 'approval' | 'end';
  at: string;
  /** The status asked for; absent: the workflow was left as it was (note only). */
  workflow?: WorkflowStatus;
  note: string;
  /** `ok`, or the error: a refused call's error name, or the ErrorCode of an unprocessed finding. */
  result: string;
  /** Warden's own finding only: the import's `ok` or error (ASFF, BatchImportFindings). */
  imported?: string;
}

/** Sources whose findings Warden imports when the policy says so (never Security Hub's own, never a hand start). */
const IMPORTED_SOURCES: readonly Source[] = ['cloudtrail', 'config', 'guardduty'];

/** The account's default product, which BatchImportFindings takes for findings of the account's own making. */
export const ownProductArn = (r: Pick<ResourceRef, 'account' | 'region' | 'arn'>): string =>
  `arn:${r.arn?.split(':')[1] || 'aws'}:securityhub:${r.region}:${r.account}:product/${r.account}/default`;

/**
 * The Id of Warden's own finding: its control, its resource and the sorted targets, so a re-import of the same
 * exposure updates that finding and a new exposure on the same resource (new rule ids) is a finding of its own.
 */
export function importedFindingId(f: Finding): string {
  const key = [f.control, f.resource.arn ?? f.resource.id, ...[...f.remediation.targets].sort()].join('|');
  return `warden/${f.control}/${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}

/**
 * The finding a run started by triage writes back to: the Security Hub finding of the event (only the event's first
 * run: `first`), or, with `securityHub.importFindings`, Warden's own finding for an event of another source.
 */
export function securityHubRefOf(o: Observation, finding: Finding, policy: Policy, first: boolean): SecurityHubRef | undefined {
  if (o.securityHubFinding) return first ? { ...o.securityHubFinding, origin: 'securityhub' } : undefined;
  if (!policy.securityHub.importFindings || !IMPORTED_SOURCES.includes(o.source)) return undefined;
  return { id: importedFindingId(finding), productArn: ownProductArn(finding.resource), origin: 'warden' };
}

/** At most NOTE_MAX characters: a longer note is cut, with an ellipsis. */
export const noteText = (text: string): string => (text.length <= NOTE_MAX ? text : `${text.slice(0, NOTE_MAX - 1)}…`);

const stepsOf = (r: { plan?: { steps: string[] } }): string => (r.plan?.steps.length ? r.plan.steps.join('; ') : 'no plan');

/** Just before the approval request: the owner has been asked (NOTIFIED). */
export function approvalWriteBack(context: RemediationContext, live: { channel: string; plan?: { steps: string[] } }): WriteBack {
  return { workflow: 'NOTIFIED', note: noteText(`Warden run ${context.id}: approval requested in ${live.channel}: ${stepsOf(live)}`) };
}

/** A short account of an exemption: until, reason, by. */
const exemptionText = (r: RemediationRecord): string => {
  const e = r.exemption!;
  const until = e.until ?? (e.legacy !== undefined ? 'no expiry set' : e.expiresAt ?? '?');
  return [`until ${until}`, e.reason ? `reason ${e.reason}` : '', e.by ? `granted by ${e.by}` : ''].filter(Boolean).join(', ');
};

/**
 * When a run ends: fixed (and verified) → RESOLVED; the owner told, or asked → NOTIFIED; a Security Hub finding whose
 * resource is exempt → SUPPRESSED; anything else (denied, expired, held, failed, dry-run, already fixed, gone) leaves
 * the workflow as it is, with a note that says why. undefined: nothing to write.
 */
export function endWriteBack(r: RemediationRecord): WriteBack | undefined {
  const run = `Warden run ${r.id}`;
  const note = (workflow: WorkflowStatus | undefined, text: string): WriteBack => ({ ...(workflow ? { workflow } : {}), note: noteText(`${run}: ${text}`) });
  switch (r.outcome) {
    case 'fixed': {
      const changed = r.applied?.length ? ` (changed: ${r.applied.join(', ')})` : '';
      return r.verified === false ? note(undefined, `applied but not verified${changed}: ${stepsOf(r)}`) : note('RESOLVED', `fixed and verified${changed}: ${stepsOf(r)}`);
    }
    case 'notified':
      if (r.exemption?.status === 'active' && r.securityHub?.origin === 'securityhub') return note('SUPPRESSED', `exempt (${exemptionText(r)}): nothing is changed; owner told in ${r.channel}`);
      return note('NOTIFIED', `owner told in ${r.channel}: ${stepsOf(r)}`);
    case 'approval-required':
      return note('NOTIFIED', `owner told in ${r.channel}; the change needs an approval: ${stepsOf(r)}`);
    case 'denied': {
      const a = r.approval;
      return note(undefined, `change denied${a?.decidedBy ? ` by ${a.decidedBy}` : ''}${a?.reason ? ` (${a.reason})` : ''}; nothing changed, the finding stays open`);
    }
    case 'expired':
      return note(undefined, 'nobody decided on the approval in time; nothing changed, the finding stays open');
    case 'held':
      return note(undefined, `held by the brakes${r.held ? ` (${r.held.why})` : ''}; nothing changed, the finding stays open`);
    case 'failed':
      return note(undefined, `failed (${r.error?.error ?? 'error'}); the finding stays open`);
    case 'dry-run':
      return note(undefined, `dry-run, nothing changed; would: ${stepsOf(r)}`);
    case 'already-fixed':
      return note(undefined, 'nothing left to fix on the live re-check');
    case 'resource-gone':
      return note(undefined, 'the resource was deleted since the finding; nothing to fix');
    default:
      return undefined;
  }
}

/** Outcomes where there was an exposure to report: Warden imports its own finding for these only. */
export const importsOnEnd = (r: RemediationRecord): boolean => !['already-fixed', 'resource-gone', 'not-found', 'in-progress'].includes(r.outcome);

/** ASFF resource types for the CloudFormation types Warden's findings name; any other is `Other`. */
const ASFF_TYPES: Record<string, string> = {
  'AWS::EC2::SecurityGroup': 'AwsEc2SecurityGroup', 'AWS::EC2::Instance': 'AwsEc2Instance',
  'AWS::ECS::Cluster': 'AwsEcsCluster', 'AWS::ECS::Service': 'AwsEcsService', 'AWS::ECS::Task': 'AwsEcsTask',
  'AWS::ECS::TaskDefinition': 'AwsEcsTaskDefinition', 'AWS::EKS::Cluster': 'AwsEksCluster', 'AWS::ECR::Repository': 'AwsEcrRepository',
};

/** The ASFF finding types: a threat GuardDuty saw, else a best-practice check. */
const typesOf = (f: Finding): string[] =>
  [f.control === 'guardduty-container-threat' ? 'Unusual Behaviors' : 'Software and Configuration Checks/AWS Security Best Practices'];

const cut = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

/**
 * Warden's own finding as ASFF, with every field BatchImportFindings requires (SchemaVersion, Id, ProductArn,
 * GeneratorId, AwsAccountId, Types, CreatedAt, UpdatedAt, Severity, Title, Description, Resources). `archived`: the
 * exposure is fixed, so the finding's record is ARCHIVED. Workflow and Note are not set here: after creation only
 * BatchUpdateFindings may change them.
 */
export function asffOf(context: RemediationContext, ref: SecurityHubRef, now: Date, archived: boolean): Record<string, unknown> {
  const f = context.finding;
  const r = f.resource;
  const types = typesOf(f);
  const severity = { Label: f.severity };
  return {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: ref.id,
    ProductArn: ref.productArn,
    GeneratorId: `warden/${f.control}`,
    AwsAccountId: r.account,
    Region: r.region,
    Types: types,
    FirstObservedAt: context.eventTime,
    CreatedAt: context.eventTime,
    UpdatedAt: now.toISOString(),
    Severity: severity,
    FindingProviderFields: { Severity: severity, Types: types },
    Title: cut(f.title, 256),
    Description: cut(f.evidence, 1024),
    Resources: [{
      Type: ASFF_TYPES[r.type] ?? 'Other', Id: r.arn ?? r.id, Region: r.region,
      ...(r.arn ? { Partition: r.arn.split(':')[1] } : {}),
    }],
    ProductFields: { 'warden/control': f.control, 'warden/action': f.remediation.action, 'warden/run': context.id, 'warden/source': context.source },
    RecordState: archived ? 'ARCHIVED' : 'ACTIVE',
  };
}
