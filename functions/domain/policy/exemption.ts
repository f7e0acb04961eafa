import type { ResourceRef, Tags } from '../model';
import type { Policy } from './schema';

/**
 * Exemptions that expire. A resource is exempt (its findings are only notified) while an exemption on it is in force:
 *   `<tag>-until`   the expiry: a date (`2027-01-31`, exempt through that day, UTC) or a date-time with a zone
 *                   (`2027-01-31T18:00:00Z`, `2027-01-31T18:00+01:00`);
 *   `<tag>-reason`  why (a ticket), and `<tag>-by` who granted it: recorded, not required;
 *   `<tag>`         the pre-expiry form (any value, no expiry set): honoured until the cap, counted from first seen.
 * `<tag>` is `policy.exemptions.tag` (default `warden:exempt`). No exemption lasts longer than `exemptions.maxDays`
 * from when Warden first saw it. Pure: the time and the first sighting are given, never read.
 */

/** The tag keys an exemption is written in. */
export const exemptionKeys = (policy: Policy) => {
  const t = policy.exemptions.tag;
  return { legacy: t, until: `${t}-until`, reason: `${t}-reason`, by: `${t}-by` };
};

/** The characters every tagged service Warden reads accepts in a tag value (ECS, EKS and ECR are the strictest). */
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const TAG_CHARS = 'letters, digits, spaces and + - = . _ : / @';
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:\d{2})$/;
const DAY_MS = 86_400_000;

/** What the tags claim, before any clock is read. */
export type ExemptionClaim =
  | { kind: 'invalid'; why: string }
  /** `until` as written; `ends` the instant it stops exempting (for a date, the start of the next day, UTC). */
  | { kind: 'dated'; until: string; ends: number; reason?: string; by?: string; legacy?: string }
  | { kind: 'legacy'; legacy: string; reason?: string; by?: string };

/** The verdict on one resource's exemption, as findings and audit records carry it. */
export interface Exemption {
  /** `active` exempts (notify only); `expired` and `invalid` do not, and say why. */
  status: 'active' | 'expired' | 'invalid';
  /** In words: "exempt until 2027-01-31 (PCI-1234, granted by alice)", "exemption expired on 2026-11-30". */
  why: string;
  /** `<tag>-until` as written. */
  until?: string;
  /** When it stops (stopped) exempting: the end of `until`, or the cap. ISO date-time, UTC. */
  expiresAt?: string;
  reason?: string;
  by?: string;
  /** The value of the pre-expiry tag (`warden:exempt=<value>`). Without `until`: "no expiry set". */
  legacy?: string;
  /** When Warden first saw this exemption: the cap counts from it. */
  firstSeen?: string;
  /** `expiresAt` is the cap, not `until`. */
  capped?: true;
}

/** 2026-04-01T10:15:00Z: an instant as people read it (no milliseconds). */
export const instantText = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

const validParts = (y: number, mo: number, d: number): boolean => {
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
};

/** When an `until` value stops exempting (epoch ms), or undefined when it is not a date this format allows. */
export function untilEnds(value: string): number | undefined {
  const date = DATE.exec(value);
  if (date) {
    const [y, mo, d] = [Number(date[1]), Number(date[2]), Number(date[3])];
    return validParts(y, mo, d) ? Date.UTC(y, mo - 1, d) + DAY_MS : undefined;
  }
  const dt = DATE_TIME.exec(value);
  if (!dt) return undefined;
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(dt[i] ?? 0)) as [number, number, number, number, number, number];
  const zone = dt[7]!;
  const offset = zone === 'Z' ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  if (!validParts(y, mo, d) || h > 23 || mi > 59 || s > 59 || Math.abs(offset) > 14 * 60) return undefined;
  return Date.UTC(y, mo - 1, d, h, mi, s) - offset * 60_000;
}

/** The exemption the tags claim, or undefined when they claim none. Never reads a clock. */
export function readExemption(policy: Policy, tags: Tags | undefined): ExemptionClaim | undefined {
  if (!tags) return undefined;
  const keys = exemptionKeys(policy);
  const has = (k: string) => Object.hasOwn(tags, k);
  if (!has(keys.legacy) && !has(keys.until)) {
    const stray = [keys.reason, keys.by].filter(has);
    return stray.length ? { kind: 'invalid', why: `${stray.join(' and ')} set without ${keys.until}: nothing is exempt until an expiry is set` } : undefined;
  }
  // New-format values must be writable on every service: a value ECS, EKS or ECR could not hold is a typo or worse.
  for (const [field, key] of [['reason', keys.reason], ['grantor', keys.by]] as const) {
    const v = tags[key];
    if (v === undefined || TAG_VALUE.test(v)) continue;
    const bad = [...new Set([...v].filter((c) => !TAG_VALUE.test(c)))].map((c) => JSON.stringify(c)).join(' ');
    return { kind: 'invalid', why: `exemption ${field} ${JSON.stringify(v)} has characters tags on ECS, EKS and ECR cannot hold (${bad}): use ${TAG_CHARS}` };
  }
  const extra = { ...(tags[keys.reason] ? { reason: tags[keys.reason] } : {}), ...(tags[keys.by] ? { by: tags[keys.by] } : {}) };
  const legacy = tags[keys.legacy];
  if (!has(keys.until)) return { kind: 'legacy', legacy: legacy ?? '', ...extra };
  const until = tags[keys.until]!;
  const ends = untilEnds(until);
  if (ends === undefined) {
    return { kind: 'invalid', why: `exemption date ${quoted(until)} is not a date: ${keys.until} takes a date (2027-01-31, through that day UTC) or a date-time with a zone (2027-01-31T18:00:00Z)` };
  }
  return { kind: 'dated', until, ends, ...extra, ...(legacy !== undefined ? { legacy } : {}) };
}

const quoted = (s: string): string => `'${s.length > 64 ? `${s.slice(0, 61)}...` : s}'`;

/** Does judging this claim at `now` need its first sighting? (An expired or invalid one does not.) */
export const needsSighting = (claim: ExemptionClaim, now: Date): boolean =>
  claim.kind === 'legacy' || (claim.kind === 'dated' && claim.ends > now.getTime());

/**
 * The key of a claim's first sighting: the resource and the exemption's own value (a new expiry, or a new value of the
 * pre-expiry tag, is a new grant with its own first sighting; a new reason or grantor alone is not).
 */
export function sightingKey(resource: Pick<ResourceRef, 'type' | 'id' | 'account' | 'region'>, claim: ExemptionClaim): string | undefined {
  if (claim.kind === 'invalid') return undefined;
  const grant = claim.kind === 'dated' ? `until=${claim.until}` : `legacy=${claim.legacy}`;
  return `exemption#${resource.account}/${resource.region}/${resource.type}/${resource.id}#${grant}`;
}

/**
 * The verdict at `now`. `firstSeen` is when Warden first saw this exemption (ISO); the cap (`exemptions.maxDays`)
 * counts from it. Unknown (offline): counted from `now`, and the verdict says so.
 */
export function judgeExemption(policy: Policy, claim: ExemptionClaim, at: { now: Date; firstSeen?: string }): Exemption {
  if (claim.kind === 'invalid') return { status: 'invalid', why: claim.why };
  const keys = exemptionKeys(policy);
  const max = policy.exemptions.maxDays;
  const now = at.now.getTime();
  const parsedSeen = at.firstSeen === undefined ? Number.NaN : Date.parse(at.firstSeen);
  const seen = Number.isNaN(parsedSeen) ? now : Math.min(parsedSeen, now);
  const seenText = at.firstSeen === undefined ? 'now (no earlier sighting known here)' : instantText(seen);
  const cap = seen + max * DAY_MS;
  const who = [claim.reason, claim.by ? `granted by ${claim.by}` : undefined].filter(Boolean).join(', ');
  const base = {
    ...(claim.kind === 'dated' ? { until: claim.until } : {}),
    ...(claim.reason ? { reason: claim.reason } : {}), ...(claim.by ? { by: claim.by } : {}),
    ...(claim.legacy !== undefined ? { legacy: claim.legacy } : {}),
  };
  if (claim.kind === 'dated' && claim.ends <= now) {
    // Past its own date: no sighting needed, whatever the cap would have said.
    return { status: 'expired', why: `exemption expired on ${claim.until}${who ? ` (${who})` : ''}`, expiresAt: instantText(claim.ends), ...base };
  }
  const capped = claim.kind === 'legacy' || claim.ends > cap;
  const ends = capped ? cap : (claim as { ends: number }).ends;
  const seenField = { firstSeen: instantText(seen) };
  const capWhy = claim.kind === 'legacy'
    ? `${keys.legacy}=${claim.legacy} has no expiry set, so the ${max}-day cap from first seen ${seenText} applies`
    : `${keys.until}=${claim.until} is beyond the ${max}-day cap from first seen ${seenText}`;
  if (ends <= now) {
    return { status: 'expired', why: `exemption expired on ${instantText(ends)}: ${capWhy}`, expiresAt: instantText(ends), ...base, ...seenField, capped: true };
  }
  if (capped) {
    return { status: 'active', why: `exempt until ${instantText(ends)}${who ? ` (${who})` : ''}: ${capWhy}`, expiresAt: instantText(ends), ...base, ...seenField, capped: true };
  }
  return { status: 'active', why: `exempt until ${(claim as { until: string }).until}${who ? ` (${who})` : ''}`, expiresAt: instantText(ends), ...base, ...seenField };
}

/**
 * Where first sightings are kept (functions/aws/exemption-sightings.ts). With `record`, the first call for a key
 * stores `now` and every later one (from any function) gets that stored time back.
 */
export interface ExemptionSightings {
  firstSeen(key: string, now: Date, record: boolean): Promise<string | undefined>;
}

/**
 * The exemption on a resource at `now`, or undefined when its tags claim none. The first sighting comes from
 * `sightings` (recorded there when `record`); without it the cap counts from `now` (an offline preview).
 */
export async function exemptionOf(
  policy: Policy,
  resource: Pick<ResourceRef, 'type' | 'id' | 'account' | 'region' | 'tags'>,
  at: { now: Date; sightings?: ExemptionSightings; record?: boolean },
): Promise<Exemption | undefined> {
  const claim = readExemption(policy, resource.tags);
  if (!claim) return undefined;
  const key = at.sightings && needsSighting(claim, at.now) ? sightingKey(resource, claim) : undefined;
  const firstSeen = key ? await at.sightings!.firstSeen(key, at.now, at.record === true) : undefined;
  // A store that has no sighting yet (read-only caller): this is the first, so the cap counts from now.
  return judgeExemption(policy, claim, { now: at.now, ...(firstSeen ? { firstSeen } : key ? { firstSeen: at.now.toISOString() } : {}) });
}
