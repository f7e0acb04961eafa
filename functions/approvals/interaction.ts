/** The two buttons of an approval request; their `value` is the approval id. */
export const APPROVE_ACTION = 'warden_approve';
export const DENY_ACTION = 'warden_deny';
export type ApprovalAction = typeof APPROVE_ACTION | typeof DENY_ACTION;

/** An approval id as request.ts accepts them (base32, a UUID, …); anything else is refused before any lookup. */
export const isApprovalId = (value: unknown): boolean =>
  typeof value === 'string' && /^[A-Za-z0-9-]{8,64}$/.test(value);

export interface Click {
  userId: string;
  userName?: string;
  teamId: string;
  actionId: ApprovalAction;
  approvalId: string;
  responseUrl: string;
  actionTs: string;
}

export type ParseResult = { ok: true; click: Click } | { ok: false; why: string };

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/**
 * A Slack interaction request body (`application/x-www-form-urlencoded`, one field `payload` = JSON) to the click
 * it carries. Only a `block_actions` payload with exactly one Warden button action is accepted.
 */
export function parseInteraction(body: string): ParseResult {
  const payloadText = new URLSearchParams(body).get('payload');
  if (!payloadText) return { ok: false, why: 'no payload field' };
  let payload: Obj | undefined;
  try {
    payload = obj(JSON.parse(payloadText));
  } catch {
    return { ok: false, why: 'payload is not JSON' };
  }
  if (!payload) return { ok: false, why: 'payload is not an object' };
  if (payload.type !== 'block_actions') return { ok: false, why: `unsupported payload type ${String(payload.type).slice(0, 40)}` };

  const actions = Array.isArray(payload.actions) ? payload.actions : [];
  if (actions.length !== 1) return { ok: false, why: `expected one action, got ${actions.length}` };
  const action = obj(actions[0]);
  const actionId = action?.action_id;
  if (actionId !== APPROVE_ACTION && actionId !== DENY_ACTION) return { ok: false, why: 'not a Warden action' };
  if (!isApprovalId(action?.value)) return { ok: false, why: 'not an approval id' };

  const user = obj(payload.user);
  const userId = str(user?.id);
  if (!userId || !/^[UW][A-Z0-9]{2,}$/.test(userId)) return { ok: false, why: 'no user id' };
  const teamId = str(obj(payload.team)?.id) ?? str(user?.team_id);
  if (!teamId) return { ok: false, why: 'no team id' };
  const responseUrl = str(payload.response_url);
  if (!responseUrl || !isHttpUrl(responseUrl)) return { ok: false, why: 'no response_url' };
  const actionTs = str(action?.action_ts);
  if (!actionTs) return { ok: false, why: 'no action_ts' };

  const userName = str(user?.username) ?? str(user?.name);
  return {
    ok: true,
    click: { userId, ...(userName ? { userName } : {}), teamId, actionId, approvalId: action!.value as string, responseUrl, actionTs },
  };
}

function isHttpUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}
