// `warden scan`'s findings beside what Custodian's pull-mode policies matched, check by check. Pure.

/** One check: the resources each side found, and those only one side found. */
export interface CheckComparison {
  check: string;
  warden: number;
  custodian: number;
  both: number;
  onlyWarden: string[];
  onlyCustodian: string[];
}

export type Side = 'warden only' | 'custodian only';

/** Disagreements that share a check, a side and a reason. */
export interface DisagreementGroup { check: string; side: Side; reason: string; ids: string[] }

/** What is known about a resource one side found: Warden's evidence, or the resource as Custodian described it. */
export interface Seen { evidence?: string; resource?: Record<string, unknown> }

/** Per Custodian policy (named after the control it mirrors), Warden's findings of that control beside its matches. */
export function compareChecks(wardenFindings: readonly { control: string; resource: { id: string } }[], custodian: readonly { name: string; ids: readonly string[] }[]): CheckComparison[] {
  return custodian.map(({ name, ids }) => {
    const w = new Set(wardenFindings.filter((f) => f.control === name).map((f) => f.resource.id));
    const c = new Set(ids);
    return {
      check: name, warden: w.size, custodian: c.size, both: [...w].filter((id) => c.has(id)).length,
      onlyWarden: [...w].filter((id) => !c.has(id)).sort(), onlyCustodian: [...c].filter((id) => !w.has(id)).sort(),
    };
  });
}

const PUBLIC_PORTS = [80, 443];
const WORLD = (p: Record<string, unknown>) =>
  ((p.IpRanges as { CidrIp?: string }[] | undefined) ?? []).some((r) => r.CidrIp === '0.0.0.0/0') ||
  ((p.Ipv6Ranges as { CidrIpv6?: string }[] | undefined) ?? []).some((r) => r.CidrIpv6 === '::/0');

/** Why one side found a resource the other did not, from what is known of it; `unexplained` when no reason fits. */
export function explainDisagreement(check: string, side: Side, seen: Seen): string {
  if (check === 'sg-world-open-ingress' && side === 'warden only' && seen.evidence && !/0\.0\.0\.0\/0|::\/0/.test(seen.evidence)) {
    return 'world-open through public ranges other than 0.0.0.0/0 or ::/0 (Warden: any union as large as a /8 or /16); Custodian\'s ingress filter compares the CIDR exactly';
  }
  if (check === 'sg-world-open-ingress' && side === 'custodian only' && seen.resource) {
    const open = ((seen.resource.IpPermissions as Record<string, unknown>[] | undefined) ?? []).filter(WORLD);
    const publicOnly = open.length > 0 && open.every((p) => PUBLIC_PORTS.includes(p.FromPort as number) && p.FromPort === p.ToPort);
    if (publicOnly) return 'world-open only on public ports (80, 443) of a public front end: Warden leaves those alone, Custodian cannot tell a front end';
  }
  if (check.startsWith('ecr-') && side === 'custodian only' && seen.resource && !('imageScanningConfiguration' in seen.resource)) {
    return 'no scanning configuration in the description: Warden counts an absent setting only where AWS\'s default applies';
  }
  return `unexplained (${side})`;
}

/** Every disagreement of `comparisons`, grouped by check, side and reason (ids sorted). */
export function groupDisagreements(comparisons: readonly CheckComparison[], seen: (check: string, side: Side, id: string) => Seen): DisagreementGroup[] {
  const groups = new Map<string, DisagreementGroup>();
  for (const c of comparisons) {
    for (const [side, ids] of [['warden only', c.onlyWarden], ['custodian only', c.onlyCustodian]] as const) {
      for (const id of ids) {
        const reason = explainDisagreement(c.check, side, seen(c.check, side, id));
        const key = `${c.check}|${side}|${reason}`;
        if (!groups.has(key)) groups.set(key, { check: c.check, side, reason, ids: [] });
        groups.get(key)!.ids.push(id);
      }
    }
  }
  return [...groups.values()].map((g) => ({ ...g, ids: g.ids.sort() }));
}
