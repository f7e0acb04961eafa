import type { Clients } from '../aws/clients';
import type { Finding, Tags } from '../domain/model';
import type { Policy } from '../domain/policy';
import type { Plan } from '../domain/remediation';

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
  inspect(finding: Finding, clients: Clients, policy: Policy): Promise<Inspection>;
  apply(plan: Plan, clients: Clients): Promise<ApplyResult>;
  verify(plan: Plan, clients: Clients): Promise<VerifyResult>;
}
