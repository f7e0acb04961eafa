import { isNonPublicCidr } from './cidr';
import type { LiveState, Observation, SgRule, Tags } from './model';
import { onlyPorts } from './net';
import { isRangeRule } from './reach';
import type { Policy } from './policy/schema';

/**
 * When the live public-front-end lookup is worth its calls: the group lacks the public tag and has a public-range rule
 * on public ports only (the one case its answer can change). Shared by triage (evaluate) and the re-check
 * (revoke-sg-ingress inspect), so both decide from the same answer.
 */

const CONTROL = 'sg-world-open-ingress';
export const DEFAULT_PUBLIC_PORTS: readonly number[] = [80, 443];
export const DEFAULT_PUBLIC_TAG = { key: 'warden:public', value: 'true' } as const;

/** The ports that may be world-open on a public front end (policy, else 80 and 443). */
export const publicPorts = (policy: Policy): readonly number[] => policy.controls[CONTROL]?.publicPorts ?? DEFAULT_PUBLIC_PORTS;

/** The policy's public tag (`warden:public=true` by default). */
export const publicTagOf = (policy: Policy): { key: string; value: string } => policy.controls[CONTROL]?.publicTag ?? DEFAULT_PUBLIC_TAG;

/** The group carries the policy's public tag. Unknown tags do not. */
export function hasPublicTag(tags: Tags | undefined, policy: Policy): boolean {
  const tag = publicTagOf(policy);
  return tags?.[tag.key] === tag.value;
}

/**
 * Does the front-end answer matter for these rules? Ingress from a public range on public ports only, on a group
 * without the public tag. Any public range counts, not only world-open ones: several narrower ranges can be
 * world-open together (see reach.ts).
 */
export function needsFrontEndLookup(rules: readonly SgRule[], tags: Tags | undefined, policy: Policy): boolean {
  if (hasPublicTag(tags, policy)) return false;
  const ports = publicPorts(policy);
  return rules.some((r) => isRangeRule(r) && onlyPorts(r, ports) && !isNonPublicCidr((r.cidrIpv4 ?? r.cidrIpv6)!));
}

/**
 * The observation with `facts.frontEnd` from the live lookup (a reason, or null) when it matters; unchanged when it
 * does not, when the facts carry no rules, or when no lookup is available (offline).
 */
export async function withFrontEnd(o: Observation, live: Pick<LiveState, 'publicFrontEnd'>, policy: Policy): Promise<Observation> {
  const f = o.facts;
  if (f.kind !== 'sg-rules' || !live.publicFrontEnd || !needsFrontEndLookup(f.rules, o.resource.tags, policy)) return o;
  const frontEnd = await live.publicFrontEnd(f.groupId);
  return { ...o, facts: { ...f, frontEnd } };
}
