import { controls } from './controls';
import { normalize } from './events';
import { isOwnChange } from './loop-guard';
import type { Decision, GuardDutyFacts, LiveState, Observation } from './model';
import { isWorldOpen } from './net';
import type { Policy } from './policy/schema';

/** Prefix of a control note meaning "cannot decide without live state" (offline decisions). */
export const NEEDS_LIVE_STATE = 'needs live state';
/** Prefix of a control note meaning "seen and recorded, below any action threshold" (e.g. low GuardDuty severity). */
export const RECORDED_ONLY = 'recorded only';

export interface EvaluateOptions {
  policy: Policy;
  /** Live state, when available (Lambda, `warden evaluate --live`). Offline decisions say what they could not see. */
  live?: LiveState;
}

/** Raw EventBridge event in, decision out. The one path shared by the triage Lambda, the CLI and the benchmark. */
export async function evaluate(raw: unknown, { policy, live }: EvaluateOptions): Promise<Decision> {
  const normalized = normalize(raw);
  if (normalized.kind !== 'observation') return normalizedToDecision(normalized);
  const observed = normalized.observation;

  if (isOwnChange(observed.actor, policy.ownRoles)) {
    const who = observed.actor?.roleArn ?? observed.actor?.arn ?? 'unknown';
    return { status: 'ignored', reason: `change made by Warden's own role (${who}): loop guard`, observation: observed };
  }

  const active = controls.filter((c) => policy.controls[c.id]?.enabled !== false && c.appliesTo(observed));
  if (active.length === 0) {
    return { status: 'ignored', reason: `no enabled control reads ${observed.resource.type}`, observation: observed };
  }

  const observation = live ? await withLiveState(observed, live, policy) : observed;
  if (observation === undefined) {
    return { status: 'ignored', reason: `${observed.resource.id} no longer exists`, observation: observed };
  }

  const findings = [];
  const notes: string[] = [];
  const undecided: string[] = [];
  for (const control of active) {
    const result = control.evaluate(observation, policy);
    findings.push(...result.findings);
    if (!result.note) continue;
    const notDecided = result.note.startsWith(NEEDS_LIVE_STATE) || result.note.startsWith(RECORDED_ONLY);
    if (result.findings.length === 0 && notDecided) undecided.push(result.note);
    else notes.push(result.note);
  }
  const reason = (list: string[]) => (list.length ? { reason: [...new Set(list)].join('; ') } : {});
  if (findings.length > 0) return { status: 'violation', observation, findings, ...reason(notes) };
  // A control that cannot decide offline, or records without acting, says so: never "compliant" for it.
  if (undecided.length > 0) return { status: 'ignored', observation, reason: [...new Set(undecided)].join('; ') };
  return { status: 'compliant', observation, ...reason(notes) };
}

function normalizedToDecision(n: Exclude<ReturnType<typeof normalize>, { kind: 'observation' }>): Decision {
  if (n.kind === 'invalid') return { status: 'invalid', reason: n.reason };
  return n.observation
    ? { status: 'ignored', reason: n.reason, observation: n.observation }
    : { status: 'ignored', reason: n.reason };
}

/** Fill in what the event could not carry, from live state. Returns undefined when the resource is gone. */
async function withLiveState(o: Observation, live: LiveState, policy: Policy): Promise<Observation | undefined> {
  if (o.resource.type === 'AWS::EC2::SecurityGroup') return withLiveSecurityGroup(o, live);
  // A GuardDuty finding is about what ran, not the resource's configuration: its facts are the evidence. Only an
  // instance without host tags needs a read: is it an ECS container instance after all?
  if (o.facts.kind === 'guardduty-finding') return withContainerHost(o, o.facts.finding, live, policy);
  if (!live.resource) return o;
  const read = await live.resource(o.resource, o.facts);
  if (!read) return undefined;
  return { ...o, resource: { ...o.resource, tags: read.tags }, facts: read.facts };
}

/** An untagged instance with a finding worth telling someone about: is it an ECS container instance? (Below the
 * notify band the answer changes nothing, so the lookup, one call per ECS cluster, is not made.) */
async function withContainerHost(o: Observation, g: GuardDutyFacts, live: LiveState, policy: Policy): Promise<Observation> {
  if (o.resource.type !== 'AWS::EC2::Instance' || g.host || !g.instanceId || !live.containerHost) return o;
  if (g.severity < policy.guardduty.notify) return o;
  const found = await live.containerHost(g.instanceId);
  const finding: GuardDutyFacts = found ? { ...g, host: 'ecs', clusterName: found.cluster } : { ...g, notAHost: true };
  return { ...o, facts: { kind: 'guardduty-finding', finding } };
}

/**
 * Security groups: group tags (public front-end policy, owner, environment) and, where the event has no rule ids or
 * no direction (Config, Security Hub, ModifySecurityGroupRules), the live rules themselves, limited to the event's
 * rule ids when it named any.
 */
async function withLiveSecurityGroup(o: Observation, live: LiveState): Promise<Observation | undefined> {
  const f = o.facts;
  if (f.kind !== 'sg-rules' && f.kind !== 'sg-flagged') return o;
  const candidates = f.kind === 'sg-rules' ? f.rules.filter(isWorldOpen) : [];
  const needsRules =
    f.kind === 'sg-flagged' || (candidates.length > 0 && (f.directionUnknown === true || candidates.some((r) => !r.ruleId)));
  if (needsRules) {
    const group = await live.securityGroup(f.groupId);
    if (!group) return undefined;
    const named = new Set(candidates.flatMap((r) => (r.ruleId ? [r.ruleId] : [])));
    const onlyNamed = named.size > 0 && candidates.every((r) => r.ruleId);
    const rules = onlyNamed ? group.rules.filter((r) => named.has(r.ruleId ?? '')) : group.rules;
    const facts = { kind: 'sg-rules', groupId: group.groupId, rules, complete: !onlyNamed } as const;
    return { ...o, resource: { ...o.resource, tags: group.tags }, facts };
  }
  if (o.resource.tags !== undefined || candidates.length === 0) return o;
  const tags = await live.securityGroupTags(f.groupId);
  return tags === undefined ? undefined : { ...o, resource: { ...o.resource, tags } };
}
