// SQS over its JSON protocol with fetch, for moto only (@aws-sdk/client-sqs is not a dependency; moto does not
// check signatures). Used to receive what SNS and EventBridge deliver to queues.

export /** SQS over its JSON protocol with fetch (@aws-sdk/client-sqs is not a dependency; moto does not check signatures). */
async function sqs<T = Record<string, unknown>>(endpoint: string, action: string, body: object): Promise<T> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `AmazonSQS.${action}`,
      authorization: 'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`SQS ${action}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export async function createQueue(endpoint: string, name: string): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await sqs<{ QueueUrl: string }>(endpoint, 'CreateQueue', { QueueName: name });
  const { Attributes } = await sqs<{ Attributes: { QueueArn: string } }>(endpoint, 'GetQueueAttributes', { QueueUrl, AttributeNames: ['QueueArn'] });
  return { url: QueueUrl, arn: Attributes.QueueArn };
}

/** Receive until `count` messages arrived or `seconds` passed. */
export async function receive(endpoint: string, queueUrl: string, count: number, seconds = 5): Promise<string[]> {
  const bodies: string[] = [];
  const wait = seconds >= 1 ? 1 : 0;
  for (const deadline = Date.now() + seconds * 1000; bodies.length < count && Date.now() < deadline; ) {
    const out = await sqs<{ Messages?: { Body: string }[] }>(endpoint, 'ReceiveMessage', { QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: wait });
    bodies.push(...(out.Messages ?? []).map((m) => m.Body));
  }
  return bodies;
}
