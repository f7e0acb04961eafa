import { isHome, type SpokeRole, type Where } from '../domain/accounts';
import { accountScopeOf } from './accounts';
import { actionClients, type ActionClients } from '../aws/action-clients';

/**
 * The clients a run's step uses on its resource: the function's own in Warden's account and Region, or, in a hub
 * deployment, the member account's spoke role `role`, assumed for this run (aws/account-clients.ts, loaded only then).
 */
/** A run's clients for its step `role`: where its finding's resource is, under the run's id. */
export const runClients = (state: { context: { id: string; finding: { resource: Where } } }, role: SpokeRole, home: ActionClients = actionClients): Promise<ActionClients> =>
  clientsForRun(state.context.finding.resource, role, state.context.id, home);

export async function clientsForRun(where: Where, role: SpokeRole, run: string, home: ActionClients = actionClients, scope = accountScopeOf()): Promise<ActionClients> {
  if (!scope || isHome(scope, where)) return home;
  return (await import('../aws/account-clients')).clientsIn(where, role, run, scope, home);
}
