// The peer comparison's figures and printed lines, from the raw samples bench/run.ts collects. Pure.

export const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
export const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const med = (xs: number[]) => round(quantile(xs, 0.5));
const stats = (xs: number[]) => ({ medianMs: round(quantile(xs, 0.5)), p95Ms: round(quantile(xs, 0.95)) });
const total = (calls: Record<string, number>) => Object.values(calls).reduce((a, b) => a + b, 0);

/**
 * One side's samples, per warm run: its whole time, when RevokeSecurityGroupIngress returned, the time spent inside
 * AWS calls in all and until the revoke returned; the calls of a warm run; cold runs.
 */
export interface SideSamples {
  ms: number[];
  revokeMs: number[];
  awsMs: number[];
  awsBeforeRevokeMs: number[];
  calls: Record<string, number>;
  /** Per operation, the time spent in its calls in each run. */
  callMs: Record<string, number[]>;
  /** Fresh process: import, then the first event. */
  cold: { importMs: number; firstEventMs: number; calls?: Record<string, number> }[];
  coldError?: string;
}

export interface PeerTargets { peerE2eRatio: number; peerRevokeRatio: number }

function side(s: SideSamples) {
  const cold = s.cold.map((c) => c.importMs + c.firstEventMs);
  return {
    runs: s.ms.length, e2e: stats(s.ms), revoke: stats(s.revokeMs),
    // What dominates: medians of the time inside AWS calls and of the rest (own code), for the run and until revoke.
    split: {
      awsMs: med(s.awsMs), ownMs: med(s.ms.map((m, i) => m - s.awsMs[i]!)),
      untilRevoke: { awsMs: med(s.awsBeforeRevokeMs), ownMs: med(s.revokeMs.map((m, i) => m - s.awsBeforeRevokeMs[i]!)) },
    },
    apiCalls: { byOperation: s.calls, total: total(s.calls) },
    callMedianMs: Object.fromEntries(Object.entries(s.callMs).map(([op, xs]) => [op, med(xs)])),
    cold: s.cold.length
      ? {
          runs: s.cold.length, medianMs: round(quantile(cold, 0.5)),
          importMs: round(quantile(s.cold.map((c) => c.importMs), 0.5)),
          firstEventMs: round(quantile(s.cold.map((c) => c.firstEventMs), 0.5)),
          ...(s.cold[0]!.calls ? { firstEventCalls: s.cold[0]!.calls } : {}),
        }
      : { error: s.coldError ?? 'no cold run' },
  };
}

type Side = ReturnType<typeof side>;
export type PeerReport =
  | { warden: Side; custodian: { absent: string } }
  | {
      warden: Side; custodian: Side & { version: string };
      ratios: { e2eMedian: number; e2eP95: number; revokeMedian: number; revokeP95: number; apiCalls: number; cold?: number };
      met: { e2eMedian: boolean; revokeMedian: boolean };
    };

/** Warden beside Custodian, or beside nothing with the reason Custodian is absent. */
export function peerReport(warden: SideSamples, custodian: (SideSamples & { version: string }) | { absent: string }, targets: PeerTargets): PeerReport {
  const w = side(warden);
  if ('absent' in custodian) return { warden: w, custodian: { absent: custodian.absent } };
  const c = { version: custodian.version, ...side(custodian) };
  const ratio = (a: number, b: number) => round(a / b, 2);
  const wc = w.cold, cc = c.cold;
  const ratios = {
    e2eMedian: ratio(w.e2e.medianMs, c.e2e.medianMs), e2eP95: ratio(w.e2e.p95Ms, c.e2e.p95Ms),
    revokeMedian: ratio(w.revoke.medianMs, c.revoke.medianMs), revokeP95: ratio(w.revoke.p95Ms, c.revoke.p95Ms),
    apiCalls: ratio(w.apiCalls.total, c.apiCalls.total),
    ...('medianMs' in wc && 'medianMs' in cc ? { cold: ratio(wc.medianMs, cc.medianMs) } : {}),
  };
  return {
    warden: w, custodian: c, ratios,
    met: { e2eMedian: ratios.e2eMedian <= targets.peerE2eRatio, revokeMedian: ratios.revokeMedian <= targets.peerRevokeRatio },
  };
}

const split = (s: { awsMs: number; ownMs: number }) => `${s.awsMs} + ${s.ownMs} ms`;
const ok = (good: boolean) => (good ? 'ok ' : 'MISS');
/** `ec2.DescribeSecurityGroupRules ×3 19.2 ms, … = 9 calls`: count per warm run and median time in them. */
const calls = (s: Side) =>
  `${Object.entries(s.apiCalls.byOperation).map(([op, n]) => `${op} ×${n} ${s.callMedianMs[op] ?? '?'} ms`).join(', ')} = ${s.apiCalls.total} calls`;
const cold = (c: { medianMs: number; importMs: number; firstEventMs: number } | { error: string }) =>
  'error' in c ? `not measured: ${c.error}` : `median ${c.medianMs} ms (import ${c.importMs} + first event ${c.firstEventMs})`;

/** The bench's printed lines for the comparison: one per figure, or one saying why Custodian is absent. */
export function peerLines(r: PeerReport, t: PeerTargets): string[] {
  if (!('ratios' in r)) {
    return [`peers        ABSENT Cloud Custodian not compared: ${r.custodian.absent}`,
      `peer warden  e2e median ${r.warden.e2e.medianMs} ms; revoke returned at ${r.warden.revoke.medianMs} ms median; cold path ${cold(r.warden.cold)}`];
  }
  const { warden: w, custodian: c, ratios: x, met } = r;
  return [
    `peers        Cloud Custodian ${c.version} (cloudtrail mode, its Lambda entry point in-process) on the same moto, runs alternating with Warden's, ${c.runs} each`,
    `peer e2e     ${ok(met.e2eMedian)} Warden's whole path (triage → revoke → verify → notify → audit) median ${w.e2e.medianMs} ms, p95 ${w.e2e.p95Ms}; Custodian's handler (describe → revoke) median ${c.e2e.medianMs} ms, p95 ${c.e2e.p95Ms}: ${x.e2eMedian}× at the median, ${x.e2eP95}× at p95 (target ≤ ${t.peerE2eRatio}×)`,
    `peer revoke  ${ok(met.revokeMedian)} RevokeSecurityGroupIngress returned after: Warden median ${w.revoke.medianMs} ms, p95 ${w.revoke.p95Ms}; Custodian median ${c.revoke.medianMs} ms, p95 ${c.revoke.p95Ms}: ${x.revokeMedian}× (target ≤ ${t.peerRevokeRatio}×)`,
    `peer split   medians, in AWS calls + own code: until the revoke returned, Warden ${split(w.split.untilRevoke)}, Custodian ${split(c.split.untilRevoke)}; whole run, Warden ${split(w.split)}, Custodian ${split(c.split)}`,
    `peer calls   Warden ${calls(w)}; Custodian ${calls(c)} (${x.apiCalls}×)${'firstEventCalls' in c.cold ? `; Custodian's first event also calls ${Object.keys(c.cold.firstEventCalls ?? {}).filter((k) => !(k in c.apiCalls.byOperation)).join(', ') || 'nothing more'}` : ''}`,
    `peer cold    Warden's path, six functions cold in one fresh process: ${cold(w.cold)}; Custodian, fresh process: ${cold(c.cold)}${x.cold !== undefined ? ` (${x.cold}×)` : ''}`,
  ];
}
