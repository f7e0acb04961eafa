// `warden sandbox`: moto with the practice account seeded, and every runbook practised against it through the real
// CLI (`warden runbook run … --endpoint`: a local Warden on the emulator, the real handlers). Nothing is mocked.
import { DescribeSecurityGroupRulesCommand } from '@aws-sdk/client-ec2';
import { DescribeTasksCommand } from '@aws-sdk/client-ecs';
import { runWarden } from '../support/cli';
import { sandboxCommand, startSandbox, type Sandbox } from '../../cli/sandbox';
import { clients } from '../../functions/aws/clients';
import { startables } from '../../functions/domain/runbooks/catalog';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
}, 60_000);
afterAll(() => sandbox?.stop());

const warden = (...args: string[]) => runWarden(args);
const run = (name: string, target: string, ...more: string[]) => warden('runbook', 'run', name, '--target', target, '--endpoint', sandbox.endpoint, ...more);
const auditId = (stdout: string) => /^ {2}audit id {3}(\S+)$/m.exec(stdout)?.[1] ?? '';
const openRules = async (group: string) =>
  ((await clients.ec2().send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [group] }] }))).SecurityGroupRules ?? [])
    .filter((r) => !r.IsEgress && r.CidrIpv4 === '0.0.0.0/0').map((r) => r.SecurityGroupRuleId);

test('it prints its endpoint, what it holds, and a command per runbook', () => {
  const text = sandbox.lines.join('\n');
  expect(text).toContain(`moto server at ${sandbox.endpoint}`);
  for (const r of startables) expect(text).toContain(`warden runbook run ${r.name} --target`);
  expect(text).toContain(`--endpoint ${sandbox.endpoint}`);
});

test('every runbook can be practised against it', async () => {
  const a = sandbox.account;
  const revoked = await run('revoke-open-ingress', a.openGroup);
  expect(revoked).toMatchObject({ code: 0, stderr: '' });
  expect(await openRules(a.openGroup)).toEqual([]);

  const restored = await run('restore-security-group-rule', auditId(revoked.stdout), '--approve-as', 'alice');
  expect(restored).toMatchObject({ code: 0, stderr: '' });
  expect(await openRules(a.openGroup)).toEqual([expect.any(String)]);

  const contained = await run('contain-ecs-task', a.task, '--approve-as', 'alice');
  expect(contained).toMatchObject({ code: 0, stderr: '' });
  expect((await clients.ecs().send(new DescribeTasksCommand({ cluster: 'payments', tasks: [a.task] }))).tasks![0]!.desiredStatus).toBe('STOPPED');

  const isolated = await run('isolate-container-instance', a.instance, '--approve-as', 'alice');
  expect(isolated).toMatchObject({ code: 0, stderr: '' });
  expect(isolated.stdout).toMatch(/outcome\s+fixed/);

  const eks = await run('eks-finding-response', a.eksCluster);
  expect(eks).toMatchObject({ code: 0, stderr: '' });
  expect(eks.stdout).toContain('platform');
}, 120_000);

test('the command holds until it is told to stop, then stops the emulator', async () => {
  let printed = '';
  let endpoint = '';
  const code = await sandboxCommand({ out: { write: (s: string) => (printed += s) } }, async () => {
    endpoint = /moto server at (\S+) /.exec(printed)?.[1] ?? '';
    expect((await fetch(`${endpoint}/moto-api/data.json`)).ok).toBe(true);
  });
  expect(code).toBe(0);
  await expect(fetch(`${endpoint}/moto-api/data.json`)).rejects.toThrow();
}, 60_000);
