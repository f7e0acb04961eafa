import type { Outcome, RemediationRecord } from '../domain/remediation';

/**
 * What Notify receives: Notify runs before Record, so the delivery results and the end time do not exist yet.
 * Pure module: no AWS SDK, no secrets. Nothing here ever sees the webhook URL.
 */
export type NotifyInput = Omit<RemediationRecord, 'notifications' | 'finishedAt' | 'durationMs'>;

/** How each action reads in a sentence. Unknown actions fall back to their id. */
const ACTIONS: Record<string, { done: string; todo: string }> = {
  'revoke-sg-ingress': { done: 'world-open ingress revoked', todo: 'revoke world-open ingress' },
  'contain-ecs-task': { done: 'task contained (evidence captured, task stopped)', todo: 'contain the task' },
  'isolate-container-instance': { done: 'instance isolated (quarantined, snapshotted; an ECS host drained)', todo: 'isolate the instance' },
  'eks-finding-response': { done: 'EKS finding response sent', todo: 'contain the Kubernetes workload' },
  'restore-security-group-rule': { done: 'revoked rules restored', todo: 'restore the revoked rules' },
};

export const actionPhrase = (action: string): { done: string; todo: string } =>
  ACTIONS[action] ?? { done: `${action} applied`, todo: `apply ${action}` };

const action = (input: NotifyInput): string => input.plan?.action ?? input.finding.remediation.action;

/** One line saying what happened, e.g. "Fixed: world-open ingress revoked on sg-0123". */
export function title(input: NotifyInput): string {
  const { done, todo } = actionPhrase(action(input));
  const on = `on ${input.finding.resource.id}`;
  const titles: Record<Outcome, string> = {
    fixed: `Fixed: ${done} ${on}`,
    'dry-run': `Would fix (dry-run): ${todo} ${on}`,
    notified: `Action needed: ${todo} ${on}`,
    'approval-required': `Approval required: ${todo} ${on}`,
    denied: `Denied: ${todo} ${on}, nothing changed`,
    expired: `Expired: nobody approved ${todo} ${on}, nothing changed`,
    'already-fixed': `Already fixed: ${input.finding.control} ${on}, nothing to change`,
    'resource-gone': `Gone: ${input.finding.resource.id} was deleted since the event, nothing to fix`,
    'not-found': `Not found: ${input.finding.resource.id} does not exist, nothing changed`,
    held: `Held: ${todo} ${on}, nothing changed`,
    failed: `FAILED: could not ${todo} ${on}`,
    'in-progress': `In progress: ${todo} ${on}`,
  };
  return titles[input.outcome];
}

/** What the outcome means for the reader, in one or two sentences. */
export function outcomeText(input: NotifyInput): string {
  switch (input.outcome) {
    case 'fixed': {
      const applied = input.applied?.length ? ` Changed: ${input.applied.join(', ')}.` : '';
      const verified = input.verified === false ? ' The re-check did NOT confirm the fix.' : ' Verified by a live re-check.';
      return `Applied in ${input.mode} mode.${applied}${verified}`;
    }
    case 'already-fixed':
      return 'The live re-check found nothing left to change. Nothing was changed.';
    case 'resource-gone':
      return 'The live re-check found the resource deleted since the event: nothing was changed and there is nothing left to fix. If nobody meant to delete it, find who did in CloudTrail.';
    case 'not-found':
      return `Warden looked for ${input.finding.resource.id} in account ${input.finding.resource.account}, ${input.finding.resource.region}, and found nothing: nothing was changed. Check the id, the account and the region.`;
    case 'notified':
      return input.exemption?.status === 'active'
        ? `Nothing was changed: the resource is ${input.exemption.why}. Please apply the steps above before then.`
        : 'Nothing was changed: this control runs in notify mode. Please apply the steps above.';
    case 'dry-run':
      return 'Nothing was changed: dry-run mode. These are the exact steps Warden would run.';
    case 'approval-required':
      return 'Nothing was changed: this remediation needs an approval.';
    case 'denied':
      return `Nothing was changed: denied by ${input.approval?.decidedBy ?? 'an approver'}${input.approval?.reason ? ` (${input.approval.reason})` : ''}.`;
    case 'expired':
      return `Nothing was changed: no approver decided before the deadline${input.approval?.escalated ? ', even after escalation' : ''}. Please apply the steps yourself or re-run.`;
    case 'held':
      return `Nothing was changed: ${input.held?.why ?? 'held by the brakes'}. Start it again with warden breaker release ${input.id}.`;
    case 'failed':
      return `The remediation failed: ${input.error ? `${input.error.error}: ${input.error.cause}` : 'unknown error'}.`;
    case 'in-progress':
      return 'The run has not finished yet: see the timeline so far.';
  }
}

/** The heading above the plan's steps. */
export function stepsHeading(outcome: Outcome): string {
  const headings: Record<Outcome, string> = {
    fixed: 'Steps applied',
    'dry-run': 'Steps Warden would run',
    notified: 'Exact fix to apply',
    'approval-required': 'Steps awaiting approval',
    denied: 'Steps that were denied',
    expired: 'Steps that expired without a decision',
    'already-fixed': 'Steps',
    'resource-gone': 'What the re-check found',
    'not-found': 'What Warden looked for',
    held: 'Steps that were held',
    failed: 'Planned steps',
    'in-progress': 'Planned steps',
  };
  return headings[outcome];
}

/** Who made the change the run is about; a sweep's finding has none: it is what the account already held. */
export const actorText = (input: Pick<NotifyInput, 'actor' | 'source'>): string =>
  input.actor?.arn ?? input.actor?.roleArn ?? input.actor?.invokedBy ?? (input.source === 'sweep' ? 'none: found by the scheduled sweep' : 'unknown');

export const resourceText = (input: NotifyInput): string => {
  const r = input.finding.resource;
  return `${r.type} ${r.id} (${r.account}/${r.region})`;
};

/** Plain-text fallback (Slack notifications, SNS email bodies start with this). */
export function plainText(input: NotifyInput): string {
  return `${title(input)} | ${input.finding.control} ${input.finding.severity} | ${resourceText(input)}`;
}

/** Clip a string to `max` characters, marking the cut. */
export const clip = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, Math.max(0, max - 1))}…`);
