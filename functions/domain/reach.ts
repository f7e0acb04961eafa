import { cidrInfo, isValidCidr, meetsThreshold, reachesWorld, thresholdSize, type PublicReach, type ReachThreshold } from './cidr';
import type { SgRule } from './model';

/**
 * Which ingress rules make a group reachable from the whole internet. A port is world-open when the union of the
 * ranges of every rule that allows it (all-traffic rules included) holds at least the threshold of public
 * addresses: two rules of 0.0.0.0/1 and 128.0.0.0/1 are as open as one of 0.0.0.0/0.
 */

/** Protocols as EC2 writes them, by name or number. `*` is all traffic. */
const PROTOCOLS: Record<string, string> = { '-1': '*', all: '*', tcp: 'tcp', '6': 'tcp', udp: 'udp', '17': 'udp', icmp: 'icmp', '1': 'icmp', icmpv6: 'icmpv6', '58': 'icmpv6' };
export const protocolOf = (rule: SgRule): string => PROTOCOLS[rule.protocol.toLowerCase()] ?? rule.protocol;

/** The ports (or ICMP types) each protocol has; other protocols have no ports. */
const DOMAIN: Record<string, [number, number]> = { tcp: [0, 65535], udp: [0, 65535], icmp: [0, 255], icmpv6: [0, 255] };
/** Stands for every protocol no rule names, which only all-traffic rules allow. */
const OTHER = '(other)';

const cidrOf = (r: SgRule): string | undefined => r.cidrIpv4 ?? r.cidrIpv6;

/** An ingress rule whose source is an address range (not a prefix list or another group). */
export const isRangeRule = (r: SgRule): boolean =>
  !r.isEgress && r.prefixListId === undefined && r.referencedGroupId === undefined && cidrOf(r) !== undefined;

/** Ranges that are not valid CIDRs: an event that carries one is invalid, never silently world-open. */
export const invalidRanges = (rules: readonly SgRule[]): string[] =>
  rules.filter(isRangeRule).map((r) => cidrOf(r)!).filter((c) => !isValidCidr(c));

/** The span of ports (or ICMP types) the rule allows within `protocol`, or undefined when it allows none there. */
function spanIn(rule: SgRule, protocol: string): [number, number] | undefined {
  const own = protocolOf(rule);
  const domain = DOMAIN[protocol] ?? [0, 0];
  if (own === '*') return domain;
  if (own !== protocol) return undefined;
  if (!DOMAIN[protocol]) return domain;
  // tcp/udp: fromPort..toPort; icmp: fromPort is the type (-1: every type), toPort the code.
  if (rule.fromPort < 0) return domain;
  return protocol.startsWith('icmp') ? [rule.fromPort, rule.fromPort] : [rule.fromPort, Math.max(rule.fromPort, rule.toPort)];
}

export interface WorldOpen {
  /** Ordinary rules to remove so that no port stays world-open through ordinary rules. */
  open: SgRule[];
  /** Tolerated rules (see `tolerated`) to remove so that no port stays world-open at all. */
  tolerated: SgRule[];
}

/**
 * The rules that make a port world-open. On each port (or ICMP type) whose rules' union reaches the threshold, the
 * widest rules are taken first (equal widths together) until what remains is below it: 0.0.0.0/1 and 128.0.0.0/1 are
 * both taken, while the /32 admin rules beside a 0.0.0.0/0 rule are not (without the /0 they reach nobody much).
 * `tolerated` marks rules that policy handles apart (ICMP echo, public ports on a group not known to be a front end):
 * they are reported on their own, and never make an ordinary rule world-open by overlapping it. Rules must have valid
 * ranges (see invalidRanges); others are skipped.
 */
export function worldOpenRules(rules: readonly SgRule[], threshold: ReachThreshold, tolerated: (r: SgRule) => boolean = () => false): WorldOpen {
  const limit = thresholdSize(threshold);
  const reach = new Map<SgRule, PublicReach>();
  const widths = new Map<SgRule, number>();
  for (const r of rules) {
    const p = isRangeRule(r) ? cidrInfo(cidrOf(r)!) : undefined;
    if (!p || (p.ipv4 === 0n && p.ipv6 === 0n)) continue;
    reach.set(r, p);
    // Width relative to the threshold of its family, so IPv4 and IPv6 rules compare.
    widths.set(r, Math.max(Number(p.ipv4) / Number(limit.ipv4), Number(p.ipv6) / Number(limit.ipv6)));
  }
  const candidates = [...reach.keys()];
  const weight = (r: SgRule) => widths.get(r)!;
  // Widest first; ties keep the rules' order.
  const byWidth = [...candidates].sort((a, b) => weight(b) - weight(a));
  const memo = new Map<string, boolean>();
  const worldOpen = (set: SgRule[]): boolean => {
    // The union is never smaller than its largest part nor larger than the sum of its parts: most sets are decided
    // without any set arithmetic.
    const sum = { ipv4: 0n, ipv6: 0n };
    for (const r of set) {
      const p = reach.get(r)!;
      if (meetsThreshold(p, threshold)) return true;
      sum.ipv4 += p.ipv4;
      sum.ipv6 += p.ipv6;
    }
    if (!meetsThreshold(sum, threshold)) return false;
    const cidrs = [...new Set(set.map((r) => cidrOf(r)!))].sort();
    const key = cidrs.join(',');
    if (!memo.has(key)) memo.set(key, reachesWorld(cidrs, threshold));
    return memo.get(key)!;
  };
  /**
   * Take the widest of `rest` until `base` and what is left are below the threshold. Rules of equal width go
   * together, so the choice never depends on the order rules happen to be listed in.
   */
  const peel = (rest: SgRule[], base: SgRule[]): { taken: SgRule[]; left: SgRule[] } => {
    let left = [...rest];
    const taken: SgRule[] = [];
    while (left.length && worldOpen([...base, ...left])) {
      const width = weight(left[0]!);
      taken.push(...left.filter((r) => weight(r) === width));
      left = left.filter((r) => weight(r) !== width);
    }
    return { taken, left };
  };

  const open = new Set<SgRule>();
  const tol = new Set<SgRule>();
  const protocols = new Set(candidates.map(protocolOf).filter((p) => p !== '*'));
  if (candidates.some((r) => protocolOf(r) === '*')) protocols.add(OTHER);
  for (const protocol of protocols) {
    const spans = byWidth.flatMap((r) => { const s = spanIn(r, protocol); return s ? [{ r, s }] : []; });
    // Elementary segments: between consecutive span boundaries the set of allowing rules is constant.
    const cuts = [...new Set(spans.flatMap(({ s }) => [s[0], s[1] + 1]))].sort((a, b) => a - b);
    const done = new Set<string>();
    for (let i = 0; i + 1 < cuts.length; i++) {
      const at = cuts[i]!;
      const here = spans.filter(({ s }) => s[0] <= at && at <= s[1]).map(({ r }) => r);
      const key = here.map((r) => candidates.indexOf(r)).join(',');
      if (here.length === 0 || done.has(key) || !worldOpen(here)) continue;
      done.add(key);
      const ordinary = peel(here.filter((r) => !tolerated(r)), []);
      for (const r of ordinary.taken) open.add(r);
      for (const r of peel(here.filter(tolerated), ordinary.left).taken) tol.add(r);
    }
  }
  const keep = (s: Set<SgRule>) => rules.filter((r) => s.has(r));
  return { open: keep(open), tolerated: keep(tol) };
}
