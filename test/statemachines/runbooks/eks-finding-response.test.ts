// eks-finding-response end to end: the generated state machine run locally (aws-local-stepfunctions) with every Task
// bound to the real handlers, EKS and DynamoDB in moto server, Slack a local sink. Nothing is mocked. The runbook
// changes nothing, so every test checks what the owner is told and what is recorded.
import { CreateClusterCommand } from '@aws-sdk/client-eks';
import { readFileSync } from 'node:fs';
import { clients } from '../../../functions/aws/clients';
import { getAuditRecord } from '../../../functions/audit/get';
import type { LocalWarden } from '../../../local/warden-local';
import { useLocalWarden } from '../../support/emulator';

const SAMPLE = '111122223333';
const ACCOUNT = '123456789012';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/eks-cluster`;
const RESPONDER = `arn:aws:iam::${ACCOUNT}:user/responder`;
const K = "kubectl --context 'warden-platform'";
const KUBECONFIG = "aws eks update-kubeconfig --name 'platform' --region 'us-east-1' --alias 'warden-platform'";

const { sink, start: warden } = useLocalWarden();

async function cluster(name = 'platform', tags: Record<string, string> = { Owner: 'platform-team' }): Promise<string> {
  const out = await clients.eks().send(new CreateClusterCommand({ name, roleArn: ROLE, resourcesVpcConfig: { subnetIds: ['subnet-0a1', 'subnet-0b2'] }, tags }));
  return out.cluster!.arn!;
}

const sample = (file: string): unknown => JSON.parse(readFileSync(`events/${file}`, 'utf8').split(SAMPLE).join(ACCOUNT));
const audit = (w: LocalWarden, id: string) => getAuditRecord(id, { dynamodb: clients.dynamodb(), tableName: w.resources.tableName });

/** Every text of the Slack messages the sink received, mrkdwn entities decoded (the reader sees these characters). */
function slackTexts(): string {
  const texts: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) (k === 'text' && typeof x === 'string' ? texts.push(x) : walk(x));
  };
  sink().received.filter((r) => r.path === '/slack').forEach((r) => walk(r.json));
  return texts.join('\n').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

const NOTIFIED = ['Start', 'Plan', 'Needed', 'CaptureEvidence', 'ChooseMode', 'MarkNotified', 'Conclude', 'Notify', 'Record', 'Finished', 'Succeeded'];

test('a hand start on a cluster: notified with the kubectl commands and the timeline, cluster kept as evidence', async () => {
  const w = await warden();
  const arn = await cluster();
  const e = w.runbook('eks-finding-response', { target: 'platform', requestedBy: RESPONDER, reason: 'IR-77' });
  const run = await e.done;
  expect(run.failed).toBeUndefined();
  expect(run.path).toEqual(NOTIFIED);

  const record = await audit(w, e.name);
  expect(record).toMatchObject({ outcome: 'notified', mode: 'notify', source: 'manual', owner: 'platform-team' });
  expect(record!.plan).toMatchObject({ action: 'eks-finding-response', targets: ['platform'], resource: { arn, tags: { Owner: 'platform-team' } } });
  expect(record!.plan!.steps).toContain(`1. point kubectl at cluster platform with your own credentials (context warden-platform): ${KUBECONFIG}`);
  expect(record!.runbook!.timeline.map((t) => `${t.step}:${t.result}`)).toEqual(['start:done', 'plan:done', 'capture-evidence:done', 'conclude:done']);
  expect(record!.runbook!.timeline[1]!.detail).toMatch(/^cluster platform is ACTIVE; \d+ command\(s\)/);
  expect(record!.runbook!.evidence).toMatchObject({ cluster: { name: 'platform', arn }, finding: { startedBy: RESPONDER } });

  const slack = slackTexts();
  expect(slack).toContain(KUBECONFIG);
  expect(slack).toContain(`${K} -n "$NS" get "$KIND" "$NAME" -o yaml`);
  expect(slack).toContain(`${K} cordon "$NODE"`);
  expect(slack).toContain('Timeline (runbook eks-finding-response)');
  expect(slack).toMatch(/capture-evidence {2}DONE {2}the finding \(hand start: none\), the description of cluster platform/);
  expect(slack).toContain('conclude  DONE  outcome notified');
});

test('a cluster that is gone: a finding is still notified (the finding is what matters); a hand start is not-found', async () => {
  const w = await warden();
  const result = await w.triage(sample('guardduty/eks-audit-anonymous-access.json'));
  const name = result.executions[0]!.name;
  expect(w.runs.get(name)!.path).toEqual(NOTIFIED);
  const record = await audit(w, name);
  expect(record).toMatchObject({ outcome: 'notified', plan: { targets: ['platform'] } });
  expect(record!.runbook!.timeline[1]!.detail).toMatch(/^cluster platform not found: notifying anyway/);
  expect(record!.runbook!.evidence).toMatchObject({ cluster: null, clusterUnreadable: 'cluster platform not found' });
  expect(slackTexts()).toContain("aws eks update-kubeconfig --name 'platform' --region 'us-east-1'");

  const target = `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/gone`;
  const e = w.runbook('eks-finding-response', { target, requestedBy: RESPONDER });
  expect((await e.done).path).toEqual(['Start', 'Plan', 'Needed', 'MarkAbsent', 'Conclude', 'Notify', 'Record', 'Finished', 'Succeeded']);
  expect(await audit(w, e.name)).toMatchObject({ outcome: 'not-found', plan: { targets: [], steps: ['cluster gone not found in us-east-1: no commands'] } });
});

test('dry-run: said, not notified as an action', async () => {
  const w = await warden();
  await cluster();
  const e = w.runbook('eks-finding-response', { target: 'platform', dryRun: true, requestedBy: RESPONDER });
  const run = await e.done;
  expect(run.path).toEqual(['Start', 'Plan', 'Needed', 'CaptureEvidence', 'ChooseMode', 'MarkDryRun', 'Conclude', 'Notify', 'Record', 'Finished', 'Succeeded']);
  expect(await audit(w, e.name)).toMatchObject({ outcome: 'dry-run', mode: 'dry-run' });
  expect(slackTexts()).toContain('Would fix (dry-run)');
});

test('a target that is no cluster name fails cleanly: notified and recorded, nothing read', async () => {
  const w = await warden();
  const e = w.runbook('eks-finding-response', { target: "platform'; kubectl delete ns prod", requestedBy: RESPONDER });
  const run = await e.done;
  expect(run.path.slice(-5)).toEqual(['Conclude', 'Notify', 'Record', 'Finished', 'Failed']);
  const record = await audit(w, e.name);
  expect(record).toMatchObject({ outcome: 'failed', error: { error: 'Warden.InvalidInput' } });
  expect(slackTexts()).toContain('FAILED');
});

test('a GuardDuty runtime finding through triage: the pod, the node and the commands that contain them', async () => {
  const w = await warden();
  await cluster();
  const result = await w.triage(sample('guardduty/eks-runtime-crypto-miner.json'));
  expect(result.status).toBe('violation');
  // The node runs on EC2: it gets its own isolation run first (here it is in no account: resource-gone, nothing done).
  expect(result.executions).toHaveLength(2);
  const [node, name] = result.executions.map((e) => e.name) as [string, string];
  expect(await audit(w, node)).toMatchObject({ outcome: 'resource-gone', runbook: { name: 'isolate-container-instance', target: 'i-0a11c0ffee0000002' } });
  expect(w.runs.get(name)!.path).toEqual(NOTIFIED);

  const record = await audit(w, name);
  expect(record).toMatchObject({ source: 'guardduty', outcome: 'notified', mode: 'notify', owner: 'platform-team' });
  expect(record!.runbook).toMatchObject({ name: 'eks-finding-response', startedBy: 'GuardDuty finding c0ffee00000000000000000000000006' });
  expect(record!.runbook!.evidence).toMatchObject({
    finding: { id: 'c0ffee00000000000000000000000006', type: 'Impact:Runtime/CryptoMinerExecuted', kubernetesWorkload: 'pods/reports-7d9c5b6f4-x2x8k' },
    cluster: { name: 'platform' },
  });

  const slack = slackTexts();
  expect(slack).toContain("The finding names: object 'reporting/pods/reports-7d9c5b6f4-x2x8k'");
  expect(slack).toContain(`${K} -n 'reporting' get pod 'reports-7d9c5b6f4-x2x8k' -o yaml`);
  expect(slack).toContain(`NODE=$(${K} get nodes -o json | jq -r --arg id 'i-0a11c0ffee0000002'`);
  expect(slack).toContain(`${K} drain "$NODE" --ignore-daemonsets --delete-emptydir-data`);
  expect(slack).toContain(`${K} -n 'reporting' delete pod 'reports-7d9c5b6f4-x2x8k'`);
  expect(slack).toContain('Warden cannot say: the finding names no Kubernetes user');
  expect(slack).toContain('start  DONE  started by GuardDuty finding c0ffee00000000000000000000000006');
});

test('a GuardDuty audit-log finding through triage: the actor and the binding commands, and no workload to stop', async () => {
  const w = await warden();
  await cluster();
  const result = await w.triage(sample('guardduty/eks-audit-anonymous-access.json'));
  const name = result.executions[0]!.name;
  expect(w.runs.get(name)!.path).toEqual(NOTIFIED);
  const slack = slackTexts();
  expect(slack).toContain(`jq -r --arg user 'arn:aws:sts::${ACCOUNT}:assumed-role/platform-admin/bob'`);
  expect(slack).toContain(`${K} delete clusterrolebinding "$BINDING"`);
  expect(slack).toContain('Warden cannot say: the finding names no workload');
  expect(slack).not.toContain('--replicas=0');
});

test('a high-severity finding on a pod on Fargate (no node: EKS audit logs only): one run, the kubectl plan; nothing to isolate', async () => {
  const w = await warden();
  await cluster();
  const result = await w.triage(sample('guardduty/eks-audit-fargate-pod-credentials.json'));
  expect(result.executions).toHaveLength(1);
  const record = await audit(w, result.executions[0]!.name);
  expect(record).toMatchObject({ outcome: 'notified', runbook: { name: 'eks-finding-response' } });
  expect(slackTexts()).toContain(`jq -r --arg user 'system:serviceaccount:payments:api'`);
});
