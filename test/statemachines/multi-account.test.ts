// A hub and two member accounts on one moto server: moto keeps each account's state apart and keys it by the account
// of the assumed role, so an AssumeRole into account B followed by EC2 calls with its credentials reads and changes
// B only. The hub is a local Warden (real handlers, local state machines) with MemberAccountIds B and C.
// What moto cannot show, and how it is covered:
// - it does not require the role to exist or trust the caller: the missing spoke role's AccessDenied is injected with
//   aws-sdk-client-mock on the hub's STS client (the only mock here), every other AssumeRole goes to moto;
// - it does not enforce the hub bus's organization policy: triage checks the account itself (tested below).
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { DescribeSecurityGroupRulesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { getAuditRecord } from '../../functions/audit/get';
import { clients } from '../../functions/aws/clients';
import { sts } from '../../functions/aws/clients/sts';
import type { PolicyInput } from '../../functions/domain/policy';
import { ec2InAccount, openSsh } from '../../local/accounts';
import { HUB_ACCOUNT, type LocalWarden } from '../../local/warden-local';
import { useLocalWarden } from '../support/emulator';
import { sampleEvent } from '../../local/samples';

const B = '222233334444';
const C = '555566667777';
const OUTSIDER = '888899990000';
const REGION = 'us-east-1';
const local = useLocalWarden({ memberAccounts: [B, C] });
/** Only the control under test (moto's default groups would start runs of their own), and no `warden-*` name glob:
 * the loop guard has the hub's exact role, as deployed. */
const POLICY: PolicyInput = {
  controls: { 'sg-default-group-open': { enabled: false } },
  ownRoles: [`arn:aws:iam::${HUB_ACCOUNT}:role/warden-hub-ApplyRemediationFunctionRole`],
};

const ec2In = (account: string) => ec2InAccount(local.moto().endpoint, account, REGION);

const ingress = async (ec2: EC2Client, group: string) =>
  ((await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [group] }] }))).SecurityGroupRules ?? [])
    .filter((r) => !r.IsEgress).map((r) => r.SecurityGroupRuleId);

/** The CloudTrail sample of a world-open SSH rule, as account `account` records it, made by `actorRole`. */
function sshEvent(account: string, { group, rule }: { group: string; rule: string }, id: string, actorRole?: string): unknown {
  const event = sampleEvent<{ id: string; detail: { userIdentity: { arn: string; sessionContext: { sessionIssuer: { arn: string } } } } }>(
    'cloudtrail/authorize-ssh-world.json', { '111122223333': account, 'sg-0a11c0ffee0000001': group, 'sgr-0a11c0ffee00000a1': rule },
  );
  event.id = id;
  if (actorRole) {
    event.detail.userIdentity.sessionContext.sessionIssuer.arn = actorRole;
    event.detail.userIdentity.arn = `arn:aws:sts::${account}:assumed-role/${actorRole.split('/').pop()}/run`;
  }
  return event;
}

const audit = (w: LocalWarden, id: string) => getAuditRecord(id, { dynamodb: clients.dynamodb(), tableName: w.resources.tableName });

test('a rule opened in member account B is revoked in B through its spoke roles, never in the hub; the record names B', async () => {
  const w = await local.start(POLICY);
  const inB = await ec2In(B);
  const b = await openSsh(inB, 'b-ssh');
  // The hub has an open group of its own: nothing about it was reported, so it stays as it is.
  const hub = await openSsh(clients.ec2(), 'hub-ssh');
  const assumed: string[] = [];
  const recorder = { applyToStack: (stack: { add: (m: unknown, o: object) => void }) => stack.add((next: (a: { input: { RoleArn?: string; RoleSessionName?: string } }) => unknown) => (args: { input: { RoleArn?: string; RoleSessionName?: string } }) => {
    if (args.input.RoleArn) assumed.push(`${args.input.RoleArn} as ${args.input.RoleSessionName}`);
    return next(args);
  }, { step: 'initialize' }) };
  sts().middlewareStack.use(recorder as never);

  const result = await w.triage(sshEvent(B, b, 'ev-b-1'));
  expect(result.status).toBe('violation');
  const [run] = result.executions;
  const done = await w.done(run!.name);
  expect(done.path).toEqual(['LoadLiveState', 'StillViolating', 'ChooseMode', 'Apply', 'Applied', 'Verify', 'MarkFixed', 'Notify', 'Record']);
  expect(await ingress(inB, b.group)).toEqual([]);
  expect(await ingress(clients.ec2(), hub.group)).toEqual([hub.rule]);
  // Each step through its own role in B, in a session named after the run (triage's reads before there was a run).
  const session = `warden-${run!.name}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
  expect([...new Set(assumed)]).toEqual([
    `arn:aws:iam::${B}:role/warden-spoke-triage as warden-triage`,
    `arn:aws:iam::${B}:role/warden-spoke-live as ${session}`,
    `arn:aws:iam::${B}:role/warden-spoke-apply as ${session}`,
    `arn:aws:iam::${B}:role/warden-spoke-verify as ${session}`,
  ]);
  expect(await audit(w, run!.name)).toMatchObject({ outcome: 'fixed', finding: { resource: { account: B, region: REGION } } });
  expect(local.sink().received.map((r) => r.body).join('\n')).toContain(`${b.group} (${B}/${REGION})`);
});

test('an event about an account outside the deployment is refused with the reason, and nothing is started', async () => {
  const w = await local.start(POLICY);
  const outsider = await openSsh(await ec2In(OUTSIDER), 'outsider-ssh');
  await expect(w.triage(sshEvent(OUTSIDER, outsider, 'ev-out-1'))).rejects.toThrow(`refused: account ${OUTSIDER} is not one of the member accounts (MemberAccountIds)`);
  expect(w.runs.size).toBe(0);
  expect(await ingress(await ec2In(OUTSIDER), outsider.group)).toEqual([outsider.rule]);
});

test("the loop guard: B's own apply role is Warden's; a role of that name under another path, or another account's, is not", async () => {
  const w = await local.start(POLICY);
  const b = await openSsh(await ec2In(B), 'b-loop');
  const own = await w.triage(sshEvent(B, b, 'ev-loop-1', `arn:aws:iam::${B}:role/warden-spoke-apply`));
  expect(own).toMatchObject({ status: 'ignored', reason: expect.stringContaining('loop guard') });
  for (const [i, lookalike] of [`arn:aws:iam::${B}:role/team/warden-spoke-apply`, `arn:aws:iam::${C}:role/warden-spoke-apply`].entries()) {
    const r = await w.triage(sshEvent(B, b, `ev-loop-${i + 2}`, lookalike), { wait: false });
    expect(r.status).toBe('violation');
  }
});

test('a missing spoke role fails the run with a clear, recorded error, and changes nothing', async () => {
  const w = await local.start(POLICY);
  const inC = await ec2In(C);
  const c = await openSsh(inC, 'c-ssh');
  // aws-sdk-client-mock (moto's AssumeRole accepts any role): C's apply role refuses; every other call goes to moto.
  const real = new STSClient({ region: REGION, endpoint: local.moto().endpoint });
  const mock = mockClient(sts());
  mock.on(AssumeRoleCommand).callsFake(async (input: { RoleArn: string }) => {
    if (input.RoleArn === `arn:aws:iam::${C}:role/warden-spoke-apply`) {
      throw Object.assign(new Error(`User is not authorized to perform: sts:AssumeRole on resource: ${input.RoleArn}`), { name: 'AccessDenied' });
    }
    return real.send(new AssumeRoleCommand(input as never));
  });
  try {
    const result = await w.triage(sshEvent(C, c, 'ev-c-1'));
    const [run] = result.executions;
    const done = await w.done(run!.name);
    expect(done.path).toContain('NotifyFailure');
    const record = await audit(w, run!.name);
    expect(record).toMatchObject({ outcome: 'failed', finding: { resource: { account: C } } });
    expect(JSON.stringify(record)).toContain(`cannot assume arn:aws:iam::${C}:role/warden-spoke-apply (AccessDenied): deploy infra/spoke.yaml in account ${C}`);
    expect(await ingress(inC, c.group)).toEqual([c.rule]);
  } finally {
    mock.restore();
  }
});

test('the sweep covers the hub and every member account, and fixes an old exposure in C through its roles', async () => {
  const w = await local.start(POLICY);
  const inC = await ec2In(C);
  const old = await openSsh(inC, 'c-old');
  const sweep = await w.sweep({ name: 'sweep-org-1' });
  expect(sweep.run.failed).toBeUndefined();
  expect(sweep.run.path.filter((s) => s === 'SweepItem')).toHaveLength(3 * 4); // 3 accounts × 4 resource types
  expect(sweep.summary).toMatchObject({ gaps: 0 });
  expect(sweep.started).toHaveLength(1);
  expect(await ingress(inC, old.group)).toEqual([]);
  expect(await audit(w, sweep.started[0]!)).toMatchObject({ outcome: 'fixed', source: 'sweep', finding: { resource: { account: C } } });
});
