import type { Observation } from '../model';
import { describeRule } from '../net';
import type { Policy } from '../policy/schema';
import type { Control, ControlResult } from './control';
import { findingOf, NONE } from './control-kit';

const ID = 'sg-default-group-open';

/**
 * Security Hub EC2.2: a VPC's default security group allows no traffic, in or out. Anything launched without a group
 * of its own lands in it, so its rules (by default: all traffic from the group itself, and all traffic out) reach
 * workloads nobody meant to connect. The fix revokes every rule; whatever still uses the group loses that traffic,
 * hence an approval.
 */
export const sgDefaultGroupOpen: Control = {
  id: ID,
  title: "The VPC's default security group allows traffic",
  severity: 'HIGH',
  seedRef: '2.1 Fargate: restrictive security groups and/or network ACLs to isolate workloads',
  seed: ['2.1/restrictive-security-groups-network', '3.3/keep-security-group-acl'],
  mappings: {
    securityHub: ['EC2.2'],
    configRules: ['vpc-default-security-group-closed'],
    prowler: ['ec2_securitygroup_default_restrict_traffic'],
  },
  resourceTypes: ['AWS::EC2::SecurityGroup'],
  triggers: {
    cloudTrail: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:ModifySecurityGroupRules'],
    cloudTrailNote: 'the group name and its whole rule set read live',
    configItems: true,
  },
  remediation: {
    action: 'revoke-default-sg-rules',
    defaultMode: 'approval',
    summary: 'After an approval, revoke every inbound and outbound rule of the default group by rule id; the plan names the network interfaces that still use the group',
  },
  examples: [
    {
      event: 'securityhub/finding-ec2-2-failed.json',
      shows: 'EC2.2 FAILED on group 7, the VPC default group (its default rules: all traffic from itself, all traffic out): flagged for a live read, fixed after an approval',
      source: '[C] [EventBridge event formats for Security Hub CSPM](https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-cwe-event-formats.html), [ASFF `AwsEc2SecurityGroup` details](https://docs.aws.amazon.com/securityhub/latest/userguide/asff-resourcedetails-awsec2securitygroup.html); control [C] [EC2 controls](https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html) (EC2.2, Config rule `vpc-default-security-group-closed`); default rules [C] [Default security groups for your VPCs](https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html)',
      routed: true,
      expect: { status: 'violation', control: ID, targets: [], actions: ['revoke-default-sg-rules'] },
    },
  ],

  appliesTo: (o) => o.resource.type === 'AWS::EC2::SecurityGroup',

  evaluate(o: Observation, policy: Policy): ControlResult {
    const f = o.facts;
    if (f.kind === 'sg-flagged') {
      if (!f.controls?.includes(ID)) return NONE;
      return {
        findings: [findingOf(sgDefaultGroupOpen, o, policy, [], `${f.flaggedBy} reports default group ${f.groupId} allowing traffic`)],
        note: `needs live state: ${f.flaggedBy} carries no rules, so the rule ids are read at remediation time`,
      };
    }
    // The name comes with Config items and the live read; a CloudTrail record alone does not say which group is default.
    if (f.kind !== 'sg-rules' || f.groupName !== 'default' || f.rules.length === 0) return NONE;
    const targets = f.rules.flatMap((r) => (r.ruleId ? [r.ruleId] : []));
    const evidence = `default group ${f.groupId} has ${f.rules.length} rule(s): ${f.rules.map(describeRule).join('; ')}`;
    return {
      findings: [findingOf(sgDefaultGroupOpen, o, policy, targets, evidence)],
      ...(targets.length < f.rules.length ? { note: 'some rule ids are resolved from live state at remediation time' } : {}),
    };
  },
};
