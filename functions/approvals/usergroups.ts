import { slackApiUrl } from '../notify/slack-api';

/**
 * Slack user-group members through the Web API method `usergroups.users.list` (bot scope `usergroups:read`),
 * cached briefly per group. A failed lookup throws: callers count it as "not a member". The token is only ever
 * sent as the Authorization header.
 */
export type GroupMembers = (groupId: string, opts?: { timeoutMs?: number }) => Promise<string[]>;

export function slackGroupMembers(deps: {
  token: () => Promise<string>;
  fetch?: typeof fetch;
  /** Defaults to env SLACK_API_URL, else https://slack.com/api (https, or http to localhost only). */
  apiUrl?: string;
  ttlMs?: number;
  timeoutMs?: number;
  now?: () => number;
}): GroupMembers {
  const ttl = deps.ttlMs ?? 60_000;
  const now = deps.now ?? Date.now;
  const cache = new Map<string, { at: number; users: string[] }>();
  return async (groupId, opts) => {
    const hit = cache.get(groupId);
    if (hit && now() - hit.at < ttl) return hit.users;
    const apiUrl = slackApiUrl(deps.apiUrl);
    const res = await (deps.fetch ?? fetch)(`${apiUrl}/usergroups.users.list`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await deps.token()}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ usergroup: groupId }).toString(),
      signal: AbortSignal.timeout(opts?.timeoutMs ?? deps.timeoutMs ?? 1000),
    });
    const json = (await res.json().catch(() => ({}))) as { ok?: boolean; users?: unknown; error?: string };
    if (!res.ok || json.ok !== true || !Array.isArray(json.users)) {
      throw new Error(`usergroups.users.list failed: ${res.status} ${String(json.error ?? '').slice(0, 60)}`);
    }
    const users = json.users.filter((u): u is string => typeof u === 'string');
    cache.set(groupId, { at: now(), users });
    return users;
  };
}
