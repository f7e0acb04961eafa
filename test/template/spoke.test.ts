/**
 * infra/spoke.yaml (a member account of a hub deployment) and the hub's side of it in template.yaml: generated from
 * the same declarations as the hub's functions, the same least privilege, each role assumable only by its hub
 * function's role inside the organization, and only the restore role may add access.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SPOKE_ROLES, type SpokeRole } from '../../functions/domain/accounts';
import { triageRules } from '../../functions/domain/triage-rules';
import { functions, isObject, loadTemplate, parseTemplate, policyStatements, repoRoot, type Json } from '../../local/template';
import { generatedSpoke, generatedTemplate, hubRoleParameter } from '../../scripts/gen-template';

const spokeText = readFileSync(resolve(repoRoot, 'infra/spoke.yaml'), 'utf8');
const spoke = parseTemplate(spokeText);
const hub = loadTemplate();
const hubFns = new Map(functions(hub).map((f) => [f.logicalId, f]));

type Resource = { Type: string; Condition?: string; Properties: Record<string, Json> };
const resources = (t: { Resources: object }) => Object.entries(t.Resources) as [string, Resource][];
const spokeRoles = resources(spoke).filter(([id, r]) => r.Type === 'AWS::IAM::Role' && id !== 'ForwardRole');
const roleOf = (role: SpokeRole) =>
  spokeRoles.find(([, r]) => (r.Properties.RoleName as { 'Fn::Sub'?: string })['Fn::Sub'] === `\${SpokeRolePrefix}-${role}`)!;
const actionsOf = (r: Resource): string[] =>
  [...new Set((r.Properties.Policies as Json[]).flatMap((p) => policyStatements([(p as { PolicyDocument: Json }).PolicyDocument]).statements.flatMap((s) => s.Action)))].sort();

test('its generated sections are up to date (npm run gen:template)', () => {
  expect(generatedSpoke(spokeText)).toBe(spokeText);
  const hubText = readFileSync(resolve(repoRoot, 'template.yaml'), 'utf8');
  expect(generatedTemplate(hubText)).toBe(hubText);
});

test('one role per hub function that reads or changes a member account, each made in the roles Region only', () => {
  expect(spokeRoles).toHaveLength(Object.keys(SPOKE_ROLES).length);
  for (const role of Object.keys(SPOKE_ROLES) as SpokeRole[]) {
    const [, r] = roleOf(role);
    expect(r.Condition).toBe('CreateRoles');
    expect(r.Properties.RoleName).toEqual({ 'Fn::Sub': `\${SpokeRolePrefix}-${role}` });
  }
});

test.each(Object.entries(SPOKE_ROLES) as [SpokeRole, string][])('the %s role trusts only the hub role of %s, inside the organization', (role) => {
  const [, r] = roleOf(role);
  expect(r.Properties.AssumeRolePolicyDocument).toEqual({
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Allow', Principal: { AWS: { Ref: hubRoleParameter(role) } }, Action: ['sts:AssumeRole', 'sts:TagSession'],
      Condition: { StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } } },
    }],
  });
});

test.each(Object.entries(SPOKE_ROLES) as [SpokeRole, string][])('the %s role holds only actions its hub function %s holds (the same least privilege)', (role, fn) => {
  const hubActions = new Set(policyStatements(hubFns.get(fn)!.properties.Policies as Json).statements.flatMap((s) => s.Action));
  const mine = actionsOf(roleOf(role)[1]);
  expect(mine.length).toBeGreaterThan(0);
  expect(mine.filter((a) => !hubActions.has(a))).toEqual([]);
  // Nothing of the hub's own stack: its tables, bus, queues and parameter stay in the hub.
  expect(mine.filter((a) => /^(dynamodb|events|sqs|ssm|states|securityhub):/.test(a))).toEqual([]);
});

test('only the restore role can add access, as in the hub', () => {
  const adding = ['ec2:AuthorizeSecurityGroupIngress', 'ec2:AuthorizeSecurityGroupEgress', 'ec2:ModifySecurityGroupRules', 'ec2:UpdateSecurityGroupRuleDescriptionsIngress'];
  const holders = spokeRoles.filter(([, r]) => actionsOf(r).some((a) => adding.includes(a))).map(([id]) => id);
  expect(holders).toEqual([roleOf('restore')[0]]);
  expect(actionsOf(roleOf('restore')[1]).filter((a) => adding.includes(a))).toEqual(['ec2:AuthorizeSecurityGroupIngress']);
});

test('the reading roles (triage, re-check, verify, scan) only read', () => {
  for (const role of ['triage', 'live', 'verify', 'scan'] as const) {
    expect(actionsOf(roleOf(role)[1]).filter((a) => !/^[a-z0-9-]+:(Describe|List|Get|BatchGet)[A-Za-z]*$/.test(a))).toEqual([]);
  }
});

test("it forwards exactly the hub's triage rules' events to the hub's bus, with a dead-letter queue", () => {
  const rules = resources(spoke).filter(([, r]) => r.Type === 'AWS::Events::Rule');
  expect(rules.map(([id]) => id).sort()).toEqual(triageRules().map((r) => `Forward${r.id}`).sort());
  for (const [id, r] of rules) {
    const rule = triageRules().find((x) => `Forward${x.id}` === id)!;
    expect(r.Properties.EventPattern).toEqual(rule.pattern);
    expect(r.Properties.Targets).toEqual([expect.objectContaining({
      Arn: { Ref: 'HubEventBusArn' }, DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['ForwardDeadLetterQueue', 'Arn'] } },
    })]);
  }
});

describe('the hub', () => {
  const access = resources(hub).filter(([, r]) => r.Type === 'AWS::IAM::Policy');

  test('may assume each spoke role from its own function only, inside the organization, and only when it is a hub', () => {
    for (const [role, fn] of Object.entries(SPOKE_ROLES)) {
      const [, r] = access.find(([, p]) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: `${fn}Role` }]))!;
      expect(r.Condition).toBe('IsHub');
      const assume = policyStatements([r.Properties.PolicyDocument as Json]).statements.filter((s) => s.Action.includes('sts:AssumeRole'));
      expect(assume).toEqual([expect.objectContaining({
        Resource: [{ 'Fn::Sub': `arn:\${AWS::Partition}:iam::*:role/\${SpokeRolePrefix}-${role}` }],
        Condition: { StringEquals: { 'aws:ResourceOrgID': { Ref: 'OrganizationId' } } },
      })]);
    }
  });

  test('no function may assume a role in a single-account deployment (no sts:AssumeRole outside the IsHub policies)', () => {
    const inFunctions = functions(hub).flatMap((f) => policyStatements(f.properties.Policies as Json).statements).filter((s) => s.Action.some((a) => a.startsWith('sts:')));
    expect(inFunctions).toEqual([]);
    expect(access.every(([, r]) => r.Condition === 'IsHub')).toBe(true);
  });

  test("its default bus takes events from the organization's accounts only, and only in a hub", () => {
    const [, policy] = resources(hub).find(([, r]) => r.Type === 'AWS::Events::EventBusPolicy')!;
    expect(policy.Condition).toBe('IsHub');
    expect(policy.Properties.Statement).toMatchObject({ Action: 'events:PutEvents', Condition: { StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } } } });
  });

  test('names its member accounts and organization in every function (runtime/accounts.ts), and requires the organization of a hub', () => {
    for (const f of functions(hub)) expect(f.env).toMatchObject({ WARDEN_HUB_ACCOUNT: { Ref: 'AWS::AccountId' }, WARDEN_MEMBER_ACCOUNTS: { Ref: 'MemberAccountIds' } });
    const rules = (hub as { Rules?: Json }).Rules;
    expect(isObject(rules) && JSON.stringify(rules)).toContain('OrganizationId');
  });
});
