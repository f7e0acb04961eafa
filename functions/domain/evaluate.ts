import { isHubDeployment, ownSpokeRoles, refusal, type AccountScope, type Where } from './accounts';
import { controls } from './controls';
import { normalize } from './events';
import { isOwnChange } from './loop-guard';
import { withFrontEnd } from './front-end';
import type { Decision, Facts, Finding, GuardDutyFacts, LiveSecurityGroup, LiveState, Observation, SgRule, Tags } from './model';
import { invalidRanges, protocolOf } from './reach';
import { exemptionOf, readExemption, type Exemption, type ExemptionSightings } from './policy/exemption';
import { mayTighten, withExemption } from './policy/mode';
import type { Policy } from './policy/schema';

import { NEEDS_LIVE_STATE, RECORDED_ONLY } from './notes';

export { NEEDS_LIVE_STATE, RECORDED_ONLY };

/** What deciding an observation needs, whatever produced it (an event, or `warden scan`'s read of live state). */
export interface DecideOptions {
  policy: Policy;
  /** The time exemptions are judged at. Required when a finding's resource carries exemption tags. */
  now?: Date;
  /** First sightings of exemptions (triage records them; without it the cap counts from `now`). */
  sightings?: ExemptionSightings;
  /** Only these control ids (`warden scan --controls`); absent: every control the policy enables. */
  only?: readonly string[];
}

export interface EvaluateOptions extends DecideOptions {
  /** Live state, when available (Lambda, `warden evaluate --live`). Offline decisions say what they could not see. */
  live?: LiveState;
  /** Live state of the event's account and Region (a hub deployment's triage); takes the place of `live`. */
  liveIn?: (where: Where) => LiveState | Promise<LiveState>;
  /**
   * The deployment's accounts (domain/accounts.ts): an event about any other account is refused (a hub: invalid, with
   * the reason; a single account: ignored), and the spoke roles that change a member account join the loop guard, by exact ARN in that account.
   * `organization()`: the organization's accounts, when the members are the whole organization.
   */
  accounts?: { scope: AccountScope; organization?: () => Promise<ReadonlySet<string> | undefined> };
}

/** Why the event must be refused: Warden may not act where it happened, or where its resource is. */
async function accountRefusal(o: Observation, accounts: NonNullable<EvaluateOptions['accounts']>): Promise<string | undefined> {
  const { scope } = accounts;
  const places = [{ account: o.account, region: o.region }, { account: o.resource.account, region: o.resource.region }];
  const org = scope.members === 'organization' && places.some((w) => w.account !== scope.hub) ? await accounts.organization?.() : undefined;
  for (const where of places) {
    const why = refusal(scope, where, org);
    if (why) return why;
  }
  return undefined;
}

/** The controls that decide this observation: enabled by the policy (and named by `only`), and reading its resource. */
const activeControls = (o: Observation, { policy, only }: DecideOptions) =>
  controls.filter((c) => policy.controls[c.id]?.enabled !== false && (!only || only.includes(c.id)) && c.appliesTo(o));

/** Raw EventBridge event in, decision out. The one path shared by the triage Lambda, the CLI and the benchmark. */
export async function evaluate(raw: unknown, options: EvaluateOptions): Promise<Decision> {
  const { policy, live } = options;
  const normalized = normalize(raw);
  if (normalized.kind !== 'observation') return normalizedToDecision(normalized);
  const observed = normalized.observation;
  const invalid = observed.facts.kind === 'sg-rules' ? invalidRanges(observed.facts.rules) : [];
  if (invalid.length) return { status: 'invalid', reason: `not a valid CIDR: ${invalid.map((c) => JSON.stringify(c)).join(', ')}` };

  // A hub refuses an event from beyond its members (dead-lettered: a membership to look at); a single-account
  // deployment ignores one about another account (a Security Hub or GuardDuty administrator's aggregated findings).
  const refused = options.accounts ? await accountRefusal(observed, options.accounts) : undefined;
  if (refused) return isHubDeployment(options.accounts!.scope)
    ? { status: 'invalid', reason: `refused: ${refused}` }
    : { status: 'ignored', reason: `not this deployment's: ${refused}`, observation: observed };

  const ownRoles = options.accounts ? [...policy.ownRoles, ...ownSpokeRoles(options.accounts.scope, observed.account)] : policy.ownRoles;
  if (isOwnChange(observed.actor, ownRoles)) {
    const who = observed.actor?.roleArn ?? observed.actor?.arn ?? 'unknown';
    return { status: 'ignored', reason: `change made by Warden's own role (${who}): loop guard`, observation: observed };
  }

  // Decided before the live read, so that an event no control reads costs no call.
  if (activeControls(observed, options).length === 0) return noControl(observed);

  const liveHere = options.liveIn ? await options.liveIn({ account: observed.resource.account, region: observed.resource.region }) : live;
  const observation = liveHere ? await withLiveState(observed, liveHere, policy) : observed;
  if (observation === undefined) {
    return { status: 'ignored', reason: `${observed.resource.id} no longer exists`, observation: observed };
  }
  return decideObservation(observation, options);
}

const noControl = (o: Observation): Decision =>
  ({ status: 'ignored', reason: `no enabled control reads ${o.resource.type}`, observation: o });

/**
 * An observation (normalized, and filled from live state when there is any) in, decision out: the controls, the
 * exemptions and the modes. The one decision path of events (after `evaluate()`'s normalize and live read) and of
 * `warden scan`.
 */
export async function decideObservation(observation: Observation, options: DecideOptions): Promise<Decision> {
  const { policy } = options;
  const active = activeControls(observation, options);
  if (active.length === 0) return noControl(observation);
  const found: Finding[] = [];
  const notes: string[] = [];
  const undecided: string[] = [];
  for (const control of active) {
    const result = control.evaluate(observation, policy);
    found.push(...result.findings);
    if (!result.note) continue;
    const notDecided = result.note.startsWith(NEEDS_LIVE_STATE) || result.note.startsWith(RECORDED_ONLY);
    if (result.findings.length === 0 && notDecided) undecided.push(result.note);
    else notes.push(result.note);
  }
  const findings = await withExemptions(found, options);
  // Offline, a mode decided without tags may tighten once they are known: say so, never imply it is final.
  for (const [i, f] of findings.entries()) {
    const why = f.resource.tags === undefined ? mayTighten(policy, f.remediation.mode) : undefined;
    if (why) findings[i] = { ...f, modeMayTighten: true as const, modeMayTightenReason: why };
  }
  const reason = (list: string[]) => (list.length ? { reason: [...new Set(list)].join('; ') } : {});
  if (findings.length > 0) return { status: 'violation', observation, findings, ...reason(notes) };
  // A control that cannot decide offline, or records without acting, says so: never "compliant" for it.
  if (undecided.length > 0) return { status: 'ignored', observation, reason: [...new Set(undecided)].join('; ') };
  return { status: 'compliant', observation, ...reason(notes) };
}

/**
 * Each finding whose resource's tags claim an exemption carries the verdict, and an exemption in force makes its
 * mode at least notify. One verdict per resource (a node finding has its own resource and tags).
 */
async function withExemptions(findings: Finding[], { policy, now, sightings }: DecideOptions): Promise<Finding[]> {
  const verdicts = new Map<string, Promise<Exemption | undefined>>();
  return Promise.all(findings.map(async (f) => {
    if (!readExemption(policy, f.resource.tags)) return f;
    if (!now) throw new Error('evaluate: judging an exemption needs the time (options.now)');
    const key = `${f.resource.type}/${f.resource.id}/${JSON.stringify(f.resource.tags)}`;
    if (!verdicts.has(key)) verdicts.set(key, exemptionOf(policy, f.resource, { now, ...(sightings ? { sightings, record: true } : {}) }));
    const exemption = await verdicts.get(key);
    if (!exemption) return f;
    return { ...f, exemption, remediation: { ...f.remediation, mode: withExemption(f.remediation.mode, exemption) } };
  }));
}

function normalizedToDecision(n: Exclude<ReturnType<typeof normalize>, { kind: 'observation' }>): Decision {
  if (n.kind === 'invalid') return { status: 'invalid', reason: n.reason };
  return n.observation
    ? { status: 'ignored', reason: n.reason, observation: n.observation }
    : { status: 'ignored', reason: n.reason };
}

/** Fill in what the event could not carry, from live state. Returns undefined when the resource is gone. */
async function withLiveState(o: Observation, live: LiveState, policy: Policy): Promise<Observation | undefined> {
  if (o.resource.type === 'AWS::EC2::SecurityGroup') return withLiveSecurityGroup(o, live, policy);
  // A GuardDuty finding is about what ran, not the resource's configuration: its facts are the evidence. Only an
  // instance without host tags needs a read: is it an ECS container instance after all?
  if (o.facts.kind === 'guardduty-finding') return withContainerHost(o, o.facts.finding, live, policy);
  if (!live.resource) return o;
  const read = await live.resource(o.resource, o.facts);
  return read ? withLiveFacts(o, read) : undefined;
}

/** The observation with the facts and tags a live read of its resource gave (ECS, EKS, ECR): they replace the source's. */
export const withLiveFacts = (o: Observation, read: { facts: Facts; tags: Tags }): Observation =>
  ({ ...o, resource: { ...o.resource, tags: read.tags }, facts: read.facts });

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
 * Security groups: the group's whole live rule set and tags, whatever the event carried. The event's own rules are
 * marked (`eventRuleIds`) so that other world-open rules already on the group are reported apart, in their own run;
 * events about the whole group (Config items, Config and Security Hub evaluations) own every rule. Whether the group is
 * a public front end is looked up only when the answer changes the decision.
 */
async function withLiveSecurityGroup(o: Observation, live: LiveState, policy: Policy): Promise<Observation | undefined> {
  const f = o.facts;
  if (f.kind !== 'sg-rules' && f.kind !== 'sg-flagged') return o;
  const group = await live.securityGroup(f.groupId);
  if (!group) return undefined;
  const eventRuleIds = f.kind === 'sg-rules' && !f.complete ? eventRulesIn(f.rules, group.rules) : undefined;
  return withLiveGroup(o, group, live, policy, eventRuleIds);
}

/**
 * The observation of a group as read live: its whole rule set, name and tags (`eventRuleIds`: the rules its event
 * named, when it named some), and whether it is a public front end when that changes the decision.
 */
export function withLiveGroup(
  o: Observation, group: LiveSecurityGroup, live: Pick<LiveState, 'publicFrontEnd'>, policy: Policy, eventRuleIds?: string[],
): Promise<Observation> {
  const facts = {
    kind: 'sg-rules', groupId: group.groupId, rules: group.rules, complete: true,
    ...(group.groupName ? { groupName: group.groupName } : {}), ...(eventRuleIds ? { eventRuleIds } : {}),
  } as const;
  return withFrontEnd({ ...o, resource: { ...o.resource, tags: group.tags }, facts }, live, policy);
}

/** Live rule ids of the rules the event named: by id, or, for an event that carries no ids, by protocol, ports and source. */
function eventRulesIn(eventRules: SgRule[], liveRules: SgRule[]): string[] {
  const same = (a: SgRule, b: SgRule) =>
    protocolOf(a) === protocolOf(b) && a.fromPort === b.fromPort && a.toPort === b.toPort && a.isEgress === b.isEgress &&
    a.cidrIpv4 === b.cidrIpv4 && a.cidrIpv6 === b.cidrIpv6 && a.prefixListId === b.prefixListId && a.referencedGroupId === b.referencedGroupId;
  const ids = new Set(eventRules.flatMap((r) => (r.ruleId ? [r.ruleId] : [])));
  return liveRules.filter((l) => ids.has(l.ruleId ?? '') || eventRules.some((e) => !e.ruleId && same(e, l))).flatMap((l) => (l.ruleId ? [l.ruleId] : []));
}
