// The triage queue's batch handler against moto server (SQS, Step Functions): each record triaged on its own, a
// failed one reported for SQS to deliver again (never dropped), an invalid one kept in the dead-letter queue with its
// reason, and StartExecution throttling retried with backoff by the SDK. The throttling is injected by a middleware
// on the real client (moto does not throttle); nothing else is faked.
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { CreateStateMachineCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import type { Context, SQSEvent } from 'aws-lambda';
import { readFileSync } from 'node:fs';
import { sfnStarter, type ExecutionStarter } from '../../functions/aws/executions';
import { sfn, sfnStarts } from '../../functions/aws/clients/sfn';
import { sqs } from '../../functions/aws/clients/sqs';
import { WardenError } from '../../functions/aws/errors';
import { defaultPolicy } from '../../functions/domain/policy';
import { createTriage } from '../../functions/handlers/triage';
import { createTriageBatch } from '../../functions/handlers/triage-batch';
import { fakeContext } from '../../local/state-machine';
import { useMoto } from '../support/emulator';

useMoto();
const sample = (file: string) => readFileSync(`events/${file}`, 'utf8');
const context = fakeContext('TriageFunction') as Context;

async function queues() {
  const url = async (QueueName: string) => (await sqs().send(new CreateQueueCommand({ QueueName }))).QueueUrl!;
  const dlq = await url('triage-dlq');
  return { queue: await url('triage'), dlq };
}

/** What Lambda's event source hands the function: the queue's messages as records. */
async function batchOf(queueUrl: string, bodies: string[]): Promise<SQSEvent> {
  for (const MessageBody of bodies) await sqs().send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody }));
  const got = await sqs().send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
  const arn = 'arn:aws:sqs:us-east-1:123456789012:triage';
  return {
    Records: (got.Messages ?? []).map((m) => ({
      messageId: m.MessageId!, receiptHandle: m.ReceiptHandle!, body: m.Body!, md5OfBody: m.MD5OfBody!,
      attributes: { ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1', SentTimestamp: '0', SenderId: 'events', ApproximateFirstReceiveTimestamp: '0' },
      messageAttributes: {}, eventSource: 'aws:sqs', eventSourceARN: arn, awsRegion: 'us-east-1',
    })),
  };
}

const deadLetter = (dlq: string) => async (body: string, reason: string) => {
  await sqs().send(new SendMessageCommand({ QueueUrl: dlq, MessageBody: body, MessageAttributes: { reason: { DataType: 'String', StringValue: reason } } }));
};

async function dlqMessages(dlq: string) {
  const out = await sqs().send(new ReceiveMessageCommand({ QueueUrl: dlq, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }));
  return (out.Messages ?? []).map((m) => ({ body: m.Body!, reason: m.MessageAttributes?.reason?.StringValue }));
}

test('one batch: a violation starts its run, a compliant event needs none, an invalid one goes to the DLQ with its reason, a failing start is retried', async () => {
  const { queue, dlq } = await queues();
  const started: string[] = [];
  // The start of the one finding fails as a StartExecution still throttled after the SDK's retries would.
  let failNext = true;
  const starter: ExecutionStarter = {
    async start(name) {
      if (failNext) {
        failNext = false;
        throw new WardenError('Warden.Throttled', 'ThrottlingException: Rate exceeded');
      }
      started.push(name);
      return { executionArn: `arn:${name}`, duplicate: false };
    },
  };
  const handler = createTriageBatch({ triage: createTriage({ policy: () => ({ policy: defaultPolicy() }), starter }), deadLetter: deadLetter(dlq) });
  const bodies = [sample('cloudtrail/authorize-ssh-world.json'), sample('cloudtrail/authorize-admin-cidr.json'), sample('invalid/cloudtrail-broken-detail.json'), '{"truncated": '];
  const event = await batchOf(queue, bodies);
  expect(event.Records).toHaveLength(4);
  const first = await handler(event, context);
  const failedId = event.Records.find((r) => r.body === bodies[0])!.messageId;
  expect(first.batchItemFailures).toEqual([{ itemIdentifier: failedId }]);
  expect(started).toEqual([]);
  const kept = await dlqMessages(dlq);
  expect(kept.map((m) => m.body).sort()).toEqual([bodies[2], bodies[3]].sort());
  expect(kept.find((m) => m.body === bodies[2])!.reason).toContain('detail.responseElements.securityGroupRuleSet.items.0.fromPort');
  expect(kept.find((m) => m.body === bodies[3])!.reason).toMatch(/^not JSON/);
  // SQS delivers the failed record again: this time its run starts.
  const again = await handler({ Records: event.Records.filter((r) => r.messageId === failedId) }, context);
  expect(again.batchItemFailures).toEqual([]);
  expect(started).toHaveLength(1);
});

test('StartExecution throttling is retried with backoff by the SDK, and the run starts once', async () => {
  const machine = await sfn().send(new CreateStateMachineCommand({
    name: 'triage-queue-test', roleArn: 'arn:aws:iam::123456789012:role/warden',
    definition: JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } }),
  }));
  let throttled = 0;
  // Fault injection: the first two attempts are refused before they reach the emulator, as a throttled call is.
  sfnStarts().middlewareStack.add((next) => async (args) => {
    if (throttled < 2) {
      throttled++;
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 }, $fault: 'client' });
    }
    return next(args);
  }, { step: 'finalizeRequest', name: 'injectThrottling' });
  const starter = sfnStarter(sfnStarts, () => machine.stateMachineArn!);
  const { queue, dlq } = await queues();
  const handler = createTriageBatch({ triage: createTriage({ policy: () => ({ policy: defaultPolicy() }), starter }), deadLetter: deadLetter(dlq) });
  try {
    const out = await handler(await batchOf(queue, [sample('cloudtrail/authorize-ssh-world.json')]), context);
    expect(out.batchItemFailures).toEqual([]);
  } finally {
    sfnStarts().middlewareStack.remove('injectThrottling');
  }
  expect(throttled).toBe(2);
  expect(await dlqMessages(dlq)).toEqual([]);
  const runs = await sfn().send(new ListExecutionsCommand({ stateMachineArn: machine.stateMachineArn! }));
  expect(runs.executions).toHaveLength(1);
});
