// parseInteraction: a block_actions form body → the click, or a reason. Only one Warden button with an approval id.
import { isApprovalId, parseInteraction } from '../../../functions/approvals/interaction';
import { clickPayload, formBody } from './interactions-fixture';

const URL_ = 'https://hooks.slack.com/actions/T0WARDEN/1/abc';
const base = () => clickPayload({ approvalId: 'ABCDEFGHJKMNPQRS', responseUrl: URL_, actionTs: '1893456000.123456' });

test('a Warden Approve click', () => {
  expect(parseInteraction(formBody(base()))).toEqual({
    ok: true,
    click: { userId: 'U0ALICE', userName: 'alice', teamId: 'T0WARDEN', actionId: 'warden_approve', approvalId: 'ABCDEFGHJKMNPQRS', responseUrl: URL_, actionTs: '1893456000.123456' },
  });
});

test('a Deny click; team from user.team_id when team is absent', () => {
  const p = base();
  p.actions[0]!.action_id = 'warden_deny';
  const { team: _t, ...noTeam } = p;
  const out = parseInteraction(formBody(noTeam));
  expect(out).toMatchObject({ ok: true, click: { actionId: 'warden_deny', teamId: 'T0WARDEN' } });
});

test.each([
  ['no payload field', 'foo=bar'],
  ['payload is not JSON', 'payload=%7Bnot-json'],
  ['payload is not an object', `payload=${encodeURIComponent('[1]')}`],
])('%s', (why, body) => {
  expect(parseInteraction(body)).toEqual({ ok: false, why });
});

test('refused shapes', () => {
  const variants: [string, (p: ReturnType<typeof base>) => unknown][] = [
    ['unsupported payload type', (p) => ({ ...p, type: 'view_submission' })],
    ['expected one action, got 0', (p) => ({ ...p, actions: [] })],
    ['expected one action, got 2', (p) => ({ ...p, actions: [p.actions[0], p.actions[0]] })],
    ['not a Warden action', (p) => ({ ...p, actions: [{ ...p.actions[0], action_id: 'other' }] })],
    ['not an approval id', (p) => ({ ...p, actions: [{ ...p.actions[0], value: 'short' }] })],
    ['not an approval id', (p) => ({ ...p, actions: [{ ...p.actions[0], value: 'AAAAKgAAAAIAAAAA/long+token==' }] })],
    ['no user id', (p) => ({ ...p, user: { name: 'x' } })],
    ['no user id', (p) => ({ ...p, user: { id: 'B0BOT' } })],
    ['no team id', (p) => ({ ...p, team: undefined, user: { id: 'U0ALICE' } })],
    ['no response_url', (p) => ({ ...p, response_url: 'javascript:alert(1)' })],
    ['no response_url', (p) => ({ ...p, response_url: undefined })],
    ['no action_ts', (p) => ({ ...p, actions: [{ ...p.actions[0], action_ts: undefined }] })],
  ];
  for (const [why, change] of variants) {
    const out = parseInteraction(formBody(change(base())));
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.why).toContain(why);
  }
});

test('isApprovalId', () => {
  expect(isApprovalId('ABCDEFGHJKMNPQRS')).toBe(true);
  expect(isApprovalId('abcd2345')).toBe(true);
  expect(isApprovalId('6f1c2a4e-0000-4000-8000-000000000002')).toBe(true);
  expect(isApprovalId('abc')).toBe(false);
  expect(isApprovalId('x'.repeat(65))).toBe(false);
  expect(isApprovalId('ABCD EFGH')).toBe(false);
  expect(isApprovalId(12345678)).toBe(false);
});
