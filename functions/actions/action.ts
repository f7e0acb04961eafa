import type { ActionClients } from '../aws/action-clients';
import type { Finding, Tags } from '../domain/model';
import type { Policy } from '../domain/policy/schema';
import type { Plan } from '../domain/remediation';
import type { FixingDeclaration, PlanOnlyDeclaration } from './declaration';

export type { ActionClients };

/** What the live re-check found, and the exact change to make. */
export interface Inspection {
  stillViolating: boolean;
  plan: Plan;
  /** Tags read live, when the action had to read them. */
  tags?: Tags;
  /** The resource itself no longer exists (deleted since the event): not "already fixed". stillViolating is false. */
  gone?: boolean;
}

export type { ApplyResult, VerifyResult } from '../domain/remediation';
import type { ApplyResult, VerifyResult } from '../domain/remediation';

/**
 * One remediation. inspect → apply → verify, each idempotent; the plan is the contract between them.
 * A plan-only action (no apply/verify) tells the owner the exact change; its mode is never below approval.
 * Its file, functions/actions/<id>.ts, exports its `declaration` (id, title, permissions per phase) and the action;
 * `npm run gen` registers it.
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

/** An action that changes the account, with the id and title it declares. */
export const fixingAction = (d: FixingDeclaration, code: Pick<FixingAction, 'inspect' | 'apply' | 'verify'>): FixingAction =>
  ({ id: d.id, title: d.title, ...code });

/** A plan-only action, with the id and title it declares. */
export const planOnlyAction = (d: PlanOnlyDeclaration, code: Pick<Action, 'inspect'>): Action => ({ id: d.id, title: d.title, ...code });
