import { actionPhrase, clip } from '../notify/message';
import { escapeMrkdwn } from '../notify/slack-message';
import type { ApprovalRecord } from './model';

/**
 * Block Kit for approval requests and their outcomes. Pure: no I/O. The task token is never read here; buttons
 * carry only the approval id. Every value that can come from an event (resource ids, requester, steps, reasons)
 * is mrkdwn-escaped, which also defuses mentions (<!channel>) and links smuggled into them.
 */

export const APPROVE_ACTION_ID = 'warden_approve';
export const DENY_ACTION_ID = 'warden_deny';
export const APPROVAL_BLOCK_ID = 'warden_approval';

// Block Kit limits (docs.slack.dev, Block Kit reference).
export const LIMITS = {
  blocks: 50,
  header: 150,
  section: 3000,
  field: 2000,
  fields: 10,
  contextElements: 10,
  buttonText: 75,
  buttonValue: 2000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
} as const;

/** Plan sections at most (each ≤ 3000 chars): the rest is summarized; the execution holds the whole plan. */
const MAX_PLAN_SECTIONS = 20;
const MAX_APPROVERS_SHOWN = 20;

type Text = { type: 'mrkdwn' | 'plain_text'; text: string };
export type Block =
  | { type: 'header'; text: { type: 'plain_text'; text: string } }
  | { type: 'section'; text?: Text; fields?: Text[] }
  | { type: 'context'; elements: Text[] }
  | { type: 'divider' }
  | { type: 'actions'; block_id: string; elements: Button[] };
export interface Button {
  type: 'button';
  action_id: string;
  text: { type: 'plain_text'; text: string };
  value: string;
  style?: 'primary' | 'danger';
  confirm?: {
    title: { type: 'plain_text'; text: string };
    text: { type: 'plain_text'; text: string };
    confirm: { type: 'plain_text'; text: string };
    deny: { type: 'plain_text'; text: string };
    style?: 'primary' | 'danger';
  };
}

export interface SlackMessageBody {
  text: string;
  blocks: Block[];
}

export type DecidedOutcome = 'approved' | 'denied' | 'expired' | 'already-decided';

// ---- formatting helpers -------------------------------------------------------------------------------------

const plain = (text: string, max: number) => ({ type: 'plain_text' as const, text: clip(text, max) });
const md = (text: string, max: number = LIMITS.section): Text => ({ type: 'mrkdwn', text: clip(text, max) });
const field = (label: string, value: string): Text => md(`*${label}*\n${escapeMrkdwn(value)}`, LIMITS.field);
const code = (s: string) => `\`${escapeMrkdwn(s.replace(/`/g, "'"))}\``;

/** Slack renders <!date^…> in each reader's time zone; the fallback is UTC. */
export function slackDate(epochSeconds: number): string {
  const iso = new Date(epochSeconds * 1000).toISOString().replace('T', ' ').replace(/:\d\d\.\d{3}Z$/, ' UTC');
  return `<!date^${Math.floor(epochSeconds)}^{date_short_pretty} at {time}|${iso}>`;
}

/** An ISO time as a Slack date, or the escaped text when it does not parse. */
function slackTime(iso: string | undefined): string {
  if (!iso) return 'an unknown time';
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? escapeMrkdwn(iso) : slackDate(Math.floor(ms / 1000));
}

/** A Slack user id as a mention, a user group as a group mention, anything else (an IAM ARN) as code. */
export function principal(id: string): string {
  if (/^[UW][A-Z0-9]{2,}$/.test(id)) return `<@${id}>`;
  if (/^S[A-Z0-9]{2,}$/.test(id)) return `<!subteam^${id}>`;
  return code(id);
}

/** The Step Functions console page of an execution (v2 console), in the execution's own region and partition. */
export function executionConsoleUrl(executionArn: string): string {
  const [, partition = 'aws', , region = 'us-east-1'] = executionArn.split(':');
  const host =
    partition === 'aws-cn' ? `${region}.console.amazonaws.cn`
    : partition === 'aws-us-gov' ? `${region}.console.amazonaws-us-gov.com`
    : `${region}.console.aws.amazon.com`;
  return `https://${host}/states/home?region=${region}#/v2/executions/details/${executionArn}`;
}

/** A mrkdwn link: the URL must not break out of <url|label>. */
const link = (url: string, label: string) => `<${url.replace(/[<>|\s]/g, encodeURIComponent)}|${escapeMrkdwn(label)}>`;

/** Account and region from an ARN (arn:partition:service:region:account:…), when the id is one. */
function arnPlace(arn: string): { account?: string; region?: string } {
  const p = arn.split(':');
  if (p[0] !== 'arn' || p.length < 6) return {};
  return { ...(p[4] ? { account: p[4] } : {}), ...(p[3] ? { region: p[3] } : {}) };
}

/** What the fix does, as a phrase: the notify wording when it has one, else the action id in words. */
function todo(action: string): string {
  const phrase = actionPhrase(action).todo;
  return phrase === `apply ${action}` ? action.replace(/[-_]+/g, ' ') : phrase;
}

/** A resource id for a title: the resource part of an ARN (service/prod/web), else the id. */
const shortId = (id: string) => (id.startsWith('arn:') ? id.split(':').slice(5).join(':') || id : id);

const subject = (r: ApprovalRecord) => `${todo(r.action)} on ${shortId(r.resourceId)}`;

function factFields(r: ApprovalRecord, place: { account?: string; region?: string }): Text[] {
  const where = { ...arnPlace(r.resourceId), ...place };
  const fields = [field('Control', r.control), field('Severity', r.severity), field('Resource', `${r.resourceType} ${r.resourceId}`)];
  if (where.account || where.region) fields.push(field('Account / region', `${where.account ?? '?'} / ${where.region ?? '?'}`));
  return fields;
}

function whatChanged(r: ApprovalRecord): Block {
  const who = r.requester ? code(r.requester) : 'an unknown principal';
  return {
    type: 'section',
    text: md(`*What changed, who and when*\n${code(r.resourceId)} was changed by ${who} at ${slackTime(r.changedAt)}, which breaks control ${code(r.control)}.`),
  };
}

/** The exact plan, one bullet per step, split over sections of ≤ 3000 chars, at most `maxSections` of them. */
export function planBlocks(steps: readonly string[], heading: string, maxSections = MAX_PLAN_SECTIONS): Block[] {
  if (steps.length === 0) return [{ type: 'section', text: md(`*${heading}*\n_No steps in the plan._`) }];
  const sections: string[] = [];
  let current = `*${heading}*`;
  let shown = 0;
  for (const step of steps) {
    const line = `\n• ${clip(escapeMrkdwn(step), LIMITS.section - 100)}`;
    if (current.length + line.length > LIMITS.section) {
      if (sections.length + 1 >= maxSections) break;
      sections.push(current);
      current = '';
    }
    current += line;
    shown += 1;
  }
  const rest = steps.length - shown;
  if (rest > 0) {
    const more = `\n…and ${rest} more step${rest === 1 ? '' : 's'}: see the execution for the whole plan.`;
    current = current.length + more.length <= LIMITS.section ? current + more : `${clip(current, LIMITS.section - more.length)}${more}`;
  }
  sections.push(current);
  return sections.map((text) => ({ type: 'section', text: md(text.replace(/^\n/, '')) }));
}

function approversLine(approvers: readonly string[]): string {
  if (approvers.length === 0) return 'No approvers are configured: only `warden approve` by an allowed IAM principal can decide.';
  const shown = approvers.slice(0, MAX_APPROVERS_SHOWN).map(principal).join(', ');
  const more = approvers.length > MAX_APPROVERS_SHOWN ? ` and ${approvers.length - MAX_APPROVERS_SHOWN} more` : '';
  return `Who may decide: ${shown}${more}`;
}

const footer = (r: ApprovalRecord): Block => ({
  type: 'context',
  elements: [md(`Approval ${code(r.id)} · run ${code(r.remediationId)} · from a terminal: ${code(`warden approve ${r.id}`)} or ${code(`warden deny ${r.id} --reason "…"`)}`, LIMITS.field)],
});

/** Keep a message within 50 blocks: trim plan sections (never the header, facts or buttons). */
function fit(head: Block[], plan: Block[], tail: Block[]): Block[] {
  const room = LIMITS.blocks - head.length - tail.length;
  if (plan.length <= room) return [...head, ...plan, ...tail];
  return [...head, ...plan.slice(0, Math.max(1, room)), ...tail];
}

// ---- the request ----------------------------------------------------------------------------------------------

/** The buttons: Approve (primary) and Deny (danger, with a confirm dialog). `value` is the approval id, never the token. */
export function approvalButtons(r: ApprovalRecord): Block {
  return {
    type: 'actions',
    block_id: APPROVAL_BLOCK_ID,
    elements: [
      { type: 'button', action_id: APPROVE_ACTION_ID, text: plain('Approve', LIMITS.buttonText), style: 'primary', value: r.id },
      {
        type: 'button',
        action_id: DENY_ACTION_ID,
        text: plain('Deny', LIMITS.buttonText),
        style: 'danger',
        value: r.id,
        confirm: {
          title: plain('Deny this fix?', LIMITS.confirmTitle),
          text: plain(`Warden will not ${subject(r)}. The resource stays as it is.`, LIMITS.confirmText),
          confirm: plain('Deny', LIMITS.confirmButton),
          deny: plain('Cancel', LIMITS.confirmButton),
          style: 'danger',
        },
      },
    ],
  };
}

/**
 * The approval request: header, facts (control, severity, resource, account/region), what changed (who, when),
 * the exact plan, the execution link, the deadline and approvers, then Approve / Deny.
 * `escalated`: the escalation-channel variant, saying nobody decided in time.
 */
export function approvalRequestMessage(
  record: ApprovalRecord,
  opts: { executionUrl: string; escalated?: boolean; account?: string; region?: string },
): SlackMessageBody {
  const escalated = opts.escalated ?? record.stage === 'escalated';
  const title = `${escalated ? 'Escalated: approval' : 'Approval'} needed: ${subject(record)}`;
  const place = { ...(opts.account ? { account: opts.account } : {}), ...(opts.region ? { region: opts.region } : {}) };
  const head: Block[] = [{ type: 'header', text: plain(title, LIMITS.header) }];
  if (escalated) {
    head.push({
      type: 'section',
      text: md(':rotating_light: *Escalated:* nobody decided in the owner channel before the first deadline. This is the last chance to decide before the policy\'s timeout outcome applies.'),
    });
  }
  head.push({ type: 'section', fields: factFields(record, place) }, whatChanged(record));
  const tail: Block[] = [
    {
      type: 'section',
      text: md(`*Decide by ${slackDate(record.expiresAt)}*\n${link(opts.executionUrl, 'Open the Step Functions execution')}\n${approversLine(record.approvers)}`),
    },
    approvalButtons(record),
    footer(record),
  ];
  const deadline = ` Decide by ${slackDate(record.expiresAt)}.`;
  const text = `${clip(escapeMrkdwn(`${title} (${record.control}, ${record.severity}).`), LIMITS.section - deadline.length)}${deadline}`;
  return { text, blocks: fit(head, planBlocks(record.steps, 'Planned change (exact steps)'), tail) };
}

// ---- the outcome ----------------------------------------------------------------------------------------------

function outcomeText(r: ApprovalRecord, outcome: DecidedOutcome, by: string | undefined, at: string | undefined): { title: string; body: string } {
  const who = by ? principal(by) : 'someone';
  const when = slackTime(at);
  const reason = r.reason ? `\nReason: ${escapeMrkdwn(r.reason)}` : '';
  switch (outcome) {
    case 'approved':
      return { title: `Approved: ${subject(r)}`, body: `:white_check_mark: *Approved* by ${who} at ${when}. Warden applies the change now and reports the result.${reason}` };
    case 'denied':
      return { title: `Denied: ${subject(r)}`, body: `:no_entry: *Denied* by ${who} at ${when}. Nothing will be changed.${reason}` };
    case 'expired': {
      const next = r.stage === 'initial' ? 'The request was escalated.' : "The policy's timeout outcome applies.";
      return { title: `Expired: ${subject(r)}`, body: `:hourglass: *Expired*: nobody decided by ${slackDate(r.expiresAt)}. ${next}` };
    }
    case 'already-decided': {
      const status = r.status === 'pending' ? 'decided' : r.status;
      const prior = by ? ` by ${who} at ${when}` : '';
      return { title: `Already decided: ${subject(r)}`, body: `:information_source: *Already decided*: this request was already ${status}${prior}. Nothing more to do.${reason}` };
    }
  }
}

/**
 * The request after its outcome: same facts and plan, a status line, no buttons. `by`/`at` default to the record's
 * decidedBy/decidedAt. For 'already-decided' the record's own decision wins (it is the one that counted), so passing
 * the user who clicked late never misattributes the decision.
 */
export function decidedMessage(record: ApprovalRecord, outcome: DecidedOutcome, by?: string, at?: string): SlackMessageBody {
  const prior = outcome === 'already-decided' && record.decidedBy;
  const decider = prior ? record.decidedBy : (by ?? record.decidedBy);
  const when = prior ? record.decidedAt : (at ?? record.decidedAt);
  const { title, body } = outcomeText(record, outcome, decider, when);
  const head: Block[] = [
    { type: 'header', text: plain(title, LIMITS.header) },
    { type: 'section', text: md(body) },
    { type: 'section', fields: factFields(record, {}) },
    whatChanged(record),
  ];
  const tail: Block[] = [{ type: 'section', text: md(link(executionConsoleUrl(record.executionArn), 'Open the Step Functions execution')) }, footer(record)];
  const heading = outcome === 'approved' ? 'Approved change (exact steps)' : 'Planned change (exact steps)';
  const plain_ = `${title} (${record.control}, ${record.severity})`;
  return { text: clip(escapeMrkdwn(plain_), LIMITS.section), blocks: fit(head, planBlocks(record.steps, heading), tail) };
}
