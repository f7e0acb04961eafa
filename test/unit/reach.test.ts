import fc from 'fast-check';
import { isValidCidr, NOT_PUBLIC_V4, publicReach, reachesWorld } from '../../functions/domain/cidr';
import type { SgRule } from '../../functions/domain/model';
import { invalidRanges, worldOpenRules } from '../../functions/domain/reach';

const THRESHOLD = { ipv4: 8, ipv6: 16 };
let n = 0;
const rule = (over: Partial<SgRule>): SgRule => ({ ruleId: `sgr-${n++}`, groupId: 'sg-1', isEgress: false, protocol: 'tcp', fromPort: 22, toPort: 22, ...over });
const v4 = (cidrIpv4: string, over: Partial<SgRule> = {}) => rule({ cidrIpv4, ...over });
const v6 = (cidrIpv6: string, over: Partial<SgRule> = {}) => rule({ cidrIpv6, ...over });
const flagged = (rules: SgRule[], threshold = THRESHOLD) => worldOpenRules(rules, threshold).open.map((r) => r.cidrIpv4 ?? r.cidrIpv6);

describe('world-open is any public reach, not one literal', () => {
  test.each([
    ['the internet in two halves', [v4('0.0.0.0/1'), v4('128.0.0.0/1')], ['0.0.0.0/1', '128.0.0.0/1']],
    ['half of it', [v4('0.0.0.0/1')], ['0.0.0.0/1']],
    ['the four /2 quarters', ['0.0.0.0/2', '64.0.0.0/2', '128.0.0.0/2', '192.0.0.0/2'].map((c) => v4(c)), ['0.0.0.0/2', '64.0.0.0/2', '128.0.0.0/2', '192.0.0.0/2']],
    ['IPv6 ::/1', [v6('::/1')], ['::/1']],
    ['all global IPv6 unicast', [v6('2000::/3')], ['2000::/3']],
    ['IPv4-mapped IPv6 counts as IPv4', [v6('::ffff:0:0/96')], ['::ffff:0:0/96']],
    ['the classic /0', [v4('0.0.0.0/0'), v6('::/0')], ['0.0.0.0/0', '::/0']],
    ['host bits set', [v4('10.1.2.3/0')], ['10.1.2.3/0']],
  ])('%s', (_, rules, expected) => expect(flagged(rules)).toEqual(expected));

  test.each([
    ['a public /9 is below the default /8', [v4('1.0.0.0/9')]],
    ['private space, however large', [v4('10.0.0.0/8'), v4('172.16.0.0/12'), v4('192.168.0.0/16'), v4('100.64.0.0/10')]],
    ['IPv6 unique-local and link-local', [v6('fc00::/7'), v6('fe80::/10')]],
    ['two public /9s on different ports', [v4('1.0.0.0/9', { fromPort: 22, toPort: 22 }), v4('1.128.0.0/9', { fromPort: 23, toPort: 23 })]],
    ['two public /9s on different protocols', [v4('1.0.0.0/9'), v4('1.128.0.0/9', { protocol: 'udp' })]],
    ['references and prefix lists', [rule({ referencedGroupId: 'sg-2' }), rule({ prefixListId: 'pl-1' })]],
    ['egress', [v4('0.0.0.0/0', { isEgress: true })]],
  ])('not world-open: %s', (_, rules) => expect(flagged(rules)).toEqual([]));

  test('two public /9s on one port make a /8: world-open together', () => {
    expect(flagged([v4('1.0.0.0/9'), v4('1.128.0.0/9')])).toEqual(['1.0.0.0/9', '1.128.0.0/9']);
  });

  test('overlapping port ranges and all-traffic rules join the union where they overlap', () => {
    expect(flagged([v4('0.0.0.0/1', { fromPort: 0, toPort: 1000 }), v4('128.0.0.0/1', { fromPort: 500, toPort: 2000 })])).toEqual(['0.0.0.0/1', '128.0.0.0/1']);
    expect(flagged([v4('0.0.0.0/1', { protocol: '-1', fromPort: -1, toPort: -1 }), v4('128.0.0.0/1', { protocol: '6' })])).toEqual(['0.0.0.0/1', '128.0.0.0/1']);
    expect(flagged([v4('0.0.0.0/1', { fromPort: -1, toPort: -1 }), v4('128.0.0.0/1', { fromPort: 8080, toPort: 8080 })])).toEqual(['0.0.0.0/1', '128.0.0.0/1']);
  });

  test('the widest rules are taken first; narrow ones beside them stay', () => {
    const admins = Array.from({ length: 300 }, (_, i) => v4(`198.51.${i >> 8}.${i & 255}/32`));
    expect(flagged([...admins.slice(0, 150), v4('0.0.0.0/0'), ...admins.slice(150)])).toEqual(['0.0.0.0/0']);
    // Rules of one width go together: which of ten equal /9s stays never depends on the order they are listed in.
    const ninths = Array.from({ length: 10 }, (_, i) => v4(`${16 + i}.0.0.0/9`));
    expect(flagged(ninths)).toHaveLength(10);
    expect(flagged([v4('1.0.0.0/10'), v4('0.0.0.0/0'), v4('2.0.0.0/10')])).toEqual(['0.0.0.0/0']);
  });

  test('the threshold is policy', () => {
    expect(flagged([v4('1.0.0.0/9')], { ipv4: 10, ipv6: 16 })).toEqual(['1.0.0.0/9']);
    expect(flagged([v4('0.0.0.0/1')], { ipv4: 0, ipv6: 0 })).toEqual([]);
    expect(flagged([v6('2600::/24')], { ipv4: 8, ipv6: 24 })).toEqual(['2600::/24']);
  });

  test('tolerated rules are reported apart and never make an ordinary rule world-open', () => {
    const https = v4('0.0.0.0/0', { fromPort: 443, toPort: 443 });
    const wide = v4('1.0.0.0/9', { fromPort: 0, toPort: 65535 });
    const result = worldOpenRules([https, wide], THRESHOLD, (r) => r === https);
    expect(result).toEqual({ open: [], tolerated: [https] });
  });

  test('ranges that are not CIDRs are named, never world-open', () => {
    const bad = ['0.0.0.0', '10.0.0.0/33', 'not-a-cidr', '1.2.3/24', '::/129', ''];
    expect(invalidRanges(bad.map((c) => v4(c)))).toEqual(bad);
    expect(invalidRanges([v4('0.0.0.0/0'), v6('::/0'), v4(' 0.0.0.0/00 ')])).toEqual([]);
    expect(flagged(bad.map((c) => v4(c)))).toEqual([]);
  });
});

/** Brute force: the union's public addresses, counted /16 block by /16 block. Exact for prefixes up to /16. */
const ipNum = (a: string) => a.split('.').reduce((x, o) => x * 256 + Number(o), 0);
const NOT_PUBLIC = NOT_PUBLIC_V4.map((c) => { const [a, p] = c.split('/'); const s = ipNum(a!); return [s, s + 2 ** (32 - Number(p)) - 1] as const; });
const PUBLIC_IN_BLOCK = Array.from({ length: 65536 }, (_, k) => {
  const [s, e] = [k * 65536, k * 65536 + 65535];
  return NOT_PUBLIC.reduce((left, [a, b]) => left - Math.max(0, Math.min(b, e) - Math.max(a, s) + 1), 65536);
});
function bruteForce(cidrs: string[]): number {
  const nets = cidrs.map((c) => { const [a, p] = c.split('/'); const len = Number(p); return { base: Math.floor(ipNum(a!) / 2 ** (32 - len)), len }; });
  let total = 0;
  for (let k = 0; k < 65536; k++) {
    const start = k * 65536;
    if (nets.some(({ base, len }) => Math.floor(start / 2 ** (32 - len)) === base)) total += PUBLIC_IN_BLOCK[k]!;
  }
  return total;
}
const smallCidr = fc.tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 16 }))
  .map(([addr, len]) => `${[24, 16, 8, 0].map((s) => Math.floor(addr / 2 ** s) % 256).join('.')}/${len}`);

describe('properties (fast-check) against a brute-force reference', () => {
  test('public reach equals the brute-force count; world-open iff it reaches the threshold', () => {
    fc.assert(fc.property(fc.array(smallCidr, { minLength: 1, maxLength: 5 }), (cidrs) => {
      const exact = bruteForce(cidrs);
      expect(Number(publicReach(cidrs).ipv4)).toBe(exact);
      expect(reachesWorld(cidrs, THRESHOLD)).toBe(exact >= 2 ** 24);
      const rules = cidrs.map((c) => v4(c));
      const taken = new Set(worldOpenRules(rules, THRESHOLD).open);
      expect(taken.size > 0).toBe(exact >= 2 ** 24);
      // What is left after the fix is below the threshold.
      expect(bruteForce(rules.filter((r) => !taken.has(r)).map((r) => r.cidrIpv4!))).toBeLessThan(2 ** 24);
    }), { numRuns: 40 });
  });

  /** A random partition of a block into CIDRs: split in two, recursively, to a random depth. */
  const partition = (prefixBits: number, maxDepth: number) => fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }).map((coins) => {
    let i = 0;
    const out: { bits: bigint; len: number }[] = [];
    const split = (bits: bigint, len: number) => {
      if (len >= maxDepth || !coins[i++ % coins.length]) { out.push({ bits, len }); return; }
      split(bits, len + 1);
      split(bits | (1n << BigInt(prefixBits - len - 1)), len + 1);
    };
    split(0n, 0);
    return out;
  });

  test('no valid IPv4 rule set that covers the whole internet is called compliant', () => {
    fc.assert(fc.property(partition(32, 9), fc.integer({ min: 0, max: 65535 }), (parts, port) => {
      const rules = parts.map(({ bits, len }) => v4(`${[24, 16, 8, 0].map((s) => Number((bits >> BigInt(s)) & 255n)).join('.')}/${len}`, { fromPort: port, toPort: port }));
      const { open } = worldOpenRules(rules, THRESHOLD);
      expect(open.length).toBeGreaterThan(0);
      expect(reachesWorld(rules.filter((r) => !open.includes(r)).map((r) => r.cidrIpv4!), THRESHOLD)).toBe(false);
    }), { numRuns: 100 });
  });

  test('no valid IPv6 rule set that covers the whole internet is called compliant', () => {
    fc.assert(fc.property(partition(128, 7), (parts) => {
      const hex = (bits: bigint) => bits.toString(16).padStart(32, '0').match(/.{4}/g)!.join(':');
      const rules = parts.map(({ bits, len }) => v6(`${hex(bits)}/${len}`));
      expect(rules.every((r) => isValidCidr(r.cidrIpv6!))).toBe(true);
      const { open } = worldOpenRules(rules, THRESHOLD);
      expect(open.length).toBeGreaterThan(0);
      expect(reachesWorld(rules.filter((r) => !open.includes(r)).map((r) => r.cidrIpv6!), THRESHOLD)).toBe(false);
    }), { numRuns: 100 });
  });
});
