// A breaker trip's one summary goes to the policy's fallback (security) channel: a trip concerns the breaker's whole
// scope, not the owner of the run that happened to trip it. Slack's Web API is a fake fetch here.
import { SNSClient } from '@aws-sdk/client-sns';
import { notifyOwner } from '../../../functions/handlers/notify';
import { defaultPolicy } from '../../../functions/domain/policy';
import type { RemediationState } from '../../../functions/domain/state';
import { notifyInput } from './fixture';

function stateOf(firstOfTrip: boolean): RemediationState {
  const input = notifyInput('held');
  const { outcome: _o, mode, plan, held, owner, channel, ...context } = input;
  return {
    context: context as never,
    outcome: 'held',
    policy: { ...defaultPolicy(), owners: { tag: 'Owner', channels: { payments: '#payments-alerts' }, fallback: '#security-alerts' } },
    live: { result: { stillViolating: true, mode, plan: plan!, owner, channel, held: { ...held!, firstOfTrip } } },
  } as unknown as RemediationState;
}

async function posted(state: RemediationState): Promise<string[]> {
  const channels: string[] = [];
  const fetch = (async (_url: string, init: { body: string }) => {
    channels.push((JSON.parse(init.body) as { channel: string }).channel);
    return new Response(JSON.stringify({ ok: true, ts: '1.2' }), { status: 200, headers: { 'content-type': 'application/json' } });
  }) as unknown as typeof globalThis.fetch;
  await notifyOwner(state, { sns: () => new SNSClient({}), webhookUrl: async () => undefined, slackBotToken: async () => 'xoxb-test', slackApi: { fetch, apiUrl: 'http://127.0.0.1:9/api' } });
  return channels;
}

test("the run that tripped the breaker sends its summary to the security channel, not the owner's", async () => {
  expect(await posted(stateOf(true))).toEqual(['#security-alerts']);
});

test('the other held runs tell nobody', async () => {
  expect(await posted(stateOf(false))).toEqual([]);
});
