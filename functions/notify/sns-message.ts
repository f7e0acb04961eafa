import type { NotifyInput } from './message';
import { clip, outcomeText, title } from './message';

export interface SnsMessage {
  /** ≤ 100 printable ASCII characters, as SNS requires (email subscribers see it as the subject). */
  subject: string;
  /** JSON of the essentials; subscribers parse it. */
  message: string;
  /**
   * String attributes subscribers can filter on with a filter policy (docs/operations.md). `owner` is absent when the
   * resource has no owner tag (SNS refuses empty values; filter on `{"exists": false}`); `channel` is the run's Slack
   * channel from the policy (the owner's, else the fallback).
   */
  attributes: SnsAttributes;
}

export type SnsAttributes = Record<'outcome' | 'control' | 'severity' | 'mode' | 'channel' | 'account', string> & { owner?: string };

/** The filterable attributes of a run's message; `outcome` as given (a trip summary says `breaker-tripped`). */
export function snsAttributes(input: NotifyInput, outcome: string = input.outcome): SnsAttributes {
  const f = input.finding;
  return {
    outcome, control: f.control, severity: f.severity, mode: input.mode, channel: input.channel, account: f.resource.account,
    ...(input.owner ? { owner: input.owner } : {}),
  };
}

const SUBJECT_MAX = 100;
const MAX_STEPS = 100;
const CAUSE_MAX = 2000;

/** SNS subjects: ASCII only, no line breaks or control characters, must not be empty. */
export function asciiSubject(s: string): string {
  const ascii = s
    .normalize('NFKD')
    .replace(/[\u2026]/g, '...')
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/\s+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/ {2,}/g, ' ')
    .trim();
  const subject = ascii.length <= SUBJECT_MAX ? ascii : `${ascii.slice(0, SUBJECT_MAX - 3).trimEnd()}...`;
  return subject || 'Warden notification';
}

export function snsMessage(input: NotifyInput): SnsMessage {
  const f = input.finding;
  const steps = input.plan?.steps ?? [];
  const body = {
    title: title(input),
    summary: outcomeText(input),
    id: input.id,
    executionArn: input.executionArn,
    outcome: input.outcome,
    mode: input.mode,
    control: f.control,
    severity: f.severity,
    resource: f.resource,
    evidence: f.evidence,
    actor: input.actor,
    source: input.source,
    eventId: input.eventId,
    eventName: input.eventName,
    eventTime: input.eventTime,
    steps: steps.length > MAX_STEPS ? [...steps.slice(0, MAX_STEPS), `...and ${steps.length - MAX_STEPS} more`] : steps,
    applied: input.applied,
    verified: input.verified,
    owner: input.owner,
    channel: input.channel,
    exemption: input.exemption,
    error: input.error && { error: input.error.error, cause: clip(input.error.cause, CAUSE_MAX) },
    // Runbook runs: the timeline (evidence stays in the audit record: `warden audit show <id>`).
    runbook: input.runbook && { name: input.runbook.name, target: input.runbook.target, dryRun: input.runbook.dryRun, timeline: input.runbook.timeline.slice(-MAX_STEPS) },
  };
  return {
    subject: asciiSubject(`[Warden] ${title(input)}`),
    message: JSON.stringify(body),
    attributes: snsAttributes(input),
  };
}
