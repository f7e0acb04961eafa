// eks-finding-response's steps against moto server (EKS), called directly without the state machine (the state
// machine test runs the same run end to end): each step's AWS calls are recorded and checked against its declared IAM
// grants (functions/runbooks/grants.ts). No mocks.
import { CreateClusterCommand } from '@aws-sdk/client-eks';
import { clients } from '../../functions/aws/clients';
import { defaultPolicy } from '../../functions/domain/policy';
import { runbookSteps, type RunbookState, type StepDeps } from '../../functions/runbooks';
import { runStep } from '../../functions/runbooks/run-step';
import { startRun } from '../../functions/runbooks/start';
import { useMoto } from '../support/emulator';
import { expectDeclaredCalls, tracedSteps } from '../support/permissions';

useMoto();

const RUNBOOK = 'eks-finding-response';
const policy = defaultPolicy();
const deps: StepDeps = { clients, audit: () => ({ dynamodb: clients.dynamodb(), tableName: 'unused' }), policy: () => policy, now: () => new Date() };
// Every call below is checked against the steps' declared IAM grants (expectDeclaredCalls, last in this file).
const steps = tracedSteps(runbookSteps);
const step = (id: string, s: RunbookState) => runStep(`${RUNBOOK}.${id}`, s, steps, deps);

let seq = 0;
const started = (target: string): RunbookState => {
  const name = `eks-${++seq}`;
  return startRun({
    runbook: RUNBOOK, input: { target, requestedBy: 'arn:aws:iam::123456789012:user/responder', reason: 'IR-77' },
    executionName: name, executionArn: `arn:aws:states:us-east-1:123456789012:execution:warden-${RUNBOOK}:${name}`,
  }, deps);
};

test('a cluster: planned notify with the kubectl commands, the cluster kept as evidence', async () => {
  const arn = (await clients.eks().send(new CreateClusterCommand({
    name: 'platform', roleArn: 'arn:aws:iam::123456789012:role/eks-cluster', resourcesVpcConfig: { subnetIds: ['subnet-0a1'] }, tags: { Owner: 'platform-team' },
  }))).cluster!.arn!;
  const planned = await step('plan', started('platform'));
  expect(planned.live!.result).toMatchObject({ stillViolating: true, mode: 'notify', plan: { targets: ['platform'], resource: { arn, tags: { Owner: 'platform-team' } } } });
  const s = await step('capture-evidence', planned);
  expect(s.runbook.evidence).toMatchObject({ cluster: { name: 'platform', arn } });
});

test('a hand start on a cluster that does not exist: not found, no commands', async () => {
  const s = await step('plan', started('nowhere'));
  expect(s.live!.result).toMatchObject({ stillViolating: false, absent: 'not-found' });
});

expectDeclaredCalls({ everyGrantOf: RUNBOOK });
