// The policy as a document, against moto server (no mocks): `warden policy push` writes a new version of the SSM
// parameter; triage and the runbook Start step read it through Powertools Parameters and use it once their cache
// period is over (the period is counted on a clock the test moves: no sleeps); every audit record names the version
// its run used. A broken version is never applied: the last good one stays, and a cold start on it fails closed.
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatRecord } from '../../cli/audit';
import { policyCommand, ssmPolicyStore } from '../../cli/policy';
import { getAuditRecord } from '../../functions/audit/get';
import { clients } from '../../functions/aws/clients';
import { documentHash } from '../../functions/domain/policy/version';
import type { RemediationRecord } from '../../functions/domain/remediation';
import { POLICY_REJECTED, resetDeployedPolicy } from '../../functions/runtime/deployed-policy';
import { allow, createGroup, createVpc, ingressRuleIds, tcp } from '../../local/sandbox';
import { startLocalWarden, type LocalWarden } from '../../local/warden-local';
import { captureOutput } from '../support/capture';
import { useMoto } from '../support/emulator';

const moto = useMoto();
const ACCOUNT = '123456789012';
let now = Date.parse('2026-06-01T12:00:00Z');
const clock = () => now;
const dir = mkdtempSync(join(tmpdir(), 'warden-policy-'));

/** The CloudTrail sample of a world-open SSH rule, about a group and rule of the emulator. */
const sshEvent = (groupId: string, ruleId: string): unknown => {
  const text = readFileSync('events/cloudtrail/authorize-ssh-world.json', 'utf8').split('111122223333').join(ACCOUNT)
    .split('sg-0a11c0ffee0000001').join(groupId).split('sgr-0a11c0ffee00000a1').join(ruleId);
  return JSON.parse(text);
};

/** A group with SSH open to the world, triaged: the audit record of its run. */
async function triageOpenSsh(w: LocalWarden, name: string): Promise<{ groupId: string; record: RemediationRecord }> {
  const groupId = await createGroup(await createVpc(), name);
  const rule = await allow(groupId, tcp(22, '0.0.0.0/0'));
  const result = await w.triage(sshEvent(groupId, rule));
  expect(result.executions).toHaveLength(1);
  return { groupId, record: (await audit(w, result.executions[0]!.name))! };
}
const audit = (w: LocalWarden, id: string) => getAuditRecord(id, { dynamodb: clients.dynamodb(), tableName: w.resources.tableName });

/** `warden policy push FILE --parameter NAME --endpoint URL`: its exit code and output. */
async function push(w: LocalWarden, policy: unknown): Promise<{ code: number; out: string }> {
  const file = join(dir, `policy-${Math.random().toString(16).slice(2)}.yaml`);
  writeFileSync(file, JSON.stringify(policy));
  let out = '';
  const code = await policyCommand(['push', file, '--parameter', w.resources.policyParameter, '--endpoint', moto().endpoint], {
    store: ssmPolicyStore, out: { write: (s: string) => (out += s) }, err: { write: (s: string) => (out += s) },
  });
  return { code, out };
}

/** The "policy rejected" log lines in captured output. */
const rejected = (out: string) => out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>)
  .filter((l) => l.message === POLICY_REJECTED);

const start = (policy: unknown) => startLocalWarden({ policy: policy as never, policyClock: clock });

test('a pushed policy takes effect after the cache period, without a redeploy; each record names the version it used', async () => {
  const w = await start({ defaults: { mode: 'dry-run' } });
  const first = await triageOpenSsh(w, 'first');
  expect(first.record).toMatchObject({ outcome: 'dry-run', mode: 'dry-run' });
  expect(first.record.policyVersion).toEqual({
    parameter: '/warden/warden/policy', version: 1, hash: documentHash('{"defaults":{"mode":"dry-run"}}'), status: 'current',
  });

  const pushed = await push(w, { defaults: { mode: 'auto' } });
  expect(pushed.code).toBe(0);
  expect(pushed.out).toMatch(/^pushed .* to \/warden\/warden\/policy: version 2 \(sha256 [0-9a-f]{64}, 28 bytes\)/);

  // Within the cache period the functions still use version 1.
  now += 59_000;
  const cached = await triageOpenSsh(w, 'cached');
  expect([cached.record.outcome, cached.record.policyVersion?.version]).toEqual(['dry-run', 1]);
  expect(await ingressRuleIds(cached.groupId)).toHaveLength(1);

  // Once it is over, version 2: the rule is revoked, and the record says which policy decided it.
  now += 1_000;
  const after = await triageOpenSsh(w, 'after');
  expect(after.record).toMatchObject({ outcome: 'fixed', mode: 'auto' });
  expect(after.record.policyVersion).toEqual({ parameter: '/warden/warden/policy', version: 2, hash: documentHash('{"defaults":{"mode":"auto"}}'), status: 'current' });
  expect(await ingressRuleIds(after.groupId)).toEqual([]);
  expect(formatRecord(after.record)).toMatch(/^policy +\/warden\/warden\/policy v2 \(sha256 [0-9a-f]{12}\)$/m);
  // A top-level attribute of the audit item too, to find the runs a version decided.
  const item = (await clients.dynamodb().send(new GetItemCommand({ TableName: w.resources.tableName, Key: { id: { S: after.record.id } } }))).Item;
  expect([item?.policyVersion, item?.policyStatus]).toEqual([{ N: '2' }, { S: 'current' }]);
});

test('a broken version (written around the CLI) is never applied: the last good one stays; a cold start on it fails closed to dry-run', async () => {
  const w = await start({});
  expect((await triageOpenSsh(w, 'good')).record).toMatchObject({ outcome: 'fixed', policyVersion: { version: 1, status: 'current' } });

  // Half valid (a stricter mode), half not (a timeout below the minimum): none of it applies.
  const broken = '{"defaults":{"mode":"approval"},"approvals":{"timeoutSeconds":1}}';
  await clients.ssm().send(new PutParameterCommand({ Name: w.resources.policyParameter, Value: broken, Type: 'String', Overwrite: true }));
  now += 60_000;
  let kept!: Awaited<ReturnType<typeof triageOpenSsh>>;
  // The refusal is logged as the line the template's metric filters count (PolicyRejectedAlarm).
  expect(rejected(await captureOutput(async () => {
    kept = await triageOpenSsh(w, 'kept');
  }))).toEqual([expect.objectContaining({ level: 'ERROR', using: expect.stringMatching(/^the last good version/) })]);
  expect(kept.record).toMatchObject({ outcome: 'fixed', mode: 'auto' });
  expect(kept.record.policyVersion).toMatchObject({
    version: 1, status: 'last-good', rejected: { version: 2, hash: documentHash(broken) }, problem: expect.stringMatching(/v2 .* is invalid: .*approvals\.timeoutSeconds/),
  });

  // A new container (cold start) has no good version: every mode is dry-run, and the run says why.
  resetDeployedPolicy({ now: clock });
  let cold!: Awaited<ReturnType<typeof triageOpenSsh>>;
  expect(rejected(await captureOutput(async () => {
    cold = await triageOpenSsh(w, 'cold');
  }))).toEqual([expect.objectContaining({ using: 'none: failing closed, every mode dry-run' })]);
  expect(cold.record).toMatchObject({ outcome: 'dry-run', mode: 'dry-run', policyVersion: { status: 'fail-closed', rejected: { version: 2 } } });
  expect(cold.record.modeReasons).toContainEqual(expect.stringMatching(/^no valid policy \(.*v2 .* is invalid: .*\): failing closed → dry-run$/));
  expect(await ingressRuleIds(cold.groupId)).toHaveLength(1);

  // A hand start too, although a responder's request is not held back by the policy's modes (decision 50).
  const run = w.runbook('revoke-open-ingress', { target: cold.groupId, requestedBy: 'alice' });
  await run.done;
  const record = (await audit(w, run.name))!;
  expect(record).toMatchObject({ outcome: 'dry-run', mode: 'dry-run', policyVersion: { status: 'fail-closed' } });
  expect(record.modeReasons).toContainEqual(expect.stringMatching(/failing closed → dry-run$/));
  expect(await ingressRuleIds(cold.groupId)).toHaveLength(1);
  expect(formatRecord(record)).toMatch(/^policy +none valid: failed closed to dry-run \(/m);

  // Fixed with a push: the next period uses it.
  expect((await push(w, { defaults: { mode: 'auto' } })).code).toBe(0);
  now += 60_000;
  expect((await triageOpenSsh(w, 'fixed')).record).toMatchObject({ outcome: 'fixed', policyVersion: { version: 3, status: 'current' } });
});

test('a runbook started by hand records the version its Start step read', async () => {
  const w = await start({ defaults: { mode: 'notify' } });
  const groupId = await createGroup(await createVpc(), 'by-hand');
  await allow(groupId, tcp(22, '0.0.0.0/0'));
  const run = w.runbook('revoke-open-ingress', { target: groupId, requestedBy: 'alice' });
  await run.done;
  const record = (await audit(w, run.name))!;
  expect(record.policyVersion).toEqual({ parameter: '/warden/warden/policy', version: 1, hash: documentHash('{"defaults":{"mode":"notify"}}'), status: 'current' });
});
