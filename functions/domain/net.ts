import { cidrInfo, DEFAULT_REACH, meetsThreshold } from './cidr';
import type { SgRule } from './model';
import { isRangeRule, protocolOf } from './reach';

const ipv4 = (a: string): number | undefined => {
  const parts = a.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
};
const PRIVATE_V4: [number, number][] = [['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16], ['100.64.0.0', 10]].map(([a, l]) => [ipv4(a as string)!, l as number]);

/**
 * A CIDR wholly inside private address space: RFC 1918, the shared 100.64.0.0/10, or IPv6 unique-local fc00::/7.
 * Anything else (a public range, /0, or a split like 0.0.0.0/1) can reach the internet.
 */
export function isPrivateCidr(cidr: string | undefined): boolean {
  const [addr = '', lenText = ''] = (cidr ?? '').trim().split('/');
  const len = Number(lenText);
  if (!/^\d{1,3}$/.test(lenText)) return false;
  const v4 = ipv4(addr);
  if (v4 !== undefined) {
    return len <= 32 && PRIVATE_V4.some(([base, l]) => len >= l && Math.floor(v4 / 2 ** (32 - l)) === Math.floor(base / 2 ** (32 - l)));
  }
  const first = /^([0-9a-f]{1,4}):/i.exec(addr)?.[1];
  return len >= 7 && len <= 128 && first !== undefined && (parseInt(first.padStart(4, '0').slice(0, 2), 16) & 0xfe) === 0xfc;
}

/** The rule alone reaches the whole internet (default threshold; see cidr.ts). Unions of rules: see reach.ts. */
export function isWorldOpen(rule: SgRule): boolean {
  const reach = isRangeRule(rule) ? cidrInfo((rule.cidrIpv4 ?? rule.cidrIpv6)!) : undefined;
  return reach !== undefined && meetsThreshold(reach, DEFAULT_REACH);
}

/**
 * An ICMP rule whose every type and code is on the list ("type" = any code, "type:code" = that code only): e.g. echo
 * and path-MTU discovery, which policy tolerates from anywhere. All-ICMP and all-traffic rules never are.
 */
export function onlyIcmpTypes(rule: SgRule, lists: { icmp: readonly string[]; icmpv6: readonly string[] }): boolean {
  const protocol = protocolOf(rule);
  if ((protocol !== 'icmp' && protocol !== 'icmpv6') || rule.fromPort < 0) return false;
  const list = lists[protocol];
  return list.includes(String(rule.fromPort)) || (rule.toPort >= 0 && list.includes(`${rule.fromPort}:${rule.toPort}`));
}

export const isAllTraffic = (rule: SgRule): boolean => protocolOf(rule) === '*';

/** Every port the rule opens is in `ports` (all-traffic and all-ports rules never are). */
export function onlyPorts(rule: SgRule, ports: readonly number[]): boolean {
  if (isAllTraffic(rule) || rule.fromPort < 0 || rule.toPort < rule.fromPort) return false;
  if (protocolOf(rule) !== 'tcp') return false;
  if (rule.toPort - rule.fromPort > ports.length) return false;
  for (let p = rule.fromPort; p <= rule.toPort; p++) if (!ports.includes(p)) return false;
  return true;
}

/** Does the rule's port range include `port`? All-traffic and -1 ranges include every port. */
export function coversPort(rule: SgRule, port: number): boolean {
  if (isAllTraffic(rule) || rule.fromPort < 0) return true;
  if (protocolOf(rule).startsWith('icmp')) return false;
  return rule.fromPort <= port && port <= rule.toPort;
}

export function describeRule(rule: SgRule): string {
  const proto = isAllTraffic(rule) ? 'all traffic' : rule.protocol;
  const ports = isAllTraffic(rule) || rule.fromPort < 0 ? '' : rule.fromPort === rule.toPort ? `/${rule.fromPort}` : `/${rule.fromPort}-${rule.toPort}`;
  const from = rule.cidrIpv4 ?? rule.cidrIpv6 ?? rule.prefixListId ?? rule.referencedGroupId ?? '?';
  return `${rule.ruleId ?? '(rule id unknown)'} ${proto}${ports} ${rule.isEgress ? 'to' : 'from'} ${from}`;
}
