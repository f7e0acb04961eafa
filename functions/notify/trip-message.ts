import { TRIP_ADVICE, tripSummary } from '../domain/brakes';
import type { NotifyInput } from './message';
import { escapeMrkdwn, type SlackMessage } from './slack-message';
import { asciiSubject, snsAttributes, type SnsMessage } from './sns-message';

/** The held run's trip, as the summary line (pure). */
const summaryOf = (input: NotifyInput): string => (input.held ? tripSummary(input.held) : 'breaker tripped');

/** The trip summary for Slack: the line, what to do, and the run that tripped it. */
export function tripSlackMessage(input: NotifyInput): SlackMessage {
  const summary = summaryOf(input);
  return {
    text: summary,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'Warden breaker tripped' } },
      { type: 'section', text: { type: 'mrkdwn', text: `*${escapeMrkdwn(summary)}*\n${escapeMrkdwn(TRIP_ADVICE)}` } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(`First held: ${input.id} (${input.finding.control} on ${input.finding.resource.id})`) }] },
    ],
  };
}

/** The trip summary for SNS: filterable as outcome `breaker-tripped`. */
export function tripSnsMessage(input: NotifyInput): SnsMessage {
  const summary = summaryOf(input);
  const h = input.held;
  return {
    subject: asciiSubject(`[Warden] ${summary}`),
    message: JSON.stringify({ title: summary, summary: TRIP_ADVICE, firstHeld: input.id, scope: h?.scope, count: h?.count, limit: h?.limit, window: h?.window, waiting: h?.waiting }),
    attributes: snsAttributes(input, 'breaker-tripped'),
  };
}
