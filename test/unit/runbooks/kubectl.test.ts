// The kubectl commands of eks-finding-response (pure). Quoting is checked by running the commands through a real
// POSIX shell, with `kubectl` replaced by a shell function that prints a fixture; the jq selectors run in real jq
// (those tests are skipped when jq is not installed).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GuardDutyFacts } from '../../../functions/domain/model';
import { commandLines, kubectlNodePlan, kubectlPlan, kubectlSteps, printable, shellQuote, type KubectlPlan } from '../../../functions/domain/runbooks/kubectl';
import { normalize } from '../../../functions/domain/events';
import { sample } from '../events/fixtures';

const CLUSTER = { name: 'platform', region: 'us-east-1' };
const K = "kubectl --context 'warden-platform'";

const factsOf = (file: string): GuardDutyFacts => {
  const n = normalize(sample(file));
  if (n.kind !== 'observation' || n.observation.facts.kind !== 'guardduty-finding') throw new Error(`${file} is not a GuardDuty observation`);
  return n.observation.facts.finding;
};
const facts = (over: Partial<GuardDutyFacts>): GuardDutyFacts => ({
  id: 'c0ffee', type: 'Execution:Runtime/ReverseShell', severity: 8, resourceType: 'EKSCluster', clusterName: 'platform', ...over,
});
const commandsOf = (p: KubectlPlan) => p.commands.map((c) => c.command);
const commandFor = (p: KubectlPlan, purpose: RegExp): string => {
  const c = p.commands.find((x) => purpose.test(x.purpose));
  if (!c) throw new Error(`no command for ${purpose}: ${p.commands.map((x) => x.purpose).join(' | ')}`);
  return c.command;
};

/** Run a script in sh with `kubectl` printing `fixture` (JSON), in a scratch directory; stdout and the files left there. */
function sh(script: string, fixture: unknown = {}): { out: string; files: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'warden-kubectl-'));
  writeFileSync(join(dir, 'fixture.json'), JSON.stringify(fixture));
  const out = execFileSync('sh', ['-c', `kubectl() { cat fixture.json; }\n${script}`], { cwd: dir, encoding: 'utf8' });
  return { out, files: readdirSync(dir).filter((f) => f !== 'fixture.json') };
}
const hasJq = spawnSync('jq', ['--version']).status === 0;
const withJq = hasJq ? test : test.skip;

const HOSTILE = [
  "it's",
  '$(touch pwned)',
  '`touch pwned`',
  "'; touch pwned; echo '",
  '"; touch pwned; "',
  'a\\b $HOME *',
  "x'\n touch pwned\n'",
  'line\r\nbreak\u2028sep\u202eevil',
];

describe('shellQuote', () => {
  test.each(HOSTILE)('%j is one literal word in sh, and nothing runs', (value) => {
    const { out, files } = sh(`printf '%s|' ${shellQuote(value)}`);
    expect(out).toBe(`${printable(value)}|`);
    expect(files).toEqual([]);
  });

  test('no newline, carriage return, separator or bidi override survives', () => {
    expect(shellQuote('a\nb\rc\u2028d\u2029e\u202ef\u0000g\u200bh')).toBe("'a?b?c?d?e?f?g?h'");
  });
});

describe('kubectlPlan: a runtime finding on a pod (events/guardduty/eks-runtime-crypto-miner.json)', () => {
  const plan = kubectlPlan(CLUSTER, factsOf('guardduty/eks-runtime-crypto-miner.json'));
  const pod = "-n 'reporting' get pod 'reports-7d9c5b6f4-x2x8k'";

  test('kubeconfig, inspect, logs, owner, node from the finding\'s instance, cordon, drain, delete: in that order', () => {
    expect(commandsOf(plan)).toEqual([
      "aws eks update-kubeconfig --name 'platform' --region 'us-east-1' --alias 'warden-platform'",
      `${K} ${pod} -o yaml`,
      `${K} -n 'reporting' logs 'reports-7d9c5b6f4-x2x8k' --all-containers --timestamps`,
      `${K} ${pod} -o jsonpath='{.metadata.ownerReferences[*].kind} {.metadata.ownerReferences[*].name}'`,
      `NODE=$(${K} get nodes -o json | jq -r --arg id 'i-0a11c0ffee0000002' '.items[] | select((.spec.providerID // "") | endswith("/" + $id)) | .metadata.name')`,
      `${K} cordon "$NODE"`,
      `${K} drain "$NODE" --ignore-daemonsets --delete-emptydir-data`,
      `${K} -n 'reporting' delete pod 'reports-7d9c5b6f4-x2x8k'`,
    ]);
    expect(plan.object).toBe('reporting/pods/reports-7d9c5b6f4-x2x8k');
    expect(plan.actor).toBeUndefined();
  });

  test('it says the finding names no user', () => {
    expect(plan.unknown).toEqual([expect.stringContaining('names no Kubernetes user')]);
  });
});

describe('kubectlPlan: an audit-log finding (events/guardduty/eks-audit-anonymous-access.json)', () => {
  const g = factsOf('guardduty/eks-audit-anonymous-access.json');
  const plan = kubectlPlan(CLUSTER, g);

  test('bindings of the actor (user as jq data), access entries, anonymous bindings, delete templates; no workload, no node', () => {
    const cmds = commandsOf(plan);
    expect(cmds[1]).toMatch(/^kubectl --context 'warden-platform' get rolebindings,clusterrolebindings -A -o json \| jq -r --arg user 'arn:aws:sts::111122223333:assumed-role\/platform-admin\/bob' '/);
    expect(cmds).toContain("aws eks list-access-entries --cluster-name 'platform' --region 'us-east-1'");
    expect(commandFor(plan, /anonymous/)).toContain('"system:unauthenticated"');
    expect(cmds).toContain(`${K} delete clusterrolebinding "$BINDING"`);
    expect(cmds).toContain(`${K} -n "$BINDING_NS" delete rolebinding "$BINDING"`);
    expect(cmds.some((c) => /cordon|drain|scale| delete pod/.test(c))).toBe(false);
    expect(plan.actor).toBe(g.kubernetesUser);
  });

  test('it says what it cannot: no workload, which binding, no node', () => {
    expect(plan.unknown).toEqual([
      expect.stringContaining('names no workload'),
      expect.stringContaining('which binding grants the access'),
      expect.stringContaining('no node to cordon'),
    ]);
  });
});

describe('kubectlPlan: the workload decides how it is stopped', () => {
  test.each([
    ['deployments/web', `${K} -n 'apps' scale deployment 'web' --replicas=0`],
    ['StatefulSet/db', `${K} -n 'apps' scale statefulset 'db' --replicas=0`],
    ['daemonsets/agent', `${K} -n 'apps' delete daemonset 'agent'`],
    ['jobs/once', `${K} -n 'apps' delete job 'once'`],
    ['cronjobs/nightly', `${K} -n 'apps' patch cronjob 'nightly' -p '{"spec":{"suspend":true}}'`],
  ])('%s', (workload, last) => {
    const plan = kubectlPlan(CLUSTER, facts({ kubernetesNamespace: 'apps', kubernetesWorkload: workload }));
    expect(commandsOf(plan).at(-1)).toBe(last);
    expect(commandsOf(plan)).not.toContainEqual(expect.stringContaining('NODE='));
  });

  test('a name the API server would refuse gets no command, only a note', () => {
    const plan = kubectlPlan(CLUSTER, facts({ kubernetesNamespace: 'apps', kubernetesWorkload: 'pods/x;touch pwned' }));
    expect(commandsOf(plan)).toEqual([expect.stringContaining('update-kubeconfig')]);
    expect(plan.unknown[0]).toMatch(/not a valid Kubernetes name/);
    const other = kubectlPlan(CLUSTER, facts({ kubernetesNamespace: 'Apps', kubernetesWorkload: 'pods/web' }));
    expect(other.unknown[0]).toMatch(/not a valid Kubernetes name/);
    const kind = kubectlPlan(CLUSTER, facts({ kubernetesNamespace: 'apps', kubernetesWorkload: 'widgets/web' }));
    expect(kind.unknown[0]).toMatch(/type 'widgets' is not one these commands handle/);
  });

  test('an instance finding: the node by instance id, the pods on it; no workload to stop', () => {
    const plan = kubectlPlan(CLUSTER, factsOf('guardduty/ec2-eks-node.json'));
    expect(commandsOf(plan).slice(1)).toEqual([
      `NODE=$(${K} get nodes -o json | jq -r --arg id 'i-0a11c0ffee0000001' '.items[] | select((.spec.providerID // "") | endswith("/" + $id)) | .metadata.name')`,
      `${K} get pods -A -o wide --field-selector "spec.nodeName=$NODE"`,
      `${K} cordon "$NODE"`,
      `${K} drain "$NODE" --ignore-daemonsets --delete-emptydir-data`,
    ]);
    expect(plan.unknown[0]).toMatch(/about the host, not a workload/);
  });
});

describe('kubectlPlan: hostile values', () => {
  const user = "eve'; touch pwned; echo '\n$(touch pwned2)";
  const plan = kubectlPlan(CLUSTER, facts({ kubernetesUser: user, kubernetesNamespace: 'apps', kubernetesWorkload: 'pods/web' }));

  test('no command and no step carries a newline, and the actor is shown with it replaced', () => {
    for (const line of [...commandsOf(plan), ...kubectlSteps(plan)]) expect(line).not.toMatch(/[\n\r\u2028\u2029]/);
    expect(plan.actor).toBe("eve'; touch pwned; echo '?$(touch pwned2)");
    expect(plan.unknown).toContainEqual(expect.stringContaining('control or invisible characters'));
  });

  withJq('the bindings command runs as one pipeline: nothing is executed, nothing matches the altered name', () => {
    const bindings = { items: [{ kind: 'ClusterRoleBinding', metadata: { name: 'eve-admin' }, subjects: [{ kind: 'User', name: user }] }] };
    const { out, files } = sh(commandFor(plan, /RoleBindings and ClusterRoleBindings/), bindings);
    expect(files).toEqual([]);
    expect(out).toBe('');
  });
});

withJq('the bindings selector finds users and service accounts by their user name, and nothing else', () => {
  const bindings = {
    kind: 'List',
    items: [
      { kind: 'ClusterRoleBinding', metadata: { name: 'bob-admin' }, subjects: [{ kind: 'User', name: "bob's $(laptop)" }] },
      { kind: 'RoleBinding', metadata: { name: 'bob-edit', namespace: 'apps' }, subjects: [{ kind: 'Group', name: 'devs' }, { kind: 'User', name: "bob's $(laptop)" }] },
      { kind: 'RoleBinding', metadata: { name: 'bob-as-group', namespace: 'apps' }, subjects: [{ kind: 'Group', name: "bob's $(laptop)" }] },
      { kind: 'RoleBinding', metadata: { name: 'ci-deployer', namespace: 'ci' }, subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: 'ci' }] },
      { kind: 'ClusterRoleBinding', metadata: { name: 'no-subjects' } },
    ],
  };
  const bob = kubectlPlan(CLUSTER, facts({ kubernetesUser: "bob's $(laptop)" }));
  expect(sh(commandFor(bob, /RoleBindings and ClusterRoleBindings/), bindings)).toEqual({ out: 'ClusterRoleBinding - bob-admin\nRoleBinding apps bob-edit\n', files: [] });
  const sa = kubectlPlan(CLUSTER, facts({ kubernetesUser: 'system:serviceaccount:ci:deployer' }));
  expect(sh(commandFor(sa, /RoleBindings and ClusterRoleBindings/), bindings).out).toBe('RoleBinding ci ci-deployer\n');
});

withJq('the node lookup names the node whose providerID ends in the instance id', () => {
  const nodes = {
    items: [
      { metadata: { name: 'ip-10-0-1-7.ec2.internal' }, spec: { providerID: 'aws:///us-east-1a/i-0a11c0ffee0000009' } },
      { metadata: { name: 'ip-10-0-1-23.ec2.internal' }, spec: { providerID: 'aws:///us-east-1a/i-0a11c0ffee0000001' } },
      { metadata: { name: 'fargate-node' }, spec: {} },
    ],
  };
  const plan = kubectlPlan(CLUSTER, factsOf('guardduty/ec2-eks-node.json'));
  expect(sh(`${commandFor(plan, /node of instance/)}\nprintf '%s' "$NODE"`, nodes).out).toBe('ip-10-0-1-23.ec2.internal');
});

test('a hand start: templates over variables the responder sets, and it says so', () => {
  const plan = kubectlPlan(CLUSTER, undefined);
  const cmds = commandsOf(plan);
  expect(cmds).toContain(`${K} -n "$NS" get "$KIND" "$NAME" -o yaml`);
  expect(cmds).toContainEqual(expect.stringContaining('--arg user "$K8S_USER"'));
  expect(cmds).toContain(`${K} cordon "$NODE"`);
  expect(cmds.at(-1)).toBe(`${K} -n "$NS" scale "$KIND" "$NAME" --replicas=0`);
  expect(plan.unknown).toEqual([expect.stringMatching(/hand start\): set NS, KIND, NAME, K8S_USER and NODE/)]);
});

test('kubectlSteps: what the finding names (quoted), numbered commands, then what Warden cannot say', () => {
  const plan = kubectlPlan(CLUSTER, facts({ kubernetesUser: 'bob', kubernetesNamespace: 'apps', kubernetesWorkload: 'pods/web' }));
  const steps = kubectlSteps(plan);
  expect(steps[0]).toBe(
    "Warden changes nothing in the cluster (it has no cluster credentials, by design). The finding names: object 'apps/pods/web', actor 'bob'. Run these yourself:",
  );
  expect(steps.slice(1, 1 + plan.commands.length)).toEqual(plan.commands.map((c, i) => `${i + 1}. ${c.purpose}: ${c.command}`));
  expect(steps.slice(1 + plan.commands.length)).toEqual(plan.unknown.map((u) => `Warden cannot say: ${u}`));
  expect(plan.unknown.length).toBeGreaterThan(0);
});

describe('kubectlNodePlan: the cordon and drain isolate-container-instance gives for an EKS node', () => {
  test('kubeconfig, the node of the instance, its pods, cordon, drain: in that order', () => {
    const plan = kubectlNodePlan(CLUSTER, 'i-0a11c0ffee0000002');
    expect(plan).toMatchObject({ instanceId: 'i-0a11c0ffee0000002', unknown: [] });
    expect(commandsOf(plan)).toEqual([
      "aws eks update-kubeconfig --name 'platform' --region 'us-east-1' --alias 'warden-platform'",
      `NODE=$(${K} get nodes -o json | jq -r --arg id 'i-0a11c0ffee0000002' '.items[] | select((.spec.providerID // "") | endswith("/" + $id)) | .metadata.name')`,
      `${K} get pods -A -o wide --field-selector "spec.nodeName=$NODE"`,
      `${K} cordon "$NODE"`,
      `${K} drain "$NODE" --ignore-daemonsets --delete-emptydir-data`,
    ]);
    expect(commandLines(plan)[3]).toBe(`4. cordon the node (nothing new is scheduled on it): ${K} cordon "$NODE"`);
  });

  test('an unknown or invalid cluster (node tags are not to be trusted): plain kubectl, and it says so', () => {
    for (const cluster of [undefined, { name: "prod'; rm -rf /", region: 'us-east-1' }]) {
      const plan = kubectlNodePlan(cluster, 'i-0a11c0ffee0000002');
      expect(commandsOf(plan)[0]).toMatch(/^NODE=\$\(kubectl get nodes/);
      expect(commandsOf(plan).join('\n')).not.toContain('rm -rf');
      expect(plan.unknown).toEqual([expect.stringContaining("the node's EKS cluster is unknown")]);
    }
  });

  test('an invalid instance id: no command at all', () => {
    expect(kubectlNodePlan(CLUSTER, "i-0'; touch pwned")).toEqual({ commands: [], unknown: [expect.stringContaining('is not valid: no node to cordon')] });
  });

  withJq('the node command finds the node by instance id in a real shell', () => {
    const nodes = { items: [{ metadata: { name: 'ip-10-0-2-41.ec2.internal' }, spec: { providerID: 'aws:///us-east-1b/i-0a11c0ffee0000002' } }] };
    const plan = kubectlNodePlan(CLUSTER, 'i-0a11c0ffee0000002');
    expect(sh(`${commandFor(plan, /node of instance/)}\nprintf '%s' "$NODE"`, nodes).out).toBe('ip-10-0-2-41.ec2.internal');
  });
});
