import { paginateListAccounts } from '@aws-sdk/client-organizations';
import { organizations } from './clients/organizations';

/** How long a warm function trusts the list it read: an account that joins is accepted within this time. */
export const ORGANIZATION_CACHE_MS = 5 * 60_000;

/**
 * The organization's ACTIVE accounts (Organizations ListAccounts, from the management account or a delegated
 * administrator), read at most once per ORGANIZATION_CACHE_MS. Undefined when they cannot be read: the caller then
 * refuses every member account, and says why.
 */
export function organizationAccounts(now = Date.now): () => Promise<ReadonlySet<string> | undefined> {
  let last: { at: number; accounts: ReadonlySet<string> } | undefined;
  return async () => {
    if (last && now() - last.at < ORGANIZATION_CACHE_MS) return last.accounts;
    try {
      const ids = new Set<string>();
      for await (const page of paginateListAccounts({ client: organizations() }, {})) {
        for (const a of page.Accounts ?? []) if (a.Id && (a.State ?? a.Status ?? 'ACTIVE') === 'ACTIVE') ids.add(a.Id);
      }
      last = { at: now(), accounts: ids };
      return ids;
    } catch {
      return last?.accounts;
    }
  };
}
