import type { ActionClients } from '../aws/action-clients';
import type { Finding, Tags } from '../domain/model';
import type { Policy } from '../domain/policy/schema';
import type { Plan } from '../domain/remediation';
import { declarationOf, type FixingActionId, type PlanOnlyActionId } from './catalog';

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
 * Declare it in actions/catalog.ts (id, title, permissions per phase) and register its loader in actions/index.ts.
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

const declared = (id: string) => {
  const d = declarationOf(id);
  if (!d) throw new Error(`action ${id} is not declared in actions/catalog.ts`);
  return { id: d.id, title: d.title };
};

/** An action that changes the account, with the id and title its catalog entry declares. */
export const fixingAction = (id: FixingActionId, code: Pick<FixingAction, 'inspect' | 'apply' | 'verify'>): FixingAction =>
  ({ ...declared(id), ...code });

/** A plan-only action, with the id and title its catalog entry declares. */
export const planOnlyAction = (id: PlanOnlyActionId, code: Pick<Action, 'inspect'>): Action => ({ ...declared(id), ...code });
