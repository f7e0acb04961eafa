import type { GuardDutyFacts } from '../model';

/**
 * The commands a responder runs to contain an EKS finding, with their own credentials: Warden holds no cluster
 * credentials and makes no in-cluster change (docs/decisions.md). Pure.
 *
 * Every value from the finding is attacker-influenced (a user name, a pod name): each is single-quoted for a POSIX
 * shell with control and invisible characters replaced, user names only ever reach jq as `--arg` data, and
 * Kubernetes names that the API server could not have accepted get no command at all.
 */

/** One command, and what it is for. */
export interface KubectlCommand {
  purpose: string;
  command: string;
}

export interface KubectlPlan {
  /** The Kubernetes object the finding names, e.g. "reporting/pods/reports-7d9c", printable. */
  object?: string;
  /** The Kubernetes user that acted, printable. */
  actor?: string;
  /** The EC2 instance (node) the finding names. */
  instanceId?: string;
  commands: KubectlCommand[];
  /** What the finding does not say, so no command covers it. */
  unknown: string[];
}

export interface EksClusterRef {
  name: string;
  region: string;
}

/** Control, format (bidi overrides, zero-width) and line/paragraph separator characters: never in a command. */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/** The value with every unprintable character (newlines included) replaced by "?". */
export const printable = (value: string): string => value.replace(UNPRINTABLE, '?');

/** One shell word: single-quoted (a `'` becomes `'\''`), with no newline or other unprintable character left. */
export const shellQuote = (value: string): string => `'${printable(value).replace(/'/g, `'\\''`)}'`;

/** EKS cluster names (CreateCluster): 1-100 characters, letters, digits, - and _, starting with a letter or digit. */
export const isEksClusterName = (name: string): boolean => /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/.test(name);
export const isRegion = (region: string): boolean => /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(region);
const isInstanceId = (id: string): boolean => /^i-[0-9a-f]{8,17}$/.test(id);
/** A namespace is a DNS label; object names are DNS subdomains (what the API server accepts). */
const isNamespace = (ns: string): boolean => ns.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(ns);
const isObjectName = (name: string): boolean => name.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name);

type Kind = 'pod' | 'deployment' | 'replicaset' | 'statefulset' | 'replicationcontroller' | 'daemonset' | 'job' | 'cronjob';
const KINDS: readonly Kind[] = ['pod', 'deployment', 'replicaset', 'statefulset', 'replicationcontroller', 'daemonset', 'job', 'cronjob'];
const SCALABLE: readonly Kind[] = ['deployment', 'replicaset', 'statefulset', 'replicationcontroller'];

/** GuardDuty's workload type ("pods", "Pod", "deployments") as a kubectl resource, or undefined. */
function kindOf(type: string): Kind | undefined {
  const t = type.toLowerCase();
  return KINDS.find((k) => t === k || t === `${k}s`);
}

/** The workload the finding names, when every part of it is a name Kubernetes would accept. */
function workloadOf(g: GuardDutyFacts): { namespace: string; kind: Kind; name: string } | string {
  const [type = '', ...rest] = (g.kubernetesWorkload ?? '').split('/');
  const name = rest.join('/');
  const kind = kindOf(type);
  const namespace = g.kubernetesNamespace ?? '';
  if (!kind) return `the workload type ${shellQuote(type)} is not one these commands handle: inspect ${shellQuote(g.kubernetesWorkload ?? '')} by hand`;
  if (!isObjectName(name) || !isNamespace(namespace)) {
    return `the workload ${shellQuote(g.kubernetesWorkload ?? '')} in namespace ${shellQuote(namespace)} is not a valid Kubernetes name: no command names it`;
  }
  return { namespace, kind, name };
}

/** Bindings whose subjects match: a user by name, or a service account by its "system:serviceaccount:<ns>:<name>" user. */
const BINDINGS_OF_USER =
  '.items[] | select(any(.subjects[]?; (.kind == "User" and .name == $user) or (.kind == "ServiceAccount" and "system:serviceaccount:\\(.namespace):\\(.name)" == $user))) | "\\(.kind) \\(.metadata.namespace // "-") \\(.metadata.name)"';
const BINDINGS_OF_ANONYMOUS =
  '.items[] | select(any(.subjects[]?; (.kind == "User" and .name == "system:anonymous") or (.kind == "Group" and .name == "system:unauthenticated"))) | "\\(.kind) \\(.metadata.namespace // "-") \\(.metadata.name)"';
const NODE_OF_INSTANCE = '.items[] | select((.spec.providerID // "") | endswith("/" + $id)) | .metadata.name';

const contextOf = (cluster: EksClusterRef): string => `warden-${cluster.name}`;
const kubectlIn = (context: string): string => `kubectl --context ${shellQuote(context)}`;
const kubeconfig = (cluster: EksClusterRef): KubectlCommand => ({
  purpose: `point kubectl at cluster ${cluster.name} with your own credentials (context ${contextOf(cluster)})`,
  command: `aws eks update-kubeconfig --name ${shellQuote(cluster.name)} --region ${shellQuote(cluster.region)} --alias ${shellQuote(contextOf(cluster))}`,
});
const findNode = (k: string, instanceId: string): KubectlCommand => ({
  purpose: `find the node of instance ${instanceId}`,
  command: `NODE=$(${k} get nodes -o json | jq -r --arg id ${shellQuote(instanceId)} '${NODE_OF_INSTANCE}')`,
});
const CORDON = 'cordon the node (nothing new is scheduled on it)';
const DRAIN = "drain it once the evidence is kept (eviction loses the pods' memory and emptyDir volumes)";

/**
 * The commands for one finding on one cluster. Without a finding (a hand start), the same commands as templates
 * over shell variables the responder sets (NS, KIND, NAME, K8S_USER, NODE).
 */
export function kubectlPlan(cluster: EksClusterRef, g: GuardDutyFacts | undefined): KubectlPlan {
  const k = kubectlIn(contextOf(cluster));
  const commands: KubectlCommand[] = [kubeconfig(cluster)];
  const unknown: string[] = [];
  const add = (purpose: string, command: string) => commands.push({ purpose, command });
  const plan: KubectlPlan = { commands, unknown };
  const anonymous = g !== undefined && /AnonymousAccessGranted/.test(g.type);

  if (!g) unknown.push('no GuardDuty finding (a hand start): set NS, KIND, NAME, K8S_USER and NODE from your investigation before running the commands');

  // The object: inspect it first, so the evidence outlives the containment.
  const found = g?.kubernetesWorkload ? workloadOf(g) : undefined;
  const workload = typeof found === 'object' ? found : undefined;
  if (g?.kubernetesWorkload) plan.object = printable(`${g.kubernetesNamespace ? `${g.kubernetesNamespace}/` : ''}${g.kubernetesWorkload}`);
  if (typeof found === 'string') unknown.push(found);
  else if (g && !found && g.resourceType === 'Instance') unknown.push('the finding is about the host, not a workload: list the pods on the node and decide which to stop');
  else if (g && !found) unknown.push('the finding names no workload (an audit-log finding describes an API call, not a pod): nothing to delete or scale');
  const ns = workload ? `-n ${shellQuote(workload.namespace)}` : '-n "$NS"';
  const target = workload ? `${workload.kind} ${shellQuote(workload.name)}` : '"$KIND" "$NAME"';
  if (workload || !g) {
    add(`inspect the ${workload?.kind ?? 'workload'}`, `${k} ${ns} get ${target} -o yaml`);
  }
  if (workload?.kind === 'pod') {
    add('keep its logs', `${k} ${ns} logs ${shellQuote(workload.name)} --all-containers --timestamps`);
    add('find what owns it (a controller starts a deleted pod again)', `${k} ${ns} get ${target} -o jsonpath='{.metadata.ownerReferences[*].kind} {.metadata.ownerReferences[*].name}'`);
  }

  // The actor: the bindings that give it access.
  if (g?.kubernetesUser) {
    plan.actor = printable(g.kubernetesUser);
    if (plan.actor !== g.kubernetesUser) unknown.push('the user name has control or invisible characters, shown as "?": the binding search will not match it; read the user from the finding');
  } else if (g && !anonymous) {
    unknown.push(`the finding names no Kubernetes user: find who acted in the cluster's audit log (CloudWatch Logs group /aws/eks/${cluster.name}/cluster)`);
  }
  const user = g?.kubernetesUser !== undefined ? shellQuote(g.kubernetesUser) : !g ? '"$K8S_USER"' : undefined;
  if (user) add('list the RoleBindings and ClusterRoleBindings of the actor', `${k} get rolebindings,clusterrolebindings -A -o json | jq -r --arg user ${user} '${BINDINGS_OF_USER}'`);
  if (g?.kubernetesUser?.startsWith('arn:')) {
    add('an IAM principal may get its access from an EKS access entry instead', `aws eks list-access-entries --cluster-name ${shellQuote(cluster.name)} --region ${shellQuote(cluster.region)}`);
  }
  if (anonymous) add('list the bindings that grant anonymous access', `${k} get rolebindings,clusterrolebindings -A -o json | jq -r '${BINDINGS_OF_ANONYMOUS}'`);
  if (user || anonymous) {
    if (g) unknown.push('GuardDuty does not say which binding grants the access: pick it from the list and check nothing else needs it');
    add('delete a ClusterRoleBinding from that list (set BINDING to its name)', `${k} delete clusterrolebinding "$BINDING"`);
    add('or delete a RoleBinding from that list (set BINDING_NS to its namespace, BINDING to its name)', `${k} -n "$BINDING_NS" delete rolebinding "$BINDING"`);
  }

  // The node: find it, cordon it, then drain it once the evidence is kept.
  let node = !g;
  if (g?.instanceId && isInstanceId(g.instanceId)) {
    plan.instanceId = g.instanceId;
    commands.push(findNode(k, g.instanceId));
    node = true;
  } else if (workload?.kind === 'pod') {
    add('find the node the pod runs on', `NODE=$(${k} ${ns} get ${target} -o jsonpath='{.spec.nodeName}')`);
    node = true;
  } else if (g) {
    unknown.push(g.instanceId ? `the instance id ${shellQuote(g.instanceId)} is not valid: no node to cordon` : 'the finding names no instance or pod: no node to cordon');
  }
  if (node) {
    if (!workload) add('list the pods on the node', `${k} get pods -A -o wide --field-selector "spec.nodeName=$NODE"`);
    add(CORDON, `${k} cordon "$NODE"`);
    add(DRAIN, `${k} drain "$NODE" --ignore-daemonsets --delete-emptydir-data`);
  }

  // The workload: stop it.
  const kind = workload?.kind;
  if (!g) add('scale the workload to 0 (a Deployment or StatefulSet; delete a Pod, DaemonSet or Job instead)', `${k} ${ns} scale ${target} --replicas=0`);
  else if (kind === 'pod') add('delete the pod (if it has an owner, scale the owner to 0 instead)', `${k} ${ns} delete ${target}`);
  else if (kind && SCALABLE.includes(kind)) add(`scale the ${kind} to 0`, `${k} ${ns} scale ${target} --replicas=0`);
  else if (kind === 'cronjob') add('suspend the cronjob', `${k} ${ns} patch ${target} -p '{"spec":{"suspend":true}}'`);
  else if (kind) add(`delete the ${kind}`, `${k} ${ns} delete ${target}`);
  return plan;
}

/**
 * The commands that cordon and drain the EKS node an EC2 instance is (isolate-container-instance: there is no ECS
 * drain, and Warden holds no cluster credentials). The cluster comes from the node's tags or the finding; without a
 * valid one, the commands use the responder's current kubectl context and say so.
 */
export function kubectlNodePlan(cluster: EksClusterRef | undefined, instanceId: string): KubectlPlan {
  if (!isInstanceId(instanceId)) return { commands: [], unknown: [`the instance id ${shellQuote(instanceId)} is not valid: no node to cordon`] };
  const known = cluster && isEksClusterName(cluster.name) && isRegion(cluster.region) ? cluster : undefined;
  const k = known ? kubectlIn(contextOf(known)) : 'kubectl';
  const unknown = known ? [] : [`the node's EKS cluster is unknown${cluster ? ` (${shellQuote(cluster.name)} is not a valid cluster name)` : ''}: point kubectl at it yourself first`];
  const commands = [
    ...(known ? [kubeconfig(known)] : []),
    findNode(k, instanceId),
    { purpose: 'list the pods on the node (what the drain will evict)', command: `${k} get pods -A -o wide --field-selector "spec.nodeName=$NODE"` },
    { purpose: CORDON, command: `${k} cordon "$NODE"` },
    { purpose: DRAIN, command: `${k} drain "$NODE" --ignore-daemonsets --delete-emptydir-data` },
  ];
  return { instanceId, commands, unknown };
}

/** Each command under its purpose, numbered, then what the plan cannot say. */
export const commandLines = (plan: KubectlPlan): string[] => [
  ...plan.commands.map((c, i) => `${i + 1}. ${c.purpose}: ${c.command}`),
  ...plan.unknown.map((u) => `Warden cannot say: ${u}`),
];

/** The plan as the notification's steps: what the finding names, each command under its purpose, then what it cannot say. */
export function kubectlSteps(plan: KubectlPlan): string[] {
  const named = [
    plan.object ? `object ${shellQuote(plan.object)}` : undefined,
    plan.actor ? `actor ${shellQuote(plan.actor)}` : undefined,
    plan.instanceId ? `node instance ${plan.instanceId}` : undefined,
  ].filter(Boolean);
  return [
    ['Warden changes nothing in the cluster (it has no cluster credentials, by design).', named.length ? `The finding names: ${named.join(', ')}.` : '', 'Run these yourself:']
      .filter(Boolean)
      .join(' '),
    ...commandLines(plan),
  ];
}
