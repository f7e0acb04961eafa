import { logger } from '../runtime/logger';
import { slackUserIsApprover } from './approvers';
import { parseInteraction, APPROVE_ACTION, type Click } from './interaction';
import { APPROVAL_DENIED, type ApprovalDecision, type ApprovalRecord } from './model';
import type { ReplayGuard } from './replay';
import { header, rawBody, verifySlackRequest, type Headers } from './signature';
import type { DecideInput, DecideResult } from './store';
import type { GroupMembers } from './usergroups';

/**
 * One approval decision, from a Slack click or `warden approve/deny`: authorize → consume the approval id once
 * (conditional write) → resume the workflow (SendTaskSuccess / SendTaskFailure) → update the Slack message.
 * Every edge is a port, so tests and the local runner need no network. Nothing here logs a token, a secret or a
 * response_url.
 */
type Timeout = { timeoutMs?: number };

export interface ApprovalStorePort {
  get(id: string, opts?: Timeout): Promise<ApprovalRecord | undefined>;
  decide(id: string, decision: DecideInput, opts?: Timeout): Promise<DecideResult>;
}

/** SendTaskSuccess / SendTaskFailure, or the local runner's stand-in. */
export interface TaskCallbacks {
  success(token: string, output: ApprovalDecision, opts?: Timeout): Promise<void>;
  failure(token: string, error: string, cause: string, opts?: Timeout): Promise<void>;
}

export type DecidedOutcome = 'approved' | 'denied' | 'expired' | 'already-decided';
export type SlackMessage = { text: string; blocks: unknown[] };

export interface SlackPort {
  updateViaResponseUrl(
    responseUrl: string,
    message: SlackMessage & { replace_original: true },
    deps?: { timeoutMs?: number },
  ): Promise<{ ok: boolean; error?: string }>;
  decidedMessage(record: ApprovalRecord, outcome: DecidedOutcome, by?: string, at?: string): SlackMessage;
}

export interface Log {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

/** The runtime logger (Powertools: JSON to stdout) as a Log. */
export const runtimeLog: Log = {
  info: (m, extra) => (extra ? logger.info(m, extra) : logger.info(m)),
  warn: (m, extra) => (extra ? logger.warn(m, extra) : logger.warn(m)),
  error: (m, extra) => (extra ? logger.error(m, extra) : logger.error(m)),
};

export interface DecidePorts {
  store: ApprovalStorePort;
  callbacks: TaskCallbacks;
  /** Wall clock, epoch ms (decidedAt, the signature window). */
  now: () => number;
  log?: Log;
  /** Monotonic ms for the 3-second budget; defaults to performance.now. */
  monotonic?: () => number;
}

export type Outcome =
  | { kind: 'decided'; decision: 'approved' | 'denied'; record: ApprovalRecord; resumed: boolean }
  | { kind: 'expired'; record: ApprovalRecord }
  | { kind: 'refused'; why: 'unknown' | 'forbidden' | 'already-decided'; record?: ApprovalRecord };

/** Slack waits 3 s; outbound calls share this budget (the callback after a decision always gets a fair try). */
const BUDGET_MS = 2500;

export function budget(monotonic: () => number = () => performance.now()): (cap: number, floor?: number) => number {
  const end = monotonic() + BUDGET_MS;
  return (cap, floor = 100) => Math.max(floor, Math.min(cap, Math.floor(end - monotonic())));
}

/** The shared core: authorize the actor, consume the id once, resume the workflow. */
export async function resolveApproval(
  req: {
    approvalId: string;
    approve: boolean;
    /** Who decides: a Slack user id or an IAM ARN. */
    actor: string;
    via: 'slack' | 'cli';
    reason?: string;
    authorize: (record: ApprovalRecord) => Promise<boolean>;
  },
  ports: DecidePorts,
  left: (cap: number, floor?: number) => number = budget(ports.monotonic),
): Promise<Outcome> {
  const log = ports.log ?? runtimeLog;
  const ctx = { approvalId: req.approvalId, actor: req.actor, via: req.via };
  const record = await ports.store.get(req.approvalId, { timeoutMs: left(800) });
  if (!record) {
    log.warn('approval refused: unknown id', ctx);
    return { kind: 'refused', why: 'unknown' };
  }
  if (!(await req.authorize(record))) {
    log.warn('approval refused: not an approver', { ...ctx, control: record.control });
    return { kind: 'refused', why: 'forbidden', record };
  }
  const decidedAt = new Date(ports.now()).toISOString();
  const status = req.approve ? 'approved' : 'denied';
  const result = await ports.store.decide(
    req.approvalId,
    { status, decidedBy: req.actor, decidedAt, ...(req.reason ? { reason: req.reason } : {}) },
    { timeoutMs: left(800) },
  );
  if (!result.ok) {
    log.warn(`approval refused: ${result.why}`, ctx);
    if (result.why === 'expired' && result.record) return { kind: 'expired', record: result.record };
    if (result.why === 'unknown' || !result.record) return { kind: 'refused', why: 'unknown' };
    return { kind: 'refused', why: 'already-decided', record: result.record };
  }

  // The id is consumed: resume the workflow. Never retried in a loop; a failure is logged (by error name only).
  const token = result.record.taskToken;
  const about = {
    approvalId: req.approvalId, decidedBy: req.actor, decidedAt, via: req.via,
    ...(req.reason ? { reason: req.reason } : {}), ...(result.record.messageTs ? { messageTs: result.record.messageTs } : {}),
  };
  let resumed = true;
  try {
    if (req.approve) await ports.callbacks.success(token, { decision: 'approved', ...about }, { timeoutMs: left(1500, 1000) });
    else await ports.callbacks.failure(token, APPROVAL_DENIED, JSON.stringify(about), { timeoutMs: left(1500, 1000) });
  } catch (err) {
    resumed = false;
    log.error('approval decided but the workflow could not be resumed', { ...ctx, error: (err as Error).name });
  }
  log.info(`approval ${status}`, { ...ctx, control: record.control, resumed });
  return { kind: 'decided', decision: status, record: result.record, resumed };
}

export interface SlackRequest {
  headers?: Headers;
  body?: string;
  isBase64Encoded?: boolean;
}

export interface HttpResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export interface SlackInteractionPorts extends DecidePorts {
  signingSecret: () => Promise<string>;
  slack: SlackPort;
  groupMembers: GroupMembers;
  replay?: ReplayGuard;
  /** When set, clicks from any other workspace are refused. */
  teamId?: string;
  /**
   * The origins a click's response_url may have (default: Slack's, `https://hooks.slack.com`). A click whose
   * response_url is elsewhere is refused before anything is decided: Warden would post the decision there.
   */
  responseUrlOrigins?: readonly string[];
}

/** Slack's own response_url origin. */
export const SLACK_RESPONSE_URL_ORIGINS = ['https://hooks.slack.com'] as const;

/** Interaction payloads are a few kilobytes; anything past this is refused before its signature is computed. */
export const MAX_BODY_BYTES = 256 * 1024;

const originOf = (url: string): string | undefined => {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
};

const reply = (statusCode: number, body: string): HttpResult => ({
  statusCode,
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  body,
});

/** A Slack interactions request (API Gateway HTTP API) to the HTTP answer; see resolveApproval for the core. */
export async function handleSlackInteraction(req: SlackRequest, ports: SlackInteractionPorts): Promise<HttpResult & { outcome?: Outcome }> {
  const log = ports.log ?? runtimeLog;
  const left = budget(ports.monotonic);
  if ((req.body?.length ?? 0) > (req.isBase64Encoded ? Math.ceil((MAX_BODY_BYTES * 4) / 3) + 4 : MAX_BODY_BYTES)) {
    log.warn('interaction refused: body too large', { bytes: req.body?.length });
    return reply(413, 'request body too large');
  }
  const body = rawBody(req.body, req.isBase64Encoded);
  const verified = verifySlackRequest({ signingSecret: await ports.signingSecret(), headers: req.headers, body, nowMs: ports.now() });
  if (!verified.ok) {
    log.warn('interaction refused: signature', { why: verified.why });
    return reply(401, 'invalid request signature');
  }
  const sig = `${header(req.headers, 'x-slack-request-timestamp')}:${header(req.headers, 'x-slack-signature')}`;
  if (ports.replay?.seen(sig)) {
    log.warn('interaction refused: replayed request');
    return reply(403, 'this request was already received');
  }
  const parsed = parseInteraction(body.toString('utf8'));
  if (!parsed.ok) {
    log.warn('interaction refused: payload', { why: parsed.why });
    return reply(400, 'unsupported interaction');
  }
  const click: Click = parsed.click;
  if (ports.teamId && click.teamId !== ports.teamId) {
    log.warn('interaction refused: other workspace', { approvalId: click.approvalId });
    return reply(403, 'this workspace may not decide Warden approvals');
  }

  const origin = originOf(click.responseUrl);
  if (!origin || !(ports.responseUrlOrigins ?? SLACK_RESPONSE_URL_ORIGINS).includes(origin)) {
    log.warn('interaction refused: response_url not allowed', { approvalId: click.approvalId, origin });
    return reply(400, 'response_url is not a Slack URL');
  }

  const outcome = await resolveApproval(
    {
      approvalId: click.approvalId,
      approve: click.actionId === APPROVE_ACTION,
      actor: click.userId,
      via: 'slack',
      authorize: (record) => slackUserIsApprover(click.userId, record.approvers, (g) => ports.groupMembers(g, { timeoutMs: left(800) })),
    },
    ports,
    left,
  );

  switch (outcome.kind) {
    case 'refused':
      return {
        ...reply(403, outcome.why === 'forbidden' ? 'You are not an approver for this change.'
          : outcome.why === 'already-decided' ? 'This approval was already decided.' : 'Unknown approval.'),
        outcome,
      };
    case 'expired':
      await update(ports, click.responseUrl, ports.slack.decidedMessage(outcome.record, 'expired'), left, log);
      return { ...reply(200, 'expired'), outcome };
    case 'decided': {
      const r = outcome.record;
      const message = outcome.resumed
        ? ports.slack.decidedMessage(r, outcome.decision, r.decidedBy, r.decidedAt)
        : notResumedMessage(r, outcome.decision);
      await update(ports, click.responseUrl, message, left, log);
      return { ...reply(200, outcome.decision), outcome };
    }
  }
}

async function update(ports: SlackInteractionPorts, url: string, message: SlackMessage, left: (cap: number, floor?: number) => number, log: Log) {
  try {
    const res = await ports.slack.updateViaResponseUrl(url, { ...message, replace_original: true }, { timeoutMs: left(900, 300) });
    if (!res.ok) log.warn('approval message not updated', { error: res.error });
  } catch (err) {
    log.warn('approval message not updated', { error: (err as Error).name });
  }
}

/** The decision is recorded but Step Functions did not take it (e.g. the wait had already timed out). */
export function notResumedMessage(record: ApprovalRecord, decision: 'approved' | 'denied'): SlackMessage {
  const text = `:warning: Warden approval ${record.id} was ${decision} by <@${record.decidedBy}>, but the workflow could not be resumed (it may have timed out). Check the execution.`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}
