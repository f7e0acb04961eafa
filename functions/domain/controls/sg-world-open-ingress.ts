import { hasPublicTag, publicPorts, publicTagOf } from '../front-end';
import type { Finding, Mode, Observation, SgRule } from '../model';
import { NEEDS_LIVE_STATE } from '../notes';
import { coversPort, describeRule, isAllTraffic, onlyIcmpTypes, onlyPorts } from '../net';
import { worldOpenRules } from '../reach';
import { decideMode, stricterOf } from '../policy/mode';
import type { Policy } from '../policy/schema';
import type { Control, ControlResult } from './control';

export const ID = 'sg-world-open-ingress';
/** Security Hub EC2.19's high-risk ports: world-open access to any of them is critical. */
const HIGH_RISK_PORTS = [20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500,
  5601, 8080, 8088, 8888, 9200, 9300];

/** How each world-open rule is handled: revoked by the control's mode, held for an approval, or only notified. */
type Handling = 'revoke' | 'approve-public-port' | 'notify-icmp';

interface Group {
  handling: Handling;
  origin: 'event' | 'live-read';
  rules: SgRule[];
}

/**
 * Is the group a public front end? By the policy's tag, or by what live state found (an internet-facing load
 * balancer's group, or its client-IP-preserving targets'). undefined: not known (offline, not looked up).
 */
function frontEndOf(o: Observation, policy: Policy): string | null | undefined {
  if (hasPublicTag(o.resource.tags, policy)) return `tagged ${tagText(policy)}`;
  return o.facts.kind === 'sg-rules' ? o.facts.frontEnd : undefined;
}

/** The world-open rules of a rule set, each with how it is handled and whether the event named it. */
function classify(rules: SgRule[], frontEnd: string | null | undefined, eventRuleIds: string[] | undefined, policy: Policy): Group[] {
  const ports = publicPorts(policy);
  const isPublicPort = (r: SgRule) => onlyPorts(r, ports);
  // Public ports on a known front end are what it is for: out of the picture entirely.
  const considered = typeof frontEnd === 'string' ? rules.filter((r) => !isPublicPort(r)) : rules;
  const isIcmp = (r: SgRule) => onlyIcmpTypes(r, policy.network.icmpNotify);
  const { open, tolerated } = worldOpenRules(considered, policy.network.worldOpen, (r) => isIcmp(r) || isPublicPort(r));
  const named = eventRuleIds ? new Set(eventRuleIds) : undefined;
  const groups = new Map<string, Group>();
  const add = (r: SgRule, handling: Handling) => {
    const origin = named && !named.has(r.ruleId ?? '') ? 'live-read' : 'event';
    const key = `${handling}|${origin}`;
    if (!groups.has(key)) groups.set(key, { handling, origin, rules: [] });
    groups.get(key)!.rules.push(r);
  };
  for (const r of open) add(r, 'revoke');
  for (const r of tolerated) add(r, isIcmp(r) ? 'notify-icmp' : 'approve-public-port');
  // The event's own rules first: their run starts before the runs for what the live read found.
  return [...groups.values()].sort((a, b) => Number(a.origin === 'live-read') - Number(b.origin === 'live-read'));
}

/**
 * How a finding of this control is handled, from its run key: a re-check keeps only the rules handled the same way,
 * so a run that revokes never takes a tolerated ICMP rule or a public port waiting for its approval with it.
 */
export const handlingOf = (f: Finding): string => (f.remediation.runKey ?? '').replace(/\+?live-read$/, '') || 'revoke';

const tagText = (policy: Policy) => { const t = publicTagOf(policy); return `${t.key}=${t.value}`; };

export const sgWorldOpenIngress: Control = {
  id: ID,
  title: 'Security group allows ingress from the whole internet',
  severity: 'HIGH',
  seedRef: '2.3 Network security: security groups allow only essential traffic; public exposure only for front ends',
  seed: ['2.1/limit-ssh-trusted-networks', '2.1/restrictive-security-groups-network', '2.3/each-task-instance-host', '3.3/keep-security-group-acl'],
  mappings: {
    securityHub: ['EC2.13', 'EC2.14', 'EC2.18', 'EC2.19', 'EC2.53', 'EC2.54'],
    configRules: ['restricted-ssh', 'restricted-common-ports', 'restricted-rdp', 'vpc-sg-open-only-to-authorized-ports', 'vpc-sg-port-restriction-check'],
    prowler: ['ec2_securitygroup_allow_ingress_from_internet_to_any_port'],
  },
  resourceTypes: ['AWS::EC2::SecurityGroup'],
  triggers: { cloudTrail: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:ModifySecurityGroupRules'], configItems: true },
  remediation: {
    action: 'revoke-sg-ingress',
    defaultMode: 'auto',
    summary: 'Revoke exactly the world-open rules by SecurityGroupRuleIds (never other rules). Public ports on a group not known to be a front end wait for an approval; tolerated ICMP (echo, path MTU) is only notified',
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
      if (o.facts.controls && !o.facts.controls.includes(ID)) return { findings: [] };
      return {
        findings: [finding([], `${o.facts.flaggedBy} reports ${o.facts.groupId} open to the internet`, false)],
        note: 'needs live state: the event carries no rules, so the exact rule ids are resolved at remediation time',
      };
    }

    if (o.facts.kind !== 'sg-rules') return { findings: [] };
    const frontEnd = frontEndOf(o, policy);
    const groups = classify(o.facts.rules, frontEnd, o.facts.eventRuleIds, policy);
    const findings: Finding[] = [];
    const notes: string[] = [];
    for (const { handling, origin, rules } of groups) {
      if (handling === 'approve-public-port' && frontEnd === undefined) {
        notes.push(`${NEEDS_LIVE_STATE}: ${rules.map(describeRule).join('; ')} is world-open on a public port; only live state can say whether ${o.facts.groupId} is a public front end`);
        continue;
      }
      const critical = handling === 'revoke' && rules.some((r) => isAllTraffic(r) || HIGH_RISK_PORTS.some((p) => coversPort(r, p)));
      const why = {
        revoke: 'world-open ingress',
        'approve-public-port': `world-open public-port ingress on a group that is not a public front end (no ${tagText(policy)} tag, no internet-facing load balancer)`,
        'notify-icmp': 'ICMP from anywhere that policy tolerates (recorded and notified, never revoked)',
      }[handling];
      const seen = origin === 'live-read' ? ' (found on the live read of the group, not named by the event)' : '';
      const f = finding(rules.flatMap((r) => (r.ruleId ? [r.ruleId] : [])), `${why} on ${o.facts.groupId}${seen}: ${rules.map(describeRule).join('; ')}`, critical);
      const floor: Mode = handling === 'notify-icmp' ? 'notify' : handling === 'approve-public-port' ? 'approval' : 'auto';
      const runKey = [handling === 'revoke' ? '' : handling, origin === 'live-read' ? origin : ''].filter(Boolean).join('+');
      findings.push({
        ...f,
        remediation: { ...f.remediation, mode: stricterOf(mode, floor), ...(runKey ? { runKey } : {}) },
        ...(origin === 'live-read' ? { origin } : {}),
      });
      if (f.remediation.targets.length < rules.length) notes.push('some rule ids are resolved from live state at remediation time');
    }
    return { findings, ...(notes.length ? { note: [...new Set(notes)].join('; ') } : {}) };
  },
};
