/**
 * The EventBridge rules that feed triage, built from the facts' single sources: the CloudTrail calls each normalizer
 * routes, the resource types and Security Hub ids the controls declare, the GuardDuty resource types triage reads.
 * `npm run gen:template` writes them into template.yaml (between the GENERATED markers); a test fails when stale.
 */
import { controls } from './controls';
import { ROUTED_EC2_EVENTS } from './events/cloudtrail-ec2';
import { CLOUDTRAIL_ECR_EVENTS } from './events/cloudtrail-ecr';
import { CLOUDTRAIL_ECS_EVENTS } from './events/cloudtrail-ecs';
import { CLOUDTRAIL_EKS_EVENTS } from './events/cloudtrail-eks';
import { GUARDDUTY_RESOURCE_TYPES } from './events/guardduty';
import { CONTAINER_TYPES } from './events/refs';

export interface TriageRule {
  /** The SAM event's logical id (part of the rule's generated name). */
  id: string;
  /** Why the rule exists, for the template's readers. */
  comment: string;
  pattern: Record<string, unknown>;
}

const SG = 'AWS::EC2::SecurityGroup';
const CONFIG_COMPLIANCE = 'Config Rules Compliance Change';
const CONFIG_ITEM = 'Config Configuration Item Change';
const CLOUDTRAIL = 'AWS API Call via CloudTrail';

const cloudTrail = (service: string, eventName: readonly string[]) => ({
  source: [`aws.${service}`], 'detail-type': [CLOUDTRAIL], detail: { eventSource: [`${service}.amazonaws.com`], eventName: [...eventName] },
});
const configCompliance = (types: string[]) => ({
  source: ['aws.config'], 'detail-type': [CONFIG_COMPLIANCE],
  detail: { messageType: ['ComplianceChangeNotification'], resourceType: types, newEvaluationResult: { complianceType: ['NON_COMPLIANT'] } },
});
const configItem = (types: string[]) => ({
  source: ['aws.config'], 'detail-type': [CONFIG_ITEM],
  detail: {
    $or: [
      { messageType: ['ConfigurationItemChangeNotification'], configurationItem: { resourceType: types } },
      { messageType: ['OversizedConfigurationItemChangeNotification'], configurationItemSummary: { resourceType: types } },
    ],
  },
});
const securityHub = (ids: string[]) => ({
  source: ['aws.securityhub'], 'detail-type': ['Security Hub Findings - Imported'],
  detail: {
    findings: {
      Compliance: { Status: ['FAILED'] }, RecordState: ['ACTIVE'], Workflow: { Status: [{ 'anything-but': 'SUPPRESSED' }] },
      $or: [{ Compliance: { SecurityControlId: ids } }, { ProductFields: { ControlId: ids } }],
    },
  },
});

const unique = (xs: string[]) => [...new Set(xs)];

/** Every triage rule, in template order. */
export function triageRules(): TriageRule[] {
  const sgControls = controls.filter((c) => c.resourceTypes.includes(SG));
  const containerControls = controls.filter((c) => !c.resourceTypes.includes(SG));
  // Config and Security Hub report these container types; a type no control reads is not routed.
  const read = new Set(containerControls.flatMap((c) => c.resourceTypes));
  const containerTypes = CONTAINER_TYPES.filter((t) => read.has(t));
  // In natural order (ECS.2 before ECS.12), so the template reads like the Security Hub documentation.
  const hubIds = (cs: typeof controls) => unique(cs.flatMap((c) => c.mappings.securityHub ?? [])).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return [
    { id: 'SgIngressApiCall', comment: 'CloudTrail: someone added or edited an inbound rule.', pattern: cloudTrail('ec2', ROUTED_EC2_EVENTS) },
    { id: 'SgConfigCompliance', comment: 'AWS Config: a rule found a security group NON_COMPLIANT.', pattern: configCompliance([SG]) },
    {
      id: 'SgConfigItemChange',
      comment: "AWS Config: a security group's configuration item changed. Oversized notifications carry no configurationItem, only configurationItemSummary (and an S3 location), hence the $or.",
      pattern: configItem([SG]),
    },
    {
      id: 'SgSecurityHubFinding',
      comment: 'Security Hub: an active, failed, not suppressed finding of a security-group control. Consolidated findings carry Compliance.SecurityControlId; accounts with consolidation off send ProductFields.ControlId, hence the $or. EventBridge matches all fields inside ONE element of detail.findings.',
      pattern: securityHub(hubIds(sgControls)),
    },
    { id: 'EcsApiCall', comment: 'CloudTrail: ECS task definitions, services, standalone tasks, cluster settings and account settings.', pattern: cloudTrail('ecs', CLOUDTRAIL_ECS_EVENTS) },
    { id: 'EksApiCall', comment: 'CloudTrail: EKS cluster creation and configuration (endpoint access, logging).', pattern: cloudTrail('eks', CLOUDTRAIL_EKS_EVENTS) },
    { id: 'EcrApiCall', comment: 'CloudTrail: ECR repository creation, scan-on-push and tag mutability.', pattern: cloudTrail('ecr', CLOUDTRAIL_ECR_EVENTS) },
    { id: 'ContainerConfigCompliance', comment: 'AWS Config: a rule found an ECS, EKS or ECR resource NON_COMPLIANT (triage maps the rule to its controls).', pattern: configCompliance(containerTypes) },
    { id: 'ContainerConfigItemChange', comment: 'AWS Config: the configuration item of an ECS, EKS or ECR resource changed (normal or oversized).', pattern: configItem(containerTypes) },
    { id: 'ContainerSecurityHubFinding', comment: 'Security Hub: an active, failed, not suppressed finding of an ECS, EKS or ECR control, matched as above.', pattern: securityHub(hubIds(containerControls)) },
    {
      id: 'GuardDutyContainerFinding',
      comment: 'GuardDuty: findings on ECS tasks and clusters (Runtime Monitoring), EKS clusters (audit log, runtime) and EC2 instances (triage keeps ECS container instances and EKS nodes). Severity bands, archived and sample findings, and repeats are decided in triage, so the policy can move the bands.',
      pattern: { source: ['aws.guardduty'], 'detail-type': ['GuardDuty Finding'], detail: { resource: { resourceType: [...GUARDDUTY_RESOURCE_TYPES] } } },
    },
  ];
}
