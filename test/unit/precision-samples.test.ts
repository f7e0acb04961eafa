// Each precision case, decided by `warden evaluate --json` on its sample in events/ (offline, default policy).
import { main } from '../../cli/warden';

async function evaluateJson(file: string) {
  let stdout = '';
  const code = await main(['evaluate', `events/${file}`, '--json'], { write: (s: string) => ((stdout += s), true) } as never, { write: () => true } as never);
  expect(code).toBe(0);
  return (JSON.parse(stdout) as { status: string; reason?: string; findings: { control: string; remediation: { action: string; mode: string; targets: string[] } }[] }[])[0]!;
}
const modes = (r: Awaited<ReturnType<typeof evaluateJson>>) => r.findings.map((f) => [f.control, f.remediation.mode, f.remediation.targets.length]);

describe('world-open is any public reach', () => {
  test.each([
    ['cloudtrail/reach-ssh-two-halves.json', 2],
    ['cloudtrail/reach-ssh-one-half.json', 1],
    ['cloudtrail/reach-ssh-four-quarters.json', 4],
    ['cloudtrail/reach-ssh-ipv6-half.json', 1],
    ['cloudtrail/reach-ssh-ipv6-global-unicast.json', 1],
    ['cloudtrail/reach-ssh-ipv4-mapped.json', 1],
  ])('%s: every contributing rule revoked automatically', async (file, rules) => {
    const r = await evaluateJson(file);
    expect(r.status).toBe('violation');
    expect(modes(r)).toEqual([['sg-world-open-ingress', 'auto', rules]]);
  });
  test('a public /9 is below the threshold', async () => expect((await evaluateJson('cloudtrail/reach-ssh-public-slash9.json')).status).toBe('compliant'));
  test('a range that is not a CIDR is invalid, with the range named', async () => {
    const r = await evaluateJson('invalid/authorize-invalid-cidr.json');
    expect([r.status, r.reason]).toEqual(['invalid', 'not a valid CIDR: "0.0.0.0/33"']);
  });
});

describe('never break a working front end', () => {
  test('ICMP echo from anywhere is notified, never revoked; all ICMP follows the control', async () => {
    expect(modes(await evaluateJson('cloudtrail/reach-icmp-echo-world.json'))).toEqual([['sg-world-open-ingress', 'notify', 1]]);
    expect(modes(await evaluateJson('cloudtrail/reach-icmp-all-world.json'))).toEqual([['sg-world-open-ingress', 'auto', 1]]);
  });
  test('tcp/443 to the world on an untagged group is not revoked on a guess: offline it needs live state', async () => {
    const r = await evaluateJson('cloudtrail/authorize-https-world.json');
    expect(r.status).toBe('ignored');
    expect(r.reason).toMatch(/^needs live state: .*public front end/);
  });
});

describe('every documented request form', () => {
  test.each([
    ['cloudtrail/authorize-flat-ssh-world.json', 'violation'],
    ['cloudtrail/authorize-flat-group-source.json', 'compliant'],
    ['cloudtrail/authorize-response-only.json', 'violation'],
    ['cloudtrail/authorize-request-disagrees.json', 'violation'],
  ])('%s → %s', async (file, status) => expect((await evaluateJson(file)).status).toBe(status));
});

describe('task definitions and task runs', () => {
  test.each([
    ['cloudtrail/ecs-register-task-definition-sys-admin.json', [['ecs-task-privileged', 'approval', 1]]],
    ['cloudtrail/ecs-register-task-definition-cap-all.json', [['ecs-task-privileged', 'approval', 1]]],
    ['cloudtrail/ecs-register-task-definition-net-admin.json', [['ecs-task-dangerous-capabilities', 'notify', 1]]],
    ['cloudtrail/ecs-register-task-definition-host-device.json', [['ecs-task-dangerous-capabilities', 'notify', 1]]],
    ['cloudtrail/ecs-run-task-override-secret.json', [['ecs-task-env-secrets', 'notify', 1]]],
  ])('%s', async (file, expected) => expect(modes(await evaluateJson(file))).toEqual(expected));
  test('secret-like names holding obvious settings are not secrets', async () =>
    expect((await evaluateJson('cloudtrail/ecs-register-task-definition-env-settings.json')).status).toBe('compliant'));
});

describe('GuardDuty on EKS', () => {
  test('a runtime finding on a node running on EC2: isolate the node (approval) and respond on the cluster', async () => {
    const r = await evaluateJson('guardduty/eks-runtime-crypto-miner.json');
    expect(r.findings.map((f) => [f.remediation.action, f.remediation.mode])).toEqual([['isolate-container-instance', 'approval'], ['eks-finding-response', 'auto']]);
  });
  test('a Fargate pod has no node to isolate: the kubectl plan only', async () => {
    const r = await evaluateJson('guardduty/eks-audit-fargate-pod-credentials.json');
    expect(r.findings.map((f) => f.remediation.action)).toEqual(['eks-finding-response']);
  });
});
