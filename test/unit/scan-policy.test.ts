// infra/scan-policy.json: generated from the scan's declared grants (functions/aws/permissions.ts SCAN_READS), and
// read-only. The scan's integration test checks every call it makes against the same file.
import { readFileSync } from 'node:fs';
import { SCAN_READS, WITHOUT_RESOURCE_LEVEL } from '../../functions/aws/permissions';
import { scanPolicyPath, scanPolicyText } from '../../scripts/gen-scan-policy';

interface Statement { Sid: string; Effect: string; Action: string[]; Resource: string[] }
const policy = JSON.parse(readFileSync(scanPolicyPath, 'utf8')) as { Version: string; Statement: Statement[] };
/** A read: Describe*, List*, Get*, BatchGet* of one service, no wildcard. */
const isRead = (action: string) => /^[a-z0-9-]+:(Describe|List|Get|BatchGet)[A-Za-z]+$/.test(action);

test('infra/scan-policy.json is up to date (run `npm run gen:scan-policy`)', () => {
  expect(readFileSync(scanPolicyPath, 'utf8')).toBe(scanPolicyText());
});

test('it allows only reads: Describe, List, Get and BatchGet actions, never a wildcard action or a Deny to rely on', () => {
  const actions = policy.Statement.flatMap((s) => s.Action);
  expect(actions.length).toBeGreaterThan(10);
  expect(actions.filter((a) => !isRead(a))).toEqual([]);
  expect(policy.Statement.every((s) => s.Effect === 'Allow')).toBe(true);
  expect(policy).toMatchObject({ Version: '2012-10-17' });
});

test('the check can fail: a write or wildcard action would be caught', () => {
  expect(['ec2:RevokeSecurityGroupIngress', 'ecs:UpdateService', 'ec2:*', 'ecs:ListTagsForResource'].map(isRead)).toEqual([false, false, false, true]);
});

test('it holds every action the scan declares, `*` only for actions without resource-level permissions', () => {
  const declared = new Set(Object.values(SCAN_READS).flat().flatMap((g) => g.actions));
  expect(new Set(policy.Statement.flatMap((s) => s.Action))).toEqual(declared);
  const onStar = policy.Statement.filter((s) => s.Resource.includes('*')).flatMap((s) => s.Action);
  expect(onStar.filter((a) => !(WITHOUT_RESOURCE_LEVEL as readonly string[]).includes(a))).toEqual([]);
  // Attachable as is: no CloudFormation substitution left in a resource.
  expect(policy.Statement.flatMap((s) => s.Resource).filter((r) => r.includes('${'))).toEqual([]);
});
