import { controls } from './controls';
import { normalize } from './events';
import { isOwnChange } from './loop-guard';
import type { Decision, LiveState, Observation } from './model';
import { isWorldOpen } from './net';
import type { Policy } from './policy';

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

  const observation = live ? await withLiveState(observed, live) : observed;
  if (observation === undefined) {
    return { status: 'ignored', reason: `${observed.resource.id} no longer exists`, observation: observed };
  }

  const findings = [];
  const notes: string[] = [];
  for (const control of active) {
    const result = control.evaluate(observation, policy);
    findings.push(...result.findings);
    if (result.note && result.findings.length) notes.push(result.note);
  }
  if (findings.length === 0) return { status: 'compliant', observation };
  return { status: 'violation', observation, findings, ...(notes.length ? { reason: notes.join('; ') } : {}) };
}

function normalizedToDecision(n: Exclude<ReturnType<typeof normalize>, { kind: 'observation' }>): Decision {
  if (n.kind === 'invalid') return { status: 'invalid', reason: n.reason };
  return n.observation
    ? { status: 'ignored', reason: n.reason, observation: n.observation }
    : { status: 'ignored', reason: n.reason };
}

/**
 * Fill in what the event could not carry: group tags (public front-end policy) and, for sources without rule
 * ids (Config, Security Hub), the live rules themselves. Returns undefined when the resource is gone.
 */
async function withLiveState(o: Observation, live: LiveState): Promise<Observation | undefined> {
  if (o.resource.type !== 'AWS::EC2::SecurityGroup') return o;
  const f = o.facts;
  const needsRules = f.kind === 'sg-flagged' || f.rules.some((r) => isWorldOpen(r) && !r.ruleId);
  const needsTags = o.resource.tags === undefined && (f.kind === 'sg-flagged' || f.rules.some(isWorldOpen));
  if (!needsRules && !needsTags) return o;
  const group = await live.securityGroup(f.groupId);
  if (!group) return undefined;
  return {
    ...o,
    resource: { ...o.resource, tags: group.tags },
    facts: needsRules ? { kind: 'sg-rules', groupId: group.groupId, rules: group.rules, complete: true } : f,
  };
}
