// Pure message builders: no AWS, no network, no mocks.
import type { Outcome } from '../../../functions/domain/remediation';
import { actorText, plainText, title } from '../../../functions/notify/message';
import type { SlackBlock } from '../../../functions/notify/slack-message';
import { escapeMrkdwn, slackMessage } from '../../../functions/notify/slack-message';
import { asciiSubject, snsMessage } from '../../../functions/notify/sns-message';
import { tripSnsMessage } from '../../../functions/notify/trip-message';
import { OUTCOMES, notifyInput } from './fixture';

const WEBHOOK = 'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX';
const STEP = 'revoke sgr-0aaa tcp/22 from 0.0.0.0/0 on sg-0123456789abcdef0';

const titles: Record<Outcome, string> = {
  fixed: 'Fixed: world-open ingress revoked on sg-0123456789abcdef0',
  'dry-run': 'Would fix (dry-run): revoke world-open ingress on sg-0123456789abcdef0',
  notified: 'Action needed: revoke world-open ingress on sg-0123456789abcdef0',
  'approval-required': 'Approval required: revoke world-open ingress on sg-0123456789abcdef0',
  denied: 'Denied: revoke world-open ingress on sg-0123456789abcdef0, nothing changed',
  expired: 'Expired: nobody approved revoke world-open ingress on sg-0123456789abcdef0, nothing changed',
  'already-fixed': 'Already fixed: sg-world-open-ingress on sg-0123456789abcdef0, nothing to change',
  'resource-gone': 'Gone: sg-0123456789abcdef0 was deleted since the event, nothing to fix',
  'not-found': 'Not found: sg-0123456789abcdef0 does not exist, nothing changed',
  held: 'Held: revoke world-open ingress on sg-0123456789abcdef0, nothing changed',
  failed: 'FAILED: could not revoke world-open ingress on sg-0123456789abcdef0',
  'in-progress': 'In progress: revoke world-open ingress on sg-0123456789abcdef0',
};

const allText = (blocks: SlackBlock[]): string => JSON.stringify(blocks);

describe.each(OUTCOMES)('outcome %s', (outcome) => {
  const input = notifyInput(outcome);

  test('title', () => {
    expect(title(input)).toBe(titles[outcome]);
  });

  test('slack: header, facts, steps, outcome, execution, owner', () => {
    const { text, blocks } = slackMessage(input);
    expect(text).toBe(plainText(input));
    expect(text.startsWith(titles[outcome])).toBe(true);
    expect(blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: titles[outcome] } });
    const fields = blocks[1]?.type === 'section' ? (blocks[1].fields ?? []).map((f) => f.text).join('\n') : '';
    for (const s of ['sg-world-open-ingress', 'CRITICAL', 'AWS::EC2::SecurityGroup sg-0123456789abcdef0 (111122223333/us-east-1)',
      'arn:aws:sts::111122223333:assumed-role/dev/alice', '2026-11-20T10:00:00Z']) {
      expect(fields).toContain(s);
    }
    const all = allText(blocks);
    if (outcome === 'already-fixed') expect(all).toContain('No plan');
    else expect(all).toContain(`• ${STEP}`);
    expect(all).toContain(`*Outcome: ${outcome}*`);
    expect(all).toContain(input.executionArn);
    expect(all).toContain('Owner: payments · Channel: #payments-alerts');
  });

  test('sns: ASCII subject of at most 100 chars, JSON essentials, filterable attributes', () => {
    const m = snsMessage(input);
    expect(m.subject.length).toBeLessThanOrEqual(100);
    expect(m.subject).toMatch(/^[\x20-\x7e]+$/);
    expect(m.subject.startsWith('[Warden] ')).toBe(true);
    const body = JSON.parse(m.message);
    expect(body).toMatchObject({ id: input.id, outcome, control: 'sg-world-open-ingress', severity: 'CRITICAL', channel: '#payments-alerts' });
    expect(body.steps).toEqual(outcome === 'already-fixed' ? [] : [STEP]);
    expect(m.attributes).toEqual({
      outcome, control: 'sg-world-open-ingress', severity: 'CRITICAL', mode: input.mode,
      owner: 'payments', channel: '#payments-alerts', account: '111122223333',
    });
  });

  test('never contains a webhook URL or secret', () => {
    const everything = JSON.stringify([slackMessage(input), snsMessage(input)]);
    expect(everything).not.toContain('hooks.slack.com');
    expect(everything).not.toContain(WEBHOOK);
  });
});

test('failed: the error is shown; fixed: applied targets and verification', () => {
  expect(allText(slackMessage(notifyInput('failed')).blocks)).toContain('EC2.UnauthorizedOperation: not authorized');
  const fixed = allText(slackMessage(notifyInput('fixed')).blocks);
  expect(fixed).toContain('Changed: sgr-0aaa');
  expect(fixed).toContain('Verified by a live re-check');
  expect(allText(slackMessage(notifyInput('fixed', { verified: false })).blocks)).toContain('did NOT confirm');
});

test('no owner: the fallback channel is shown', () => {
  const input = notifyInput('notified', { owner: undefined, channel: '#security' });
  expect(allText(slackMessage(input).blocks)).toContain('Channel: #security (no owner tag)');
});

test('an exemption is shown with why: in force (nothing changed until it ends) or not (the fix went ahead)', () => {
  const active = notifyInput('notified', { exemption: { status: 'active', why: 'exempt until 2026-06-30 (PCI-1234, granted by alice)' } });
  const text = allText(slackMessage(active).blocks);
  expect(text).toContain('*Exemption*\\nactive: exempt until 2026-06-30 (PCI-1234, granted by alice)');
  expect(text).toContain('Nothing was changed: the resource is exempt until 2026-06-30 (PCI-1234, granted by alice).');
  const expired = notifyInput('fixed', { exemption: { status: 'expired', why: 'exemption expired on 2026-05-31' } });
  expect(allText(slackMessage(expired).blocks)).toContain('expired: exemption expired on 2026-05-31');
  expect(JSON.parse(snsMessage(expired).message).exemption).toEqual({ status: 'expired', why: 'exemption expired on 2026-05-31' });
  expect(allText(slackMessage(notifyInput('notified')).blocks)).not.toContain('Exemption');
});

test('attacker-controlled text cannot mention or link in Slack', () => {
  const input = notifyInput('notified');
  input.finding = { ...input.finding, evidence: 'desc <!channel> <https://evil.example|click> & co' };
  const all = allText(slackMessage(input).blocks);
  expect(all).not.toContain('<!channel>');
  expect(all).toContain('&lt;!channel&gt;');
  expect(escapeMrkdwn('a<b>&c')).toBe('a&lt;b&gt;&amp;c');
});

test('long inputs stay within Block Kit and SNS limits', () => {
  const steps = Array.from({ length: 300 }, (_, i) => `revoke sgr-${String(i).padStart(17, '0')} tcp/${i} from 0.0.0.0/0 on sg-0123456789abcdef0`);
  const input = notifyInput('dry-run', {
    finding: { ...notifyInput('dry-run').finding, resource: { ...notifyInput('dry-run').finding.resource, id: `sg-${'x'.repeat(200)}` } },
  });
  input.plan = { ...input.plan!, steps };
  const { blocks } = slackMessage(input);
  const header = blocks[0];
  expect(header?.type === 'header' && header.text.text.length).toBeLessThanOrEqual(150);
  for (const b of blocks) {
    if (b.type === 'section' && b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
    if (b.type === 'section') for (const f of b.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(2000);
  }
  expect(allText(blocks)).toContain('more');
  const sns = snsMessage(input);
  expect(sns.subject.length).toBeLessThanOrEqual(100);
  expect(sns.subject.endsWith('...')).toBe(true);
  expect(JSON.parse(sns.message).steps).toHaveLength(101);
});

test('sns attributes: no owner tag, no owner attribute (SNS refuses empty values); the channel is the fallback', () => {
  const { owner: _o, ...unowned } = notifyInput('fixed', { channel: '#security-alerts' });
  expect(snsMessage(unowned).attributes).toEqual({
    outcome: 'fixed', control: 'sg-world-open-ingress', severity: 'CRITICAL', mode: 'auto', channel: '#security-alerts', account: '111122223333',
  });
  expect(tripSnsMessage(notifyInput('held')).attributes).toMatchObject({ outcome: 'breaker-tripped', owner: 'payments', channel: '#payments-alerts', mode: 'auto' });
});

test('asciiSubject strips non-ASCII and control characters', () => {
  expect(asciiSubject('Fixed: café — sg-1\nnext…')).toBe('Fixed: cafe - sg-1 next...');
  expect(asciiSubject('日本')).toBe('Warden notification');
});

test("a sweep's finding has no actor: the message says the sweep found it, not 'unknown'", () => {
  const { actor: _a, ...rest } = notifyInput('fixed');
  expect(actorText({ ...rest, source: 'sweep' })).toBe('none: found by the scheduled sweep');
  expect(actorText({ ...rest, source: 'cloudtrail' })).toBe('unknown');
  expect(actorText(notifyInput('fixed'))).toBe('arn:aws:sts::111122223333:assumed-role/dev/alice');
});
