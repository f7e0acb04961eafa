import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ActionClients } from '../actions/action';
import type { DeployedBrakes } from '../brakes/gate';
import type { ExemptionSightings } from '../domain/policy/exemption';
import type { Policy } from '../domain/policy/schema';
import type { PolicyVersion } from '../domain/policy/version';
import type { RunbookRun } from '../domain/remediation';
import type { TimelineEntry } from '../domain/runbooks/model';
import type { RemediationState } from '../domain/state';

/** A runbook's state machine state: the remediation state (context, policy, live plan, approval) plus the run. */
export type RunbookState = RemediationState & { runbook: RunbookRun };

/** What a step may use. Clients are built lazily; nothing here is global. */
export interface StepDeps {
  clients: ActionClients;
  /** The audit table (the restore runbook reads the revocation's record). */
  audit: () => { dynamodb: DynamoDBClient; tableName: string };
  /** The deployed policy, which the start step gives the run (the steps after it use the run's own). */
  policy: () => Policy;
  /** Its version, stamped on the run's context by the start step (absent for a policy given directly). */
  policyVersion?: PolicyVersion;
  now: () => Date;
  /** Exemptions' first sightings (the Plan step judges the exemption on the live tags). */
  sightings?: ExemptionSightings;
  /** The deployed policy's brakes, read now: a paused Warden holds the run at its Plan step (default: not paused). */
  brakes?: DeployedBrakes;
}

/** What one step did: the new state (when it changed) and its timeline line. */
export interface StepOutcome {
  state?: RunbookState;
  result?: TimelineEntry['result'];
  detail: string;
}

/** One step's code. Idempotent: a retry after a partial success must not do anything twice. */
export type StepFn = (state: RunbookState, deps: StepDeps) => Promise<StepOutcome>;

/** A runbook's step code, by step id (without the runbook prefix): `plan` plus every step of its definition. */
export type RunbookSteps = Record<string, StepFn>;

/** Step code by runbook name: loaded already, or loaded on first use. */
export type StepRegistry = Record<string, RunbookSteps | (() => Promise<RunbookSteps>)>;
