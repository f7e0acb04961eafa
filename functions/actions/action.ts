import type { EC2Client } from '@aws-sdk/client-ec2';
import type { Finding, Tags } from '../domain/model';
import type { Policy } from '../domain/policy/schema';
import type { Plan } from '../domain/remediation';

/** The SDK clients actions may use, built lazily. */
export interface ActionClients {
  ec2: () => EC2Client;
}

/** What the live re-check found, and the exact change to make. */
export interface Inspection {
  stillViolating: boolean;
  plan: Plan;
  /** Tags read live, when the action had to read them. */
  tags?: Tags;
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
 * Register it in actions/index.ts.
 */
export interface Action {
  id: string;
  title: string;
  inspect(finding: Finding, clients: ActionClients, policy: Policy): Promise<Inspection>;
  apply(plan: Plan, clients: ActionClients): Promise<ApplyResult>;
  verify(plan: Plan, clients: ActionClients): Promise<VerifyResult>;
}
