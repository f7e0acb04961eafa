// Who may approve: policy resolution, Slack users and groups, IAM ARNs (with globs and assumed roles), plus the
// user-group lookup (fake fetch) and the replay memory.
import { approversFor, arnIsApprover, normalizeCallerArn, slackUserIsApprover } from '../../../functions/approvals/approvers';
import { replayGuard } from '../../../functions/approvals/replay';
import { slackGroupMembers } from '../../../functions/approvals/usergroups';
import { defaultPolicy } from '../../../functions/domain/policy/load';
import { BOT_TOKEN } from './interactions-fixture';

const policy = defaultPolicy({
  approvals: {
    approvers: ['U0GLOBAL'],
    byControl: { 'eks-endpoint-public': ['S0PLATFORM', 'U0PLAT'] },
    byEnvironment: { prod: ['U0ALICE', 'S0SRE', 'U0ALICE'], dev: [] },
  },
});

test('approversFor: control list, else environment list (policy tag), else the global list', () => {
  expect(approversFor(policy, 'eks-endpoint-public', { Environment: 'prod' })).toEqual(['S0PLATFORM', 'U0PLAT']);
  expect(approversFor(policy, 'ecs-service-public-ip', { Environment: 'prod' })).toEqual(['U0ALICE', 'S0SRE']);
  expect(approversFor(policy, 'ecs-service-public-ip', { Environment: 'staging' })).toEqual(['U0GLOBAL']);
  expect(approversFor(policy, 'ecs-service-public-ip', undefined)).toEqual(['U0GLOBAL']);
  // An explicit empty list replaces (nobody in Slack may approve dev), it does not fall through.
  expect(approversFor(policy, 'ecs-service-public-ip', { Environment: 'dev' })).toEqual([]);
  // The environment tag name comes from policy.environments.tag.
  const stage = defaultPolicy({ environments: { tag: 'stage' }, approvals: { approvers: ['U0G'], byEnvironment: { prod: ['U0P'] } } });
  expect(approversFor(stage, 'x', { stage: 'prod', Environment: 'dev' })).toEqual(['U0P']);
  expect(approversFor(defaultPolicy(), 'x', { Environment: 'prod' })).toEqual([]);
});

test('normalizeCallerArn: assumed-role sessions become their role ARN; others unchanged', () => {
  expect(normalizeCallerArn('arn:aws:sts::123456789012:assumed-role/Responder/alice@example.com')).toBe('arn:aws:iam::123456789012:role/Responder');
  expect(normalizeCallerArn('arn:aws-us-gov:sts::123456789012:assumed-role/R/s')).toBe('arn:aws-us-gov:iam::123456789012:role/R');
  expect(normalizeCallerArn('arn:aws:iam::123456789012:user/bob')).toBe('arn:aws:iam::123456789012:user/bob');
});

test('arnIsApprover: exact ARNs, globs, assumed roles; Slack ids never match an ARN', () => {
  const approvers = ['U0ALICE', 'arn:aws:iam::123456789012:role/Responder*', 'arn:aws:iam::123456789012:user/bob'];
  expect(arnIsApprover('arn:aws:sts::123456789012:assumed-role/ResponderOnCall/alice', approvers)).toBe(true);
  expect(arnIsApprover('arn:aws:iam::123456789012:user/bob', approvers)).toBe(true);
  expect(arnIsApprover('arn:aws:iam::123456789012:user/bobby', approvers)).toBe(false);
  expect(arnIsApprover('arn:aws:sts::999999999999:assumed-role/Responder/alice', approvers)).toBe(false);
  expect(arnIsApprover('arn:aws:sts::123456789012:assumed-role/Dev/alice', approvers)).toBe(false);
  expect(arnIsApprover('U0ALICE', approvers)).toBe(false);
  // Regex metacharacters in a pattern are literal.
  expect(arnIsApprover('arn:aws:iam::123456789012:role/AxB', ['arn:aws:iam::123456789012:role/A.B'])).toBe(false);
  // A session-name glob on the sts ARN also works.
  expect(arnIsApprover('arn:aws:sts::123456789012:assumed-role/Dev/alice', ['arn:aws:sts::123456789012:assumed-role/Dev/alice'])).toBe(true);
});

test('slackUserIsApprover: listed user, group member, failed lookup = not a member', async () => {
  const lookups: string[] = [];
  const members = async (g: string) => {
    lookups.push(g);
    if (g === 'S0BROKEN') throw new Error('fatal_error');
    return g === 'S0SRE' ? ['U0BOB'] : [];
  };
  expect(await slackUserIsApprover('U0ALICE', ['U0ALICE', 'S0SRE'], members)).toBe(true);
  expect(lookups).toEqual([]); // a listed user needs no lookup
  expect(await slackUserIsApprover('U0BOB', ['U0ALICE', 'S0BROKEN', 'S0SRE'], members)).toBe(true);
  expect(await slackUserIsApprover('U0EVE', ['U0ALICE', 'S0BROKEN', 'S0SRE'], members)).toBe(false);
  // ARNs are not looked up as groups.
  lookups.length = 0;
  expect(await slackUserIsApprover('U0EVE', ['arn:aws:iam::1:role/S0X'], members)).toBe(false);
  expect(lookups).toEqual([]);
});

test('slackGroupMembers: POSTs usergroups.users.list with the bot token, caches briefly, throws on failure', async () => {
  let t = 0;
  const seen: { url: string; auth: string | null; body: string }[] = [];
  const fakeFetch = (async (url: string | URL, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    seen.push({ url: String(url), auth: headers.get('authorization'), body: String(init?.body) });
    const group = new URLSearchParams(String(init?.body)).get('usergroup');
    if (group === 'S0BAD') return new Response(JSON.stringify({ ok: false, error: 'no_such_subteam' }), { status: 200 });
    return new Response(JSON.stringify({ ok: true, users: ['U1', 'W2'] }), { status: 200 });
  }) as typeof fetch;
  const members = slackGroupMembers({ token: async () => BOT_TOKEN, fetch: fakeFetch, apiUrl: 'https://slack.com/api', ttlMs: 1000, now: () => t });
  expect(await members('S0SRE')).toEqual(['U1', 'W2']);
  expect(seen).toEqual([{ url: 'https://slack.com/api/usergroups.users.list', auth: `Bearer ${BOT_TOKEN}`, body: 'usergroup=S0SRE' }]);
  t = 999;
  await members('S0SRE');
  expect(seen).toHaveLength(1); // cached
  t = 1000;
  await members('S0SRE');
  expect(seen).toHaveLength(2); // expired
  const err = await members('S0BAD').catch((e: Error) => e);
  expect(err).toBeInstanceOf(Error);
  expect((err as Error).message).toContain('no_such_subteam');
  expect((err as Error).message).not.toContain(BOT_TOKEN);
  // The bot token never goes over plain http to anything but localhost.
  const insecure = slackGroupMembers({ token: async () => BOT_TOKEN, fetch: fakeFetch, apiUrl: 'http://slack.example.com/api' });
  await expect(insecure('S0SRE')).rejects.toThrow(/https/);
  expect(seen).toHaveLength(3);
});

test('replayGuard: a key is new once within the window, then seen; forgotten after the window; bounded', () => {
  let t = 0;
  const g = replayGuard({ ttlMs: 1000, max: 3, now: () => t });
  expect(g.seen('a')).toBe(false);
  expect(g.seen('a')).toBe(true);
  t = 1001;
  expect(g.seen('a')).toBe(false);
  expect(g.seen('b')).toBe(false);
  expect(g.seen('c')).toBe(false);
  expect(g.seen('d')).toBe(false); // evicts the oldest ('a')
  expect(g.seen('a')).toBe(false);
  expect(g.seen('d')).toBe(true);
});
