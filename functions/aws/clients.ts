import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';

/**
 * One lazily-built client per service and process. The SDK reads region and endpoint from the environment
 * (AWS_REGION, AWS_ENDPOINT_URL), which is how local runs reach the emulator with no code change.
 * SDK retries stay short: Step Functions owns retries with backoff.
 */
const cache = new Map<string, unknown>();
const config = () => ({ maxAttempts: 2 });

function lazy<T>(name: string, make: () => T): () => T {
  return () => {
    if (!cache.has(name)) cache.set(name, make());
    return cache.get(name) as T;
  };
}

export const clients = {
  ec2: lazy('ec2', () => new EC2Client(config())),
  sfn: lazy('sfn', () => new SFNClient(config())),
  dynamodb: lazy('dynamodb', () => new DynamoDBClient(config())),
  events: lazy('events', () => new EventBridgeClient(config())),
  sns: lazy('sns', () => new SNSClient(config())),
  secrets: lazy('secrets', () => new SecretsManagerClient(config())),
};
export type Clients = typeof clients;

/** Forget built clients (tests and the demo switch endpoints between runs). */
export const resetClients = (): void => cache.clear();
