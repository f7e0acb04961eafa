// Notifications reach the owner, end to end: a CloudTrail event through triage (the Owner tag read live from moto),
// the remediate state machine with its real handlers, and Notify posting with the bot token to the local fake Slack
// (chat.postMessage). The webhook is a sink here: with a bot token it must stay silent. No mocks.
import { readFileSync } from 'node:fs';
import { getAuditRecord } from '../../functions/audit/get';
import { clients } from '../../functions/aws/clients';
import type { LocalWarden } from '../../local/warden-local';
import { allow, createGroup, createVpc, ingressRuleIds, tcp } from '../../local/sandbox';
import { useLocalWarden } from '../support/emulator';

const { start, slack, sink } = useLocalWarden({}, { slackApp: true });
const ACCOUNT = '123456789012';
const POLICY = { owners: { channels: { 'team-payments': '#team-payments' }, fallback: '#security-alerts' } };

/** The SSH-to-the-world CloudTrail sample, on a group tagged Owner=team-payments in the emulator. */
async function openToTheWorld(w: LocalWarden) {
  const groupId = await createGroup(await createVpc(), 'payments-api', { Owner: 'team-payments' });
  const ruleId = await allow(groupId, tcp(22, '0.0.0.0/0'));
  const text = readFileSync('events/cloudtrail/authorize-ssh-world.json', 'utf8').split('111122223333').join(ACCOUNT)
    .split('sg-0a11c0ffee0000001').join(groupId).split('sgr-0a11c0ffee00000a1').join(ruleId);
  const result = await w.triage(JSON.parse(text) as unknown);
  expect(result.executions).toHaveLength(1);
  const name = result.executions[0]!.name;
  const record = await getAuditRecord(name, { dynamodb: clients.dynamodb(), tableName: w.resources.tableName });
  return { groupId, run: w.runs.get(name)!, record };
}

const posts = () => slack().received.filter((r) => r.path === '/api/chat.postMessage').map((r) => r.json as { channel: string; text: string; blocks: { type: string }[] });

test("a fix on a group tagged Owner=team-payments is announced in #team-payments through chat.postMessage", async () => {
  const w = await start(POLICY);
  const { groupId, run, record } = await openToTheWorld(w);
  expect(run.path.slice(-3)).toEqual(['MarkFixed', 'Notify', 'Record']);
  expect(await ingressRuleIds(groupId)).toEqual([]);
  const [post, ...more] = posts();
  expect(more).toEqual([]);
  expect(post!.channel).toBe('#team-payments');
  expect(post!.text).toBe(`Fixed: world-open ingress revoked on ${groupId} | sg-world-open-ingress CRITICAL | AWS::EC2::SecurityGroup ${groupId} (${ACCOUNT}/us-east-1)`);
  expect(post!.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'section', 'section', 'divider', 'context']);
  expect(sink().received).toEqual([]); // the webhook is only the fallback without a bot token
  expect(record).toMatchObject({ owner: 'team-payments', channel: '#team-payments', outcome: 'fixed' });
  expect(record!.notifications).toEqual([
    { channel: 'slack', delivered: true, via: 'api', to: '#team-payments' },
    { channel: 'sns', delivered: true },
  ]);
});

test('the bot not in the channel: the message goes to the fallback, saying why, and the record names the channel', async () => {
  const w = await start(POLICY);
  slack().failChannel('#team-payments', 'not_in_channel');
  const { record } = await openToTheWorld(w);
  expect(posts().map((p) => p.channel)).toEqual(['#team-payments', '#security-alerts']);
  expect(posts()[1]!.text.split('\n')[0]).toBe('could not post to #team-payments: not_in_channel — invite the Warden app there');
  expect(record!.notifications).toContainEqual({
    channel: 'slack', delivered: true, via: 'api', to: '#security-alerts', fallbackFrom: { channel: '#team-payments', error: 'not_in_channel' },
  });
});

test("Slack's rate limit beyond one attempt: Notify throws Warden.Throttled, the state machine's Retry posts it once", async () => {
  const w = await start(POLICY);
  slack().rateLimit(1, 30, '#team-payments'); // 30 s is past the 10 s budget: no wait in the handler, a retry instead
  const { run, record } = await openToTheWorld(w);
  expect(run.path.slice(-2)).toEqual(['Notify', 'Record']);
  expect(posts().map((p) => p.channel)).toEqual(['#team-payments', '#team-payments']);
  expect(slack().messages.size).toBe(1);
  expect(record!.notifications).toEqual([
    { channel: 'slack', delivered: true, via: 'api', to: '#team-payments' },
    { channel: 'sns', delivered: true },
  ]);
});
