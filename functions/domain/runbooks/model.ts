import type { ResourceType } from '../model';

/** One line of a run's timeline: what happened, when, with what result, and who decided. */
export interface TimelineEntry {
  /** ISO time the step finished (or the decision was made). */
  at: string;
  /** Step id without the runbook prefix, e.g. "capture-evidence", "approval", "stop-task". */
  step: string;
  result: 'done' | 'skipped' | 'dry-run' | 'failed' | 'approved' | 'denied' | 'expired' | 'held';
  detail: string;
  /** Who started the run or decided the approval. */
  by?: string;
}

/** When a runbook asks a human before it changes anything. */
export type RunbookApproval =
  /** Policy decides (e.g. contain-ecs-task: auto for standalone tasks, approval for tasks of a service). */
  | 'policy'
  /** Always, unless dry-run. */
  | 'always'
  /** Never: the runbook changes nothing (it only tells people what to do). */
  | 'never';

/** One Task state of a runbook. `changes` steps are skipped in dry-run and only run after the mode allows it. */
export interface RunbookStepSpec {
  /** Unique in the runbook; the handler's step id is `<runbook>.<id>`. */
  id: string;
  /** The Task state's name in the state machine (PascalCase). */
  state: string;
  title: string;
  /** The Lambda that runs it: the shared runbook-step function, or the restore function (the only one that adds access). */
  fn?: 'RunbookStep' | 'RestoreRule';
  /** The step changes something (tags, for a `before` step): skipped in dry-run. Every `changes` step does. */
  mutates?: boolean;
  /** A verification step: retried on Warden.VerificationFailed. */
  verify?: boolean;
}

/**
 * A runbook, declaratively: the state machine in statemachines/runbooks/<name>.asl.json is generated from this
 * (scripts/gen-runbooks.ts), the step implementations live in functions/runbooks/<name>.ts, the page in docs/runbooks/.
 */
export interface RunbookDefinition {
  name: string;
  title: string;
  /** One paragraph for `warden runbook list` and the docs. */
  summary: string;
  /** What `--target` names, e.g. "ECS task ARN". */
  target: string;
  /** The resource type a hand-started run is about (the Finding's resource). */
  resourceType: ResourceType;
  approval: RunbookApproval;
  /** Triage starts it for findings (input `{context, policy}`); other runbooks accept hand starts only. */
  startedByFindings?: boolean;
  /** Read-only or benign steps, before the mode decides (evidence, tags). Plan always comes first. */
  before: RunbookStepSpec[];
  /** The steps that change the account, after approval; the last one should verify. */
  changes: RunbookStepSpec[];
}

/**
 * A name `warden runbook run` accepts that is not a runbook of its own: it starts a workflow (today the remediate
 * workflow) by hand, for a target of one kind, checked against one control and fixed by that control's action.
 */
export interface HandStartDefinition {
  name: string;
  title: string;
  summary: string;
  /** What `--target` names, e.g. "security group id". */
  target: string;
  /** What a target must look like (a regular expression source); Start refuses anything else. */
  targetPattern: string;
  resourceType: ResourceType;
  /** The control the run re-checks, and the action that fixes it. */
  control: string;
  action: string;
  /** The mode comes from policy, as for a finding (with decision 50's hand-start rules). */
  approval: 'policy';
  /** The state machine it starts. */
  workflow: 'remediate';
}
