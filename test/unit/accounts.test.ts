import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ownSpokeRoles, refusal, sessionName, spokeRoleArn, type AccountScope } from '../../functions/domain/accounts';
import { evaluate } from '../../functions/domain/evaluate';
import { defaultPolicy } from '../../functions/domain/policy';
import { repoRoot } from '../../local/template';
import { accountScopeOf } from '../../functions/runtime/accounts';

const HUB = '111111111111';
const single: AccountScope = { hub: HUB, hubRegion: 'eu-west-1', members: [], spokeRolePrefix: 'warden-spoke' };
const hub: AccountScope = { ...single, members: ['222222222222'] };
const org: AccountScope = { ...single, members: 'organization' };

test('a single-account deployment acts in its own account and Region only', () => {
  expect(refusal(single, { account: HUB, region: 'eu-west-1' })).toBeUndefined();
  expect(refusal(single, { account: HUB, region: 'us-east-1' })).toBe('this deployment acts in its own account in eu-west-1 only, not in us-east-1');
  expect(refusal(single, { account: '222222222222', region: 'eu-west-1' })).toMatch(/not this deployment's account .* no member accounts/);
});

test('a hub acts in its listed members in any Region, or in the accounts its organization lists', () => {
  expect(refusal(hub, { account: '222222222222', region: 'ap-south-1' })).toBeUndefined();
  expect(refusal(hub, { account: '333333333333', region: 'eu-west-1' })).toMatch(/not one of the member accounts/);
  expect(refusal(org, { account: '333333333333', region: 'eu-west-1' }, new Set(['333333333333']))).toBeUndefined();
  expect(refusal(org, { account: '444444444444', region: 'eu-west-1' }, new Set(['333333333333']))).toMatch(/not an account of the organization/);
  expect(refusal(org, { account: '333333333333', region: 'eu-west-1' })).toMatch(/could not be listed/);
});

test("the loop guard's spoke roles: the changing ones, by exact ARN in the event's account; none in the hub's own", () => {
  expect(ownSpokeRoles(hub, '222222222222')).toEqual(['apply', 'runbook', 'restore'].map((r) => `arn:aws:iam::222222222222:role/warden-spoke-${r}`));
  expect(ownSpokeRoles(hub, HUB)).toEqual([]);
  expect(ownSpokeRoles(single, '222222222222')).toEqual([]);
  expect(spokeRoleArn({ ...hub, partition: 'aws-us-gov' }, '222222222222', 'scan')).toBe('arn:aws-us-gov:iam::222222222222:role/warden-spoke-scan');
});

test('session names keep to what STS accepts', () => {
  expect(sessionName('abc:def/ghi')).toBe('warden-abc-def-ghi');
  expect(sessionName('x'.repeat(100))).toHaveLength(64);
});

test('the environment: none set, no scope; malformed values fail loudly', () => {
  expect(accountScopeOf({})).toBeUndefined();
  expect(accountScopeOf({ WARDEN_HUB_ACCOUNT: HUB, AWS_REGION: 'eu-west-1', WARDEN_MEMBER_ACCOUNTS: ' 222222222222, 333333333333 ' }))
    .toEqual({ hub: HUB, hubRegion: 'eu-west-1', members: ['222222222222', '333333333333'], spokeRolePrefix: 'warden-spoke' });
  expect(accountScopeOf({ WARDEN_HUB_ACCOUNT: HUB, AWS_REGION: 'eu-west-1', WARDEN_MEMBER_ACCOUNTS: 'organization', WARDEN_SPOKE_ROLE_PREFIX: 'acme' }))
    .toMatchObject({ members: 'organization', spokeRolePrefix: 'acme' });
  expect(() => accountScopeOf({ WARDEN_HUB_ACCOUNT: 'hub', AWS_REGION: 'eu-west-1' })).toThrow('12-digit');
  expect(() => accountScopeOf({ WARDEN_HUB_ACCOUNT: HUB, AWS_REGION: 'eu-west-1', WARDEN_MEMBER_ACCOUNTS: '12,x' })).toThrow('not account ids: 12, x');
});

describe('evaluate with the deployment accounts', () => {
  const event = (account: string) => {
    const text = readFileSync(join(repoRoot, 'events', 'cloudtrail', 'authorize-ssh-world.json'), 'utf8').split('111122223333').join(account);
    return JSON.parse(text) as unknown;
  };
  const policy = defaultPolicy();
  const here = (scope: AccountScope) => ({ ...scope, hub: '111122223333', hubRegion: 'us-east-1' });

  test('a single-account deployment ignores an event about another account, with the reason', async () => {
    const d = await evaluate(event('999988887777'), { policy, accounts: { scope: here(single) } });
    expect(d).toMatchObject({ status: 'ignored', reason: expect.stringContaining("not this deployment's: account 999988887777") });
  });

  test('a hub refuses one about an account that is no member (invalid: dead-lettered with the reason), and decides a member\'s', async () => {
    const scope = { ...here(hub), members: ['222222222222'] };
    expect(await evaluate(event('999988887777'), { policy, accounts: { scope } })).toMatchObject({ status: 'invalid', reason: expect.stringContaining('refused: account 999988887777') });
    expect(await evaluate(event('222222222222'), { policy, accounts: { scope } })).toMatchObject({ status: 'violation' });
    expect(await evaluate(event('111122223333'), { policy, accounts: { scope } })).toMatchObject({ status: 'violation' });
  });
});
