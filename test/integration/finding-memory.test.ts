// Integration: the DynamoDB finding memory against a real moto server. The conditional write keeps the highest
// severity; the item carries plain typed attributes and a TTL 90 days out. Throttling is stubbed (moto never throttles).
import {
  CreateTableCommand, DynamoDBClient, GetItemCommand, ProvisionedThroughputExceededException, UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { dynamoFindingMemory, REMEMBER_SECONDS } from '../../functions/aws/finding-memory';
import { startMoto, type Moto } from '../../local/moto';
import type { FindingMemory } from '../../functions/domain/repeats';

let moto: Moto;
let dynamodb: DynamoDBClient;
let memory: FindingMemory;
const tableName = 'warden-findings';
const NOW_MS = Date.parse('2026-03-02T12:00:00.000Z');
const T1 = '2026-03-02T10:12:31.000Z';
const T2 = '2026-03-02T11:40:00.000Z';
const HANDLED = '2026-03-02T10:13:00.000Z';

beforeAll(async () => {
  moto = await startMoto();
  // Explicit endpoint and dummy credentials: this client can only reach the local moto server.
  dynamodb = new DynamoDBClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  await dynamodb.send(new CreateTableCommand({
    TableName: tableName, BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  }));
  memory = dynamoFindingMemory({ dynamodb: () => dynamodb, tableName, now: () => NOW_MS });
});

afterAll(async () => {
  await moto?.stop();
});

const rawItem = async (id: string) => (await dynamodb.send(new GetItemCommand({ TableName: tableName, Key: { id: { S: id } } }))).Item;

test('an unknown finding is undefined', async () => {
  expect(await memory.recall('never-seen')).toBeUndefined();
});

test('remember → recall round-trips; the item has typed attributes and purgeAt 90 days out', async () => {
  const f = { id: 'f-round-trip', severity: 8, updatedAt: T1, count: 3, handledAt: HANDLED };
  await memory.remember(f);
  expect(await memory.recall(f.id)).toEqual(f);
  expect(await rawItem(f.id)).toEqual({
    id: { S: f.id }, severity: { N: '8' }, updatedAt: { S: T1 }, count: { N: '3' }, handledAt: { S: HANDLED },
    purgeAt: { N: String(NOW_MS / 1000 + REMEMBER_SECONDS) },
  });
  expect(REMEMBER_SECONDS).toBe(90 * 24 * 3600);
});

test('fractional severities survive as numbers', async () => {
  await memory.remember({ id: 'f-fraction', severity: 5.3, handledAt: HANDLED });
  expect(await memory.recall('f-fraction')).toEqual({ id: 'f-fraction', severity: 5.3, handledAt: HANDLED });
});

test('a higher or equal severity replaces the entry, and drops an update time or count the finding no longer has', async () => {
  await memory.remember({ id: 'f-raise', severity: 5, updatedAt: T1, count: 1, handledAt: HANDLED });
  await memory.remember({ id: 'f-raise', severity: 8, updatedAt: T2, count: 2, handledAt: T2 });
  expect(await memory.recall('f-raise')).toEqual({ id: 'f-raise', severity: 8, updatedAt: T2, count: 2, handledAt: T2 });
  await memory.remember({ id: 'f-raise', severity: 8, handledAt: T2 });
  expect(await memory.recall('f-raise')).toEqual({ id: 'f-raise', severity: 8, handledAt: T2 });
});

test('a lower severity is dropped without an error (a higher one was recorded first)', async () => {
  await memory.remember({ id: 'f-lower', severity: 9, updatedAt: T2, count: 4, handledAt: T2 });
  await expect(memory.remember({ id: 'f-lower', severity: 5, updatedAt: T1, count: 1, handledAt: HANDLED })).resolves.toBeUndefined();
  expect(await memory.recall('f-lower')).toEqual({ id: 'f-lower', severity: 9, updatedAt: T2, count: 4, handledAt: T2 });
});

test('other errors are not swallowed', async () => {
  const missing = dynamoFindingMemory({ dynamodb: () => dynamodb, tableName: 'no-such-table' });
  await expect(missing.remember({ id: 'x', severity: 8, handledAt: HANDLED })).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  await expect(missing.recall('x')).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
});

test('throttling becomes Warden.Throttled (stubbed client)', async () => {
  const stub = new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  const m = mockClient(stub);
  const throttled = new ProvisionedThroughputExceededException({ $metadata: {}, message: 'Rate exceeded' });
  m.on(GetItemCommand).rejects(throttled);
  m.on(UpdateItemCommand).rejects(throttled);
  const stubbed = dynamoFindingMemory({ dynamodb: () => stub, tableName });
  await expect(stubbed.recall('x')).rejects.toMatchObject({ name: 'Warden.Throttled' });
  await expect(stubbed.remember({ id: 'x', severity: 8, handledAt: HANDLED })).rejects.toMatchObject({ name: 'Warden.Throttled' });
  expect(m.commandCalls(GetItemCommand)[0]!.args[0].input).toMatchObject({ ConsistentRead: true });
  m.restore();
});
