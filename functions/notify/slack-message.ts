import { timelineLines } from '../domain/runbooks/timeline';
import type { NotifyInput } from './message';
import { actorText, clip, outcomeText, plainText, resourceText, stepsHeading, title } from './message';

/** The subset of Block Kit an incoming webhook message uses here. */
export type SlackText = { type: 'mrkdwn' | 'plain_text'; text: string };
export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string } }
  | { type: 'section'; text?: SlackText; fields?: SlackText[] }
  | { type: 'context'; elements: SlackText[] }
  | { type: 'divider' };

/** Body POSTed to an incoming webhook. */
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

// Block Kit limits: header text 150, section text 3000, field 2000, 10 fields, 10 context elements.
const HEADER_MAX = 150;
const SECTION_MAX = 3000;
const FIELD_MAX = 2000;
const MAX_STEPS = 25;

/**
 * Slack mrkdwn control characters. Escaping them also neutralizes mentions (<!channel>) and links (<url|x>)
 * that could arrive in attacker-controlled values such as rule descriptions or tag values.
 */
export const escapeMrkdwn = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const md = (text: string, max = SECTION_MAX): SlackText => ({ type: 'mrkdwn', text: clip(text, max) });
const field = (label: string, value: string): SlackText => md(`*${label}*\n${escapeMrkdwn(value)}`, FIELD_MAX);

function stepsText(input: NotifyInput): string {
  const steps = input.plan?.steps ?? [];
  if (steps.length === 0) return `*${stepsHeading(input.outcome)}*\n_No plan: nothing to change was found._`;
  const shown = steps.slice(0, MAX_STEPS).map((s) => `• ${escapeMrkdwn(s)}`);
  if (steps.length > MAX_STEPS) shown.push(`…and ${steps.length - MAX_STEPS} more`);
  return `*${stepsHeading(input.outcome)}*\n${shown.join('\n')}`;
}

/** A runbook's timeline so far, newest last (the final notification carries it). */
function timelineText(input: NotifyInput): string | undefined {
  const lines = timelineLines(input.runbook?.timeline);
  if (lines.length === 0) return undefined;
  const shown = lines.slice(-MAX_STEPS).map((l) => `• ${escapeMrkdwn(l)}`);
  if (lines.length > MAX_STEPS) shown.unshift(`…${lines.length - MAX_STEPS} earlier entries in the audit record`);
  return `*Timeline (runbook ${escapeMrkdwn(input.runbook?.name ?? '')})*\n${shown.join('\n')}`;
}

export function slackMessage(input: NotifyInput): SlackMessage {
  const f = input.finding;
  const execution = input.executionArn ? `${input.id} (${input.executionArn})` : input.id;
  const owner = input.owner ? `Owner: ${input.owner} · Channel: ${input.channel}` : `Channel: ${input.channel} (no owner tag)`;
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(title(input), HEADER_MAX) } },
    {
      type: 'section',
      fields: [
        field('Control', `${f.control}: ${f.title}`),
        field('Severity', f.severity),
        field('Resource', resourceText(input)),
        field('Actor', actorText(input)),
        field('Event time', `${input.eventTime} (${input.source} ${input.eventName})`),
        field('Mode', input.mode),
        ...(input.exemption ? [field('Exemption', `${input.exemption.status}: ${input.exemption.why}`)] : []),
      ],
    },
    { type: 'section', text: md(`*Evidence*\n${escapeMrkdwn(f.evidence)}`) },
    { type: 'section', text: md(stepsText(input)) },
    { type: 'section', text: md(`*Outcome: ${input.outcome}*\n${escapeMrkdwn(outcomeText(input))}`) },
    ...(timelineText(input) ? [{ type: 'section' as const, text: md(timelineText(input)!) }] : []),
    { type: 'divider' },
    {
      type: 'context',
      elements: [md(`Execution: ${escapeMrkdwn(execution)}`, FIELD_MAX), md(escapeMrkdwn(owner), FIELD_MAX)],
    },
  ];
  return { text: clip(plainText(input), SECTION_MAX), blocks };
}
