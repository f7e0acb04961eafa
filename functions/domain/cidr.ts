import { excludeCidr, mergeCidr, parseCidr } from 'cidr-tools';
import ipaddr from 'ipaddr.js';

/**
 * How many public addresses a set of CIDRs holds, and when that is "the whole internet". ipaddr.js validates and
 * parses; cidr-tools does the set arithmetic (union and subtraction). No hand-rolled bit math.
 */

/** A union is world-open when it holds at least as many public addresses as one /ipv4 (IPv4) or /ipv6 (IPv6) block. */
export interface ReachThreshold {
  ipv4: number;
  ipv6: number;
}
export const DEFAULT_REACH: ReachThreshold = { ipv4: 8, ipv6: 16 };

/**
 * Address space that is not on the public internet. IPv4: RFC 6890 special-purpose blocks (this network, private,
 * shared, loopback, link-local, IETF, documentation, benchmarking, multicast, reserved, broadcast). IPv6: everything
 * outside global unicast 2000::/3, and the documentation block.
 */
export const NOT_PUBLIC_V4 = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24',
  '192.0.2.0/24', '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/3',
];
const NOT_PUBLIC_V6 = ['::/3', '4000::/2', '8000::/1', '2001:db8::/32'];
/** IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are IPv4 addresses: they count against the IPv4 threshold. */
const MAPPED_V4 = ipaddr.parseCIDR('::ffff:0:0/96');

/** A valid CIDR: four-part dotted IPv4 or IPv6 with a prefix length in range. Host bits may be set (EC2 keeps them). */
export const isValidCidr = (cidr: string): boolean => cidrInfo(cidr) !== undefined;

/**
 * One CIDR's public reach, or undefined when it is not a valid CIDR. Cached: the same few ranges (0.0.0.0/0, ::/0,
 * office /32s) recur in almost every event, and this is the hot path of evaluation.
 */
export function cidrInfo(cidr: string): PublicReach | undefined {
  if (known.has(cidr)) return known.get(cidr);
  const c = cidr.trim();
  const valid = ipaddr.IPv4.isValidCIDRFourPartDecimal(c) || ipaddr.IPv6.isValidCIDR(c);
  const info = valid ? publicReach([c]) : undefined;
  if (known.size >= 10_000) known.clear();
  known.set(cidr, info);
  return info;
}
const known = new Map<string, PublicReach | undefined>();

/** The network as AWS stores it ("10.0.0.5/8" → "10.0.0.0/8"), or undefined when the text is not a CIDR ipaddr.js parses. */
export function networkOf(cidr: string): string | undefined {
  try {
    const [addr, prefix] = ipaddr.parseCIDR(cidr.trim());
    const family = addr.kind() === 'ipv4' ? ipaddr.IPv4 : ipaddr.IPv6;
    return `${family.networkAddressFromCIDR(`${addr.toString()}/${prefix}`).toString()}/${prefix}`;
  } catch {
    return undefined;
  }
}

/** The network in canonical form, IPv4-mapped IPv6 turned into IPv4 (`cidr` must be valid). */
function canonical(cidr: string): { v4?: string; v6?: string } {
  const [addr, prefix] = ipaddr.parseCIDR(cidr.trim());
  if (addr.kind() === 'ipv4') return { v4: networkOf(cidr)! };
  const v6 = addr as ipaddr.IPv6;
  const network = networkOf(cidr)!;
  if (prefix >= 96 && v6.match(MAPPED_V4)) {
    const v4 = ipaddr.IPv4.networkAddressFromCIDR(`${v6.toIPv4Address().toString()}/${prefix - 96}`);
    return { v4: `${v4.toString()}/${prefix - 96}` };
  }
  // A block wider than /96 that holds the mapped range reaches every IPv4 address too (as far as the rule says).
  return prefix < 96 && MAPPED_V4[0].match(v6, prefix) ? { v4: '0.0.0.0/0', v6: network } : { v6: network };
}

const size = (cidrs: string[]): bigint => cidrs.reduce((n, c) => { const p = parseCidr(c); return n + (p.end - p.start + 1n); }, 0n);

export interface PublicReach {
  ipv4: bigint;
  ipv6: bigint;
}

/** Public addresses in the union of `cidrs` (every entry must be valid: see isValidCidr). */
export function publicReach(cidrs: readonly string[]): PublicReach {
  const v4: string[] = [];
  const v6: string[] = [];
  for (const c of cidrs) {
    const { v4: a, v6: b } = canonical(c);
    if (a) v4.push(a);
    if (b) v6.push(b);
  }
  return {
    ipv4: v4.length ? size(excludeCidr(mergeCidr(v4), NOT_PUBLIC_V4)) : 0n,
    ipv6: v6.length ? size(excludeCidr(mergeCidr(v6), NOT_PUBLIC_V6)) : 0n,
  };
}

/** How many public addresses the threshold means in each family (a /8 is 2^24 IPv4 addresses). */
export const thresholdSize = (t: ReachThreshold): PublicReach => ({ ipv4: 2n ** BigInt(32 - t.ipv4), ipv6: 2n ** BigInt(128 - t.ipv6) });

/** Does this reach meet the threshold in either family? */
export function meetsThreshold(reach: PublicReach, threshold: ReachThreshold): boolean {
  const limit = thresholdSize(threshold);
  return reach.ipv4 >= limit.ipv4 || reach.ipv6 >= limit.ipv6;
}

/** Does the union reach at least the threshold in either family? */
export function reachesWorld(cidrs: readonly string[], threshold: ReachThreshold = DEFAULT_REACH): boolean {
  return cidrs.length > 0 && meetsThreshold(publicReach(cidrs), threshold);
}

/** Is every address of the CIDR outside the public internet (private, shared, link-local, ULA, ...)? */
export function isNonPublicCidr(cidr: string): boolean {
  const reach = cidrInfo(cidr);
  return reach !== undefined && reach.ipv4 === 0n && reach.ipv6 === 0n;
}
