// `warden approve` / `warden deny`: the same core as Slack (authorize, decide once, resume), with an IAM identity.
// The store is an in-memory port with the table's semantics (the DynamoDB store itself is tested against moto).
import type { ApprovalStorePort, TaskCallbacks } from '../../../functions/approvals/decide';
import { APPROVAL_DENIED, type ApprovalDecision, type ApprovalRecord } from '../../../functions/approvals/model';
import type { DecideInput, DecideResult } from '../../../functions/approvals/store';
import { approveCommand, awsApproveDeps } from '../../../cli/approve';
import { UsageError } from '../../../cli/evaluate';
import { NOW_MS, NOW_S, pendingRecord, TOKEN } from './interactions-fixture';

function memoryStore(records: ApprovalRecord[]): ApprovalStorePort & { items: Map<string, ApprovalRecord> } {
  const items = new Map(records.map((r) => [r.id, { ...r }]));
  return {
    items,
    get: async (id) => (items.has(id) ? { ...items.get(id)! } : undefined),
    decide: async (id: string, d: DecideInput): Promise<DecideResult> => {
      const r = items.get(id);
      if (!r) return { ok: false, why: 'unknown' };
      const late = d.status !== 'expired' && r.expiresAt <= NOW_S;
      if (r.status !== 'pending' || late) return { ok: false, record: { ...r }, why: r.status === 'expired' || (r.status === 'pending' && late) ? 'expired' : 'already-decided' };
      Object.assign(r, d);
      return { ok: true, record: { ...r } };
    },
  };
}

type Call = { kind: 'success'; token: string; output: ApprovalDecision } | { kind: 'failure'; token: string; error: string; cause: string };

function setup(records: ApprovalRecord[], caller = 'arn:aws:sts::123456789012:assumed-role/ResponderOnCall/alice') {
  const store = memoryStore(records);
  const calls: Call[] = [];
  const callbacks: TaskCallbacks = {
    success: async (token, output) => void calls.push({ kind: 'success', token, output }),
    failure: async (token, error, cause) => void calls.push({ kind: 'failure', token, error, cause }),
  };
  const out: string[] = [];
  const err: string[] = [];
  let identityCalls = 0;
  const announced: string[] = [];
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const run = (args: string[]) =>
    approveCommand(args, {
      ports: { store, callbacks, now: () => NOW_MS, log: quiet },
      identity: async () => {
        identityCalls++;
        return caller;
      },
      announce: async (r, o) => void announced.push(`${r.id}:${o}`),
      out: { write: (s: string) => out.push(s) },
      err: { write: (s: string) => err.push(s) },
    });
  return { store, calls, out, err, run, announced, identityCalls: () => identityCalls };
}

const ROLE = 'arn:aws:iam::123456789012:role/ResponderOnCall';

test('approve by an allowed role (assumed-role session, glob): exit 0, SendTaskSuccess via cli, decidedBy = the role ARN', async () => {
  const rec = pendingRecord();
  const t = setup([rec]);
  expect(await t.run(['approve', rec.id, '--reason', 'checked with the owner'])).toBe(0);
  expect(t.calls).toEqual([{
    kind: 'success', token: TOKEN,
    output: { decision: 'approved', approvalId: rec.id, decidedBy: ROLE, decidedAt: '2030-01-01T00:00:00.000Z', via: 'cli', reason: 'checked with the owner' },
  }]);
  expect(t.store.items.get(rec.id)).toMatchObject({ status: 'approved', decidedBy: ROLE, reason: 'checked with the owner' });
  expect(t.out.join('')).toContain(`approval ${rec.id} approved by ${ROLE}`);
  expect(t.out.join('') + t.err.join('')).not.toContain(TOKEN.slice(0, 30));
  expect(t.announced).toEqual([`${rec.id}:approved`]);
});

test('deny with a reason: SendTaskFailure APPROVAL_DENIED with who, when, via and reason', async () => {
  const rec = pendingRecord();
  const t = setup([rec]);
  expect(await t.run(['deny', rec.id, '--reason', 'prod freeze'])).toBe(0);
  expect(t.calls).toHaveLength(1);
  const c = t.calls[0]!;
  expect(c.kind === 'failure' && c.error).toBe(APPROVAL_DENIED);
  expect(c.kind === 'failure' && JSON.parse(c.cause)).toEqual({ approvalId: rec.id, decidedBy: ROLE, decidedAt: '2030-01-01T00:00:00.000Z', via: 'cli', reason: 'prod freeze' });
  expect(t.store.items.get(rec.id)?.status).toBe('denied');
});

test('usage errors exit 2 and touch nothing (not even the identity)', async () => {
  const rec = pendingRecord();
  for (const args of [['deny', rec.id], ['deny', rec.id, '--reason', '  '], ['approve'], ['approve', rec.id, 'extra'], ['approve', 'bad id!'], ['approve', rec.id, '--force'], ['approvee', rec.id]]) {
    const t = setup([rec]);
    expect(await t.run(args)).toBe(2);
    expect(t.err.join('')).toMatch(/^warden: .+\n\nUsage: warden (approve|deny|\[options\] \[command\])/);
    expect(t.calls).toHaveLength(0);
    expect(t.identityCalls()).toBe(0);
    expect(t.store.items.get(rec.id)).toEqual(rec);
  }
});

test('refusals exit 1 and change nothing: not an approver, unknown id', async () => {
  const rec = pendingRecord();
  const outsider = setup([rec], 'arn:aws:sts::123456789012:assumed-role/Dev/mallory');
  expect(await outsider.run(['approve', rec.id])).toBe(1);
  expect(outsider.err.join('')).toContain('is not an approver');
  expect(outsider.calls).toHaveLength(0);
  expect(outsider.store.items.get(rec.id)).toEqual(rec);
  // A Slack user id in the approvers never matches an IAM caller.
  const slackOnly = setup([pendingRecord({ id: rec.id, approvers: ['U0ALICE'] })]);
  expect(await slackOnly.run(['approve', rec.id])).toBe(1);

  const nobody = setup([rec], '');
  expect(await nobody.run(['approve', rec.id])).toBe(1);
  expect(nobody.err.join('')).toContain('could not determine your AWS identity');
  expect(nobody.store.items.get(rec.id)).toEqual(rec);

  const t = setup([]);
  expect(await t.run(['approve', 'NOSUCHAPPROVAL09'])).toBe(1);
  expect(t.err.join('')).toContain('no approval NOSUCHAPPROVAL09');
});

test('already decided and expired: exit 1, no callback, the first decision stands', async () => {
  const rec = pendingRecord();
  const t = setup([rec]);
  expect(await t.run(['approve', rec.id])).toBe(0);
  expect(await t.run(['deny', rec.id, '--reason', 'late'])).toBe(1);
  expect(t.err.join('')).toContain('already approved');
  expect(t.calls).toHaveLength(1);
  expect(t.store.items.get(rec.id)?.status).toBe('approved');

  const old = pendingRecord({ expiresAt: NOW_S - 1 });
  const e = setup([old]);
  expect(await e.run(['approve', old.id])).toBe(1);
  expect(e.err.join('')).toContain('has expired');
  expect(e.calls).toHaveLength(0);
  expect(e.store.items.get(old.id)).toEqual(old);
});

test('the workflow did not take the decision: exit 1 with a clear message', async () => {
  const rec = pendingRecord();
  const t = setup([rec]);
  const code = await approveCommand(['approve', rec.id], {
    ports: {
      store: t.store,
      callbacks: { success: async () => { throw Object.assign(new Error('x'), { name: 'TaskTimedOut' }); }, failure: async () => undefined },
      now: () => NOW_MS,
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    },
    identity: async () => ROLE,
    out: { write: () => true },
    err: { write: (s: string) => t.err.push(s) },
  });
  expect(code).toBe(1);
  expect(t.err.join('')).toContain('could not be resumed');
});

test('awsApproveDeps needs APPROVALS_TABLE (a usage error)', () => {
  expect(() => awsApproveDeps(async () => ROLE, {})).toThrow(UsageError);
  expect(awsApproveDeps(async () => ROLE, { APPROVALS_TABLE: 'warden-approvals' }).ports.store).toBeDefined();
});
