import type { Finding, Observation, SgRule, Tags } from '../model';
import { coversPort, describeRule, isAllTraffic, isWorldOpen, onlyPorts } from '../net';
import { decideMode } from '../policy/mode';
import type { Policy } from '../policy/schema';
import type { Control, ControlResult } from './control';

export const ID = 'sg-world-open-ingress';
const DEFAULT_PUBLIC_PORTS = [80, 443];
const DEFAULT_PUBLIC_TAG = { key: 'warden:public', value: 'true' };
/** Security Hub EC2.19's high-risk ports: world-open access to any of them is critical. */
const HIGH_RISK_PORTS = [20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500,
  5601, 8080, 8088, 8888, 9200, 9300];

function allowedByPolicy(rule: SgRule, tags: Tags | undefined, policy: Policy): boolean {
  const settings = policy.controls[ID];
  const tag = settings?.publicTag ?? DEFAULT_PUBLIC_TAG;
  return tags?.[tag.key] === tag.value && onlyPorts(rule, settings?.publicPorts ?? DEFAULT_PUBLIC_PORTS);
}

export const sgWorldOpenIngress: Control = {
  id: ID,
  title: 'Security group allows ingress from the whole internet',
  severity: 'HIGH',
  seedRef: '2.3 Network security: security groups allow only essential traffic; public exposure only for front ends',
  mappings: {
    securityHub: ['EC2.13', 'EC2.14', 'EC2.18', 'EC2.19', 'EC2.53', 'EC2.54'],
    configRules: ['restricted-ssh', 'restricted-common-ports', 'restricted-rdp', 'vpc-sg-open-only-to-authorized-ports', 'vpc-sg-port-restriction-check'],
    prowler: ['ec2_securitygroup_allow_ingress_from_internet_to_any_port'],
  },
  resourceTypes: ['AWS::EC2::SecurityGroup'],
  triggers: [
    'CloudTrail ec2:AuthorizeSecurityGroupIngress, ec2:ModifySecurityGroupRules',
    'Config compliance change: restricted-ssh, restricted-common-ports (restricted-rdp), vpc-sg-open-only-to-authorized-ports, vpc-sg-port-restriction-check',
    'Config configuration item change: AWS::EC2::SecurityGroup',
    'Security Hub: EC2.13, EC2.14, EC2.18, EC2.19, EC2.53, EC2.54',
  ],
  remediation: {
    action: 'revoke-sg-ingress',
    defaultMode: 'auto',
    summary: 'Revoke exactly the world-open rules by SecurityGroupRuleIds (never other rules)',
  },

  appliesTo: (o: Observation) => o.resource.type === 'AWS::EC2::SecurityGroup',

  evaluate(o: Observation, policy: Policy): ControlResult {
    const tags = o.resource.tags;
    const mode = decideMode(policy, ID, 'auto', tags);
    const finding = (targets: string[], evidence: string, critical: boolean): Finding => ({
      control: ID,
      title: this.title,
      severity: critical ? 'CRITICAL' : 'HIGH',
      resource: o.resource,
      evidence,
      remediation: { action: 'revoke-sg-ingress', mode, targets },
    });

    if (o.facts.kind === 'sg-flagged') {
      return {
        findings: [finding([], `${o.facts.flaggedBy} reports ${o.facts.groupId} open to the internet`, false)],
        note: 'needs live state: the event carries no rules, so the exact rule ids are resolved at remediation time',
      };
    }

    if (o.facts.kind !== 'sg-rules') return { findings: [] };
    const open: SgRule[] = [];
    for (const rule of o.facts.rules) {
      if (isWorldOpen(rule) && !allowedByPolicy(rule, tags, policy)) open.push(rule);
    }
    if (open.length === 0) return { findings: [] };

    const critical = open.some((r) => isAllTraffic(r) || HIGH_RISK_PORTS.some((p) => coversPort(r, p)));
    const targets = open.flatMap((r) => (r.ruleId ? [r.ruleId] : []));
    const evidence = `world-open ingress on ${o.facts.groupId}: ${open.map(describeRule).join('; ')}`;
    const notes: string[] = [];
    if (targets.length < open.length) notes.push('some rule ids are resolved from live state at remediation time');
    if (tags === undefined && open.some((r) => onlyPorts(r, policy.controls[ID]?.publicPorts ?? DEFAULT_PUBLIC_PORTS))) {
      notes.push('group tags unknown offline: public front-end ports count as open until live tags say otherwise');
    }
    return { findings: [finding(targets, evidence, critical)], ...(notes.length ? { note: notes.join('; ') } : {}) };
  },
};
