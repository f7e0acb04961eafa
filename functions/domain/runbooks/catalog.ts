import type { HandStartDefinition, RunbookApproval, RunbookDefinition, RunbookStepSpec } from './model';

const evidence: RunbookStepSpec = { id: 'capture-evidence', state: 'CaptureEvidence', title: 'Capture evidence into the audit record' };

/**
 * The runbooks. Each has a generated state machine (statemachines/runbooks/<name>.asl.json), step code
 * (functions/runbooks/<name>.ts) and a page for responders (docs/runbooks/<name>.md). Add one here, then run
 * `npm run gen:runbooks`.
 */
export const runbooks: readonly RunbookDefinition[] = [
  {
    name: 'contain-ecs-task',
    title: 'Contain a compromised ECS task',
    summary:
      'Capture evidence (the task, its task definition, ENIs and security groups, image digests, the finding), tag the task, stop it, and notify the owner with the timeline. Auto for standalone tasks, approval for tasks of a service (policy decides).',
    target: 'ECS task ARN',
    resourceType: 'AWS::ECS::Task',
    approval: 'policy',
    startedByFindings: true,
    before: [evidence, { id: 'tag-task', state: 'TagTask', title: 'Tag the task as under investigation', mutates: true }],
    changes: [
      { id: 'stop-task', state: 'StopTask', title: 'Stop the task' },
      { id: 'verify-stopped', state: 'VerifyStopped', title: 'Verify the task is stopping or stopped', verify: true },
    ],
  },
  {
    name: 'isolate-container-instance',
    title: 'Isolate an ECS container instance or EKS node',
    summary:
      'After approval: swap every ENI of the instance to a quarantine security group with no ingress and no egress to the internet (created with no rules if missing), set the ECS container instance to DRAINING (an EKS node: the kubectl cordon and drain for the responder, as Warden has no cluster credentials), snapshot its EBS volumes for forensics, tag the instance, and notify.',
    target: 'EC2 instance id',
    resourceType: 'AWS::EC2::Instance',
    approval: 'always',
    startedByFindings: true,
    before: [evidence],
    changes: [
      { id: 'quarantine', state: 'SwapToQuarantineGroup', title: 'Swap the ENIs to the quarantine security group' },
      { id: 'drain', state: 'DrainContainerInstance', title: 'Set the ECS container instance to DRAINING (an EKS node: say the kubectl cordon and drain to run)' },
      { id: 'snapshot', state: 'SnapshotVolumes', title: 'Snapshot the EBS volumes' },
      { id: 'tag-instance', state: 'TagInstance', title: 'Tag the instance as isolated' },
      { id: 'verify-isolated', state: 'VerifyIsolation', title: 'Verify quarantine, draining and snapshots', verify: true },
    ],
  },
  {
    name: 'eks-finding-response',
    title: 'Respond to a GuardDuty finding on EKS',
    summary:
      'Notify the owner with the Kubernetes object, the actor and the kubectl commands that would contain it (delete the binding, cordon the node). Makes no in-cluster change: Warden holds no cluster credentials by design.',
    target: 'EKS cluster name or ARN',
    resourceType: 'AWS::EKS::Cluster',
    approval: 'never',
    startedByFindings: true,
    before: [evidence],
    changes: [],
  },
  {
    name: 'restore-security-group-rule',
    title: 'Restore security-group rules an earlier remediation revoked',
    summary:
      'Roll back a revoke-sg-ingress remediation from its audit record, after approval: put back exactly the rules it revoked (protocol, ports, source, description), nothing more. The only Warden path that adds access.',
    target: 'audit record id of the revocation',
    resourceType: 'AWS::EC2::SecurityGroup',
    approval: 'always',
    before: [],
    changes: [
      { id: 'restore-rules', state: 'RestoreRules', title: 'Authorize exactly the revoked rules again', fn: 'RestoreRule' },
      { id: 'verify-restored', state: 'VerifyRestored', title: 'Verify the rules are back and nothing else changed', verify: true },
    ],
  },
];

export const runbookByName = (name: string): RunbookDefinition | undefined => runbooks.find((r) => r.name === name);

/**
 * Names that start a workflow by hand instead of a runbook of their own. revoke-open-ingress is the remediate workflow
 * for a named security group: the same re-check, plan, decision, revocation, verification, notification and audit
 * record as a finding's run (so restore-security-group-rule can roll it back), started with `{target, …}`.
 */
export const handStarts: readonly HandStartDefinition[] = [
  {
    name: 'revoke-open-ingress',
    title: 'Revoke world-open ingress on a named security group',
    summary:
      'The security-group remediation (the remediate workflow) started by hand for a named group: re-check the group live, plan the world-open ingress rules to revoke, decide by policy (auto, approval, notify or dry-run), revoke by rule id, verify, notify and record.',
    target: 'security group id',
    targetPattern: '^sg-[0-9a-f]{8,17}$',
    resourceType: 'AWS::EC2::SecurityGroup',
    control: 'sg-world-open-ingress',
    action: 'revoke-sg-ingress',
    approval: 'policy',
    workflow: 'remediate',
  },
];

export const handStartByName = (name: string): HandStartDefinition | undefined => handStarts.find((h) => h.name === name);

/** What `warden runbook run` can start: every runbook (its own state machine) and every hand start (its workflow's). */
export interface Startable {
  name: string;
  title: string;
  summary: string;
  target: string;
  approval: RunbookApproval;
  /** `<stack>-<stateMachine>` is the state machine to start. */
  stateMachine: string;
  /** For a hand start: the workflow it enters (its state machine is that workflow's hand entry). */
  workflow?: string;
}

export const startables: readonly Startable[] = [
  ...runbooks.map(({ name, title, summary, target, approval }) => ({ name, title, summary, target, approval, stateMachine: name })),
  // A hand start has a state machine of its own name: the workflow's hand entry (statemachines/<workflow>-by-hand).
  ...handStarts.map(({ name, title, summary, target, approval, workflow }) => ({ name, title, summary, target, approval, stateMachine: name, workflow })),
];

export const startableByName = (name: string): Startable | undefined => startables.find((s) => s.name === name);

/** Every step id of a runbook, in order, as the step handler knows them: `<runbook>.<step>`. */
export const stepIds = (r: RunbookDefinition): string[] => ['plan', ...r.before.map((s) => s.id), ...r.changes.map((s) => s.id)].map((id) => `${r.name}.${id}`);
