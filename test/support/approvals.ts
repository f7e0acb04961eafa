// Waiting for a local run's approval request, as the state-machine tests do (polling the approvals table briefly:
// the request is stored and posted by RequestApproval while the run goes on in the background).
import { setTimeout as sleep } from 'node:timers/promises';
import { approvalIdsOfRun } from '../../functions/approvals/expire';
import { getApproval } from '../../functions/approvals/store';
import { clients } from '../../functions/aws/clients';
import type { LocalWarden } from '../../local/warden-local';

const storeOf = (w: LocalWarden) => ({ dynamodb: clients.dynamodb(), tableName: w.resources.approvalsTable });

/** The run's approval record, once its Slack message was posted. */
export async function postedApproval(w: LocalWarden, run: string) {
  const store = storeOf(w);
  for (let i = 0; i < 200; i++) {
    const [id] = await approvalIdsOfRun(run, store);
    const record = id ? await getApproval(id, store) : undefined;
    if (record?.messageTs) return record;
    await sleep(20);
  }
  throw new Error('no approval request was posted');
}

/** The id of the run's approval, once its request was stored and its Task waits. */
export async function pendingApproval(w: LocalWarden, run: string): Promise<string> {
  const store = storeOf(w);
  for (let i = 0; i < 300; i++) {
    const [id] = await approvalIdsOfRun(run, store);
    if (id && w.tokens.waiting().length) return id;
    await sleep(20);
  }
  throw new Error(`no approval request for ${run}`);
}
