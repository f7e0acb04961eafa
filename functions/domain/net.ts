import type { SgRule } from './model';

/** A CIDR with prefix length 0 covers every address, whatever its address part ("0.0.0.0/0", "::/0", "::0/0"). */
export function isWorldCidr(cidr: string | undefined): boolean {
  if (!cidr) return false;
  const slash = cidr.trim().lastIndexOf('/');
  if (slash < 0) return false;
  return /^0+$/.test(cidr.trim().slice(slash + 1));
}

export const isWorldOpen = (rule: SgRule): boolean =>
  !rule.isEgress && rule.prefixListId === undefined && rule.referencedGroupId === undefined &&
  (isWorldCidr(rule.cidrIpv4) || isWorldCidr(rule.cidrIpv6));

export const isAllTraffic = (rule: SgRule): boolean => rule.protocol === '-1' || rule.protocol === 'all';

/** Every port the rule opens is in `ports` (all-traffic and all-ports rules never are). */
export function onlyPorts(rule: SgRule, ports: readonly number[]): boolean {
  if (isAllTraffic(rule) || rule.fromPort < 0 || rule.toPort < rule.fromPort) return false;
  if (rule.protocol !== 'tcp' && rule.protocol !== '6') return false;
  if (rule.toPort - rule.fromPort > ports.length) return false;
  for (let p = rule.fromPort; p <= rule.toPort; p++) if (!ports.includes(p)) return false;
  return true;
}

/** Does the rule's port range include `port`? All-traffic and -1 ranges include every port. */
export function coversPort(rule: SgRule, port: number): boolean {
  if (isAllTraffic(rule) || rule.fromPort < 0) return true;
  if (rule.protocol === 'icmp' || rule.protocol === '1' || rule.protocol === 'icmpv6' || rule.protocol === '58') return false;
  return rule.fromPort <= port && port <= rule.toPort;
}

export function describeRule(rule: SgRule): string {
  const proto = isAllTraffic(rule) ? 'all traffic' : rule.protocol;
  const ports = isAllTraffic(rule) || rule.fromPort < 0 ? '' : rule.fromPort === rule.toPort ? `/${rule.fromPort}` : `/${rule.fromPort}-${rule.toPort}`;
  const from = rule.cidrIpv4 ?? rule.cidrIpv6 ?? rule.prefixListId ?? rule.referencedGroupId ?? '?';
  return `${rule.ruleId ?? '(rule id unknown)'} ${proto}${ports} from ${from}`;
}
