import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { EKSClient } from '@aws-sdk/client-eks';
import type { ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Finding, Tags } from '../domain/model';
import type { Policy } from '../domain/policy/schema';
import type { Plan } from '../domain/remediation';

/** The SDK clients actions may use, built lazily. */
export interface ActionClients {
  ec2: () => EC2Client;
  ecs: () => ECSClient;
  eks: () => EKSClient;
  ecr: () => ECRClient;
  /** Load balancers (ELBv2, Classic): only read, to tell public front ends (aws/front-ends.ts). */
  elbv2: () => ElasticLoadBalancingV2Client;
  elb: () => ElasticLoadBalancingClient;
}

/** What the live re-check found, and the exact change to make. */
export interface Inspection {
  stillViolating: boolean;
  plan: Plan;
  /** Tags read live, when the action had to read them. */
  tags?: Tags;
  /** The resource itself no longer exists (deleted since the event): not "already fixed". stillViolating is false. */
  gone?: boolean;
}

export interface ApplyResult {
  /** Targets this run changed. */
  applied: string[];
  /** Targets already gone when applied: counted as fixed, not as errors. */
  alreadyGone: string[];
}

export interface VerifyResult {
  verified: boolean;
  remaining: string[];
}

/**
 * One remediation. inspect → apply → verify, each idempotent; the plan is the contract between them.
 * A plan-only action (no apply/verify) tells the owner the exact change; its mode is never below approval.
 * Register it in actions/index.ts.
 */
export interface Action {
  id: string;
  title: string;
  inspect(finding: Finding, clients: ActionClients, policy: Policy): Promise<Inspection>;
  apply?(plan: Plan, clients: ActionClients): Promise<ApplyResult>;
  verify?(plan: Plan, clients: ActionClients): Promise<VerifyResult>;
}

/** An action that changes the account: apply and verify are required. */
export type FixingAction = Action & Required<Pick<Action, 'apply' | 'verify'>>;
