import type { Action } from './action';
import { revokeSgIngress } from './revoke-sg-ingress';

export type { Action, ActionClients, ApplyResult, FixingAction, Inspection, VerifyResult } from './action';

/** The action registry, keyed by the id controls name in `remediation.action`. */
export const actions: readonly Action[] = [revokeSgIngress];

export const actionById = (id: string): Action | undefined => actions.find((a) => a.id === id);
