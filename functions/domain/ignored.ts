/**
 * The class of an event triage decided needs no run: a small fixed set, for a metric's dimension (the reason itself is
 * free text with resource ids). Classes are read from the reasons evaluate(), the normalizers and the repeat memory
 * write; test/unit/ignored.test.ts classifies every sample in events/ and fails on an `other`.
 */
export const IGNORED_CLASSES = [
  'compliant', //     nothing is wrong (compliant, or the source reports COMPLIANT / PASSED / NOT_APPLICABLE)
  'loop-guard', //    Warden's own change
  'no-control', //    no enabled control reads it, an unmapped rule or finding, egress, a setting Warden does not watch
  'failed-call', //   the API call failed: nothing changed
  'gone', //          the resource was deleted
  'closed', //        an archived, suppressed or sample finding
  'repeat', //        a GuardDuty finding already handled (or an out-of-order update)
  'recorded-only', // below the policy's threshold: recorded, no run
  'undecided', //     needs live state Warden could not read
  'other',
] as const;
export type IgnoredClass = (typeof IGNORED_CLASSES)[number];

const RULES: [RegExp, IgnoredClass][] = [
  [/loop guard/, 'loop-guard'],
  [/^repeat of |^out-of-order update/, 'repeat'],
  [/^the API call failed/, 'failed-call'],
  [/no longer exists|was deleted/, 'gone'],
  [/is ARCHIVED|workflow is |is archived|is a sample finding/, 'closed'],
  [/reports (COMPLIANT|PASSED|NOT_APPLICABLE)/, 'compliant'],
  [/no enabled control reads|not mapped to a Warden control|not one Warden watches|^only egress rules|names no /, 'no-control'],
  [/^recorded only/, 'recorded-only'],
  [/^needs live state/, 'undecided'],
];

/** The class of a decision with status ignored or compliant. */
export function ignoredClass(status: 'ignored' | 'compliant', reason: string | undefined): IgnoredClass {
  if (status === 'compliant') return 'compliant';
  return RULES.find(([re]) => re.test(reason ?? ''))?.[1] ?? 'other';
}
