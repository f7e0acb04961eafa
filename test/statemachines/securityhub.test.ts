// The Security Hub write-back and import end to end: a Security Hub sample event (its ids rewritten to the emulator's)
// goes through triage and the remediate state machine (aws-local-stepfunctions, the real handlers, moto server), and
// the run tells the finding how it went. Slack is a local stand-in (local/fake-slack.ts).
// aws-sdk-client-mock is used for BatchUpdateFindings only: moto 5.2.5 does not implement it (its Security Hub answers
// no PATCH /findings/batchupdate). BatchImportFindings and GetFindings go to moto through a real client.
import {
  BatchImportFindingsCommand, BatchUpdateFindingsCommand, GetFindingsCommand, SecurityHubClient, type BatchUpdateFindingsCommandInput,
} from '@aws-sdk/client-securityhub';
import { CreateTagsCommand } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { getAuditRecord } from '../../functions/audit/get';
import { clients } from '../../functions/aws/clients';
import type { PolicyInput } from '../../functions/domain/policy';
import { startFakeSlack, type FakeSlack } from '../../local/fake-slack';
import { signedClick } from '../../local/slack-click';
import { startLocalWarden, type LocalWarden } from '../../local/warden-local';
import { allow, createGroup, createVpc, ingressRuleIds, tcp } from '../../local/sandbox';
import { useMoto } from '../support/emulator';
import { postedApproval } from '../support/approvals';
import { sampleEvent } from '../../local/samples';

useMoto({ resetEach: true });
const SECRET = 'test-signing-secret';
const ACCOUNT = '123456789012';
let slack: FakeSlack;
let runs = 0;
let mocked: ReturnType<typeof mockClient> | undefined;
beforeAll(async () => {
  slack = await startFakeSlack();
});
afterAll(() => slack?.close());
afterEach(() => mocked?.restore());

/** A sample event with the sample account and ids replaced by the emulator's. */
const sample = (file: string, ids: Record<string, string>): Record<string, any> => sampleEvent(file, { '111122223333': ACCOUNT, ...ids });

const FINDING_ID = `arn:aws:securityhub:us-east-1:${ACCOUNT}:security-control/EC2.13/finding/365b26a2-85f1-41d6-a09a-aff4982d0647`;
const PRODUCT_ARN = 'arn:aws:securityhub:us-east-1::product/aws/securityhub';

interface Scene { warden: LocalWarden; groupId: string; rule: string; updates: BatchUpdateFindingsCommandInput[] }

/**
 * A local Warden, a group with SSH open to the world, and the Security Hub client wrapped: BatchUpdateFindings answers
 * (or refuses with `refuse`) and is recorded; BatchImportFindings goes to moto.
 */
async function scene(policy: PolicyInput = {}, refuse?: Error): Promise<Scene> {
  slack.clear();
  const warden = await startLocalWarden({
    slackWebhookUrl: slack.webhookUrl, slackApiUrl: slack.apiUrl, slackSigningSecret: SECRET, msPerTimeoutSecond: 0.1, prefix: `sh${++runs}`,
    policy: { approvals: { approvers: ['U0LEAD'] }, ...policy },
  });
  const groupId = await createGroup(await createVpc(), 'bastion-ssh', { Owner: 'platform' });
  const rule = await allow(groupId, tcp(22, '0.0.0.0/0'));
  const updates: BatchUpdateFindingsCommandInput[] = [];
  const real = new SecurityHubClient({});
  mocked = mockClient(clients.securityhub()); // after startLocalWarden, which rebuilds the clients
  mocked.on(BatchImportFindingsCommand).callsFake((i) => real.send(new BatchImportFindingsCommand(i)));
  mocked.on(BatchUpdateFindingsCommand).callsFake((i: BatchUpdateFindingsCommandInput) => {
    updates.push(i);
    if (refuse) throw refuse;
    return { ProcessedFindings: i.FindingIdentifiers, UnprocessedFindings: [] };
  });
  return { warden, groupId, rule, updates };
}

const securityHubEvent = (s: Scene) => sample('securityhub/finding-ec2-13-failed.json', { 'sg-0a11c0ffee0000001': s.groupId });
const audit = (s: Scene, id: string) => getAuditRecord(id, { dynamodb: clients.dynamodb(), tableName: s.warden.resources.tableName });

const approvalOf = postedApproval;

/** The run the Security Hub event starts, answered by a signed Slack click. */
async function decided(s: Scene, decision: 'approve' | 'deny') {
  const started = await s.warden.triage(securityHubEvent(s), { wait: false });
  const [execution] = started.executions;
  const request = await approvalOf(s.warden, execution!.name);
  const click = await s.warden.interactions(signedClick({ approvalId: request.id, decision, userId: 'U0LEAD', signingSecret: SECRET, responseUrl: slack.responseUrl }));
  expect(click.statusCode).toBe(200);
  return { name: execution!.name, run: await s.warden.done(execution!.name) };
}

test('fixed: the finding is RESOLVED, with a note naming the run and the rule revoked; the record says ok', async () => {
  const s = await scene();
  const result = await s.warden.triage(securityHubEvent(s));
  expect(result.executions).toHaveLength(1);
  const id = result.executions[0]!.name;
  expect(await ingressRuleIds(s.groupId)).toEqual([]);
  expect(s.updates).toEqual([{
    FindingIdentifiers: [{ Id: FINDING_ID, ProductArn: PRODUCT_ARN }],
    Workflow: { Status: 'RESOLVED' },
    Note: { Text: expect.stringMatching(new RegExp(`^Warden run ${id}: fixed and verified \\(changed: ${s.rule}\\): revoke ${s.rule} tcp/22 from 0\\.0\\.0\\.0/0`)), UpdatedBy: 'warden' },
  }]);
  const record = await audit(s, id);
  expect(record).toMatchObject({ outcome: 'fixed', securityHub: { id: FINDING_ID, productArn: PRODUCT_ARN, origin: 'securityhub' } });
  expect(record?.securityHubUpdates).toEqual([expect.objectContaining({ stage: 'end', workflow: 'RESOLVED', result: 'ok' })]);
});

test('approval: NOTIFIED when the approval is requested, then RESOLVED once approved and fixed', async () => {
  const s = await scene({ defaults: { mode: 'approval' } });
  const { name, run } = await decided(s, 'approve');
  expect(run.failed).toBeUndefined();
  expect(run.path).toEqual(['LoadLiveState', 'StillViolating', 'ChooseMode', 'SecurityHubNotified', 'RequestApproval', 'Apply', 'Applied', 'Verify', 'MarkFixed', 'Notify', 'Record']);
  expect(s.updates.map((u) => u.Workflow?.Status)).toEqual(['NOTIFIED', 'RESOLVED']);
  expect(s.updates[0]!.Note!.Text).toBe(`Warden run ${name}: approval requested in #security-alerts: revoke ${s.rule} tcp/22 from 0.0.0.0/0 on ${s.groupId}`);
  const record = await audit(s, name);
  expect(record?.securityHubUpdates?.map((u) => [u.stage, u.workflow, u.result])).toEqual([['approval', 'NOTIFIED', 'ok'], ['end', 'RESOLVED', 'ok']]);
});

test('denied: the finding stays open (workflow unchanged, NOTIFIED by the request), with a note saying who denied it', async () => {
  const s = await scene({ defaults: { mode: 'approval' } });
  const { name, run } = await decided(s, 'deny');
  expect(run.path).toContain('MarkDenied');
  expect(await ingressRuleIds(s.groupId)).toEqual([s.rule]);
  expect(s.updates).toHaveLength(2);
  expect(s.updates[1]).toEqual({
    FindingIdentifiers: [{ Id: FINDING_ID, ProductArn: PRODUCT_ARN }],
    Note: { Text: expect.stringMatching(new RegExp(`^Warden run ${name}: change denied by U0LEAD.*the finding stays open$`)), UpdatedBy: 'warden' },
  });
  expect((await audit(s, name))?.outcome).toBe('denied');
});

test('Security Hub refusing the write-back does not fail the run: the fix stands and the refusal is recorded', async () => {
  const refused = Object.assign(new Error('not authorized to perform securityhub:BatchUpdateFindings (injected)'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
  const s = await scene({}, refused);
  const result = await s.warden.triage(securityHubEvent(s));
  const id = result.executions[0]!.name;
  const run = await s.warden.done(id);
  expect(run.failed).toBeUndefined();
  expect(run.path.at(-1)).toBe('Record');
  expect(await ingressRuleIds(s.groupId)).toEqual([]);
  expect(s.updates).toHaveLength(1);
  const record = await audit(s, id);
  expect(record?.outcome).toBe('fixed');
  expect(record?.securityHubUpdates).toEqual([expect.objectContaining({ stage: 'end', workflow: 'RESOLVED', result: 'AccessDeniedException' })]);
});

test('an exemption in force: the Security Hub finding is SUPPRESSED, with a note naming its until and reason', async () => {
  const s = await scene();
  await clients.ec2().send(new CreateTagsCommand({
    Resources: [s.groupId],
    Tags: [{ Key: 'warden:exempt-until', Value: '2099-01-31' }, { Key: 'warden:exempt-reason', Value: 'PCI-1234' }, { Key: 'warden:exempt-by', Value: 'alice' }],
  }));
  const result = await s.warden.triage(securityHubEvent(s));
  const id = result.executions[0]!.name;
  expect(await ingressRuleIds(s.groupId)).toEqual([s.rule]);
  expect(s.updates).toEqual([expect.objectContaining({ Workflow: { Status: 'SUPPRESSED' } })]);
  expect(s.updates[0]!.Note!.Text).toContain(`Warden run ${id}: exempt (until 2099-01-31, reason PCI-1234, granted by alice)`);
  expect((await audit(s, id))?.outcome).toBe('notified');
});

describe("Warden's own findings (securityHub.importFindings)", () => {
  const ownFindings = async () => (await new SecurityHubClient({}).send(new GetFindingsCommand({}))).Findings ?? [];
  const cloudTrailEvent = (s: Scene, eventId: string) => {
    const event = sample('cloudtrail/authorize-ssh-world.json', { 'sg-0a11c0ffee0000001': s.groupId, 'sgr-0a11c0ffee00000a1': s.rule });
    return { ...event, id: eventId };
  };

  test('off by default: a CloudTrail finding makes no Security Hub call', async () => {
    const s = await scene();
    await s.warden.triage(cloudTrailEvent(s, 'evt-off'));
    expect(await ingressRuleIds(s.groupId)).toEqual([]);
    expect(s.updates).toEqual([]);
    expect(mocked!.commandCalls(BatchImportFindingsCommand)).toHaveLength(0);
    expect(await ownFindings()).toEqual([]);
  });

  test('on: imported as ASFF with the required fields, NOTIFIED in notify mode; a second event about the same rule updates the same finding', async () => {
    const s = await scene({ securityHub: { importFindings: true }, defaults: { mode: 'notify' } });
    const first = await s.warden.triage(cloudTrailEvent(s, 'evt-1'));
    await s.warden.triage(cloudTrailEvent(s, 'evt-2'));
    const findings = await ownFindings();
    expect(findings).toHaveLength(1);
    const f = findings[0]!;
    expect(f).toMatchObject({
      SchemaVersion: '2018-10-08', ProductArn: `arn:aws:securityhub:us-east-1:${ACCOUNT}:product/${ACCOUNT}/default`,
      GeneratorId: 'warden/sg-world-open-ingress', AwsAccountId: ACCOUNT, Severity: { Label: 'CRITICAL' }, RecordState: 'ACTIVE',
      Resources: [expect.objectContaining({ Type: 'AwsEc2SecurityGroup' })],
    });
    for (const field of ['Id', 'Types', 'CreatedAt', 'UpdatedAt', 'Title', 'Description'] as const) expect(f[field]).toBeTruthy();
    expect(s.updates.map((u) => [u.FindingIdentifiers![0]!.Id, u.Workflow?.Status])).toEqual([[f.Id, 'NOTIFIED'], [f.Id, 'NOTIFIED']]);
    const record = await audit(s, first.executions[0]!.name);
    expect(record?.securityHubUpdates).toEqual([expect.objectContaining({ stage: 'end', workflow: 'NOTIFIED', imported: 'ok', result: 'ok' })]);
  });

  test('on, fixed: the finding is imported ARCHIVED and marked RESOLVED', async () => {
    const s = await scene({ securityHub: { importFindings: true } });
    await s.warden.triage(cloudTrailEvent(s, 'evt-fix'));
    expect(await ingressRuleIds(s.groupId)).toEqual([]);
    const [f] = await ownFindings();
    expect(f?.RecordState).toBe('ARCHIVED');
    expect(s.updates).toEqual([expect.objectContaining({ FindingIdentifiers: [{ Id: f!.Id, ProductArn: f!.ProductArn }], Workflow: { Status: 'RESOLVED' } })]);
  });
});
