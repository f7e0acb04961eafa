// Writes infra/scan-policy.json, the IAM policy `warden scan` needs, from the grants its readers declare
// (functions/aws/permissions.ts SCAN_READS). Run: npm run gen:scan-policy (part of npm run gen).
// test/unit/scan-policy.test.ts fails when it is stale or allows anything but Describe, List, Get and BatchGet.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SCAN_READS } from '../functions/aws/permissions';
import { statementsOf } from './iam-policies';

export const scanPolicyPath = fileURLToPath(new URL('../infra/scan-policy.json', import.meta.url));

/**
 * The declared ARN patterns (CloudFormation `${AWS::…}` syntax) made attachable as they are: any partition, Region
 * and account (`*` in those segments), since one scan reads every Region it is given.
 */
const anyWhere = (resource: string): string => resource.replace(/\$\{AWS::(Partition|Region|AccountId)\}/g, '*');

export function scanPolicyText(): string {
  const owned = Object.entries(SCAN_READS).flatMap(([by, grants]) => grants.map((grant) => ({ by, grant })));
  const Statement = statementsOf(owned).map((s) => ({
    Sid: s.Sid, Effect: 'Allow', Action: s.Action, Resource: s.Resource.map(anyWhere), ...(s.Condition ? { Condition: s.Condition } : {}),
  }));
  return `${JSON.stringify({ Version: '2012-10-17', Statement }, null, 2)}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const next = scanPolicyText();
  let text = '';
  try {
    text = readFileSync(scanPolicyPath, 'utf8');
  } catch {
    /* first run */
  }
  if (next !== text) writeFileSync(scanPolicyPath, next);
  console.log(next === text ? 'infra/scan-policy.json: up to date' : 'infra/scan-policy.json: rewritten');
}
