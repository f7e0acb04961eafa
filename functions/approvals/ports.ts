import { SendTaskFailureCommand, SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { ApprovalStorePort, TaskCallbacks } from './decide';
import { decide, getApproval, type StoreDeps } from './store';

/** The approvals table as decide()'s store port; each call gets the caller's timeout. */
export function dynamoApprovalStore(deps: StoreDeps): ApprovalStorePort {
  const withTimeout = (timeoutMs?: number): StoreDeps => (timeoutMs ? { ...deps, timeoutMs } : deps);
  return {
    get: (id, opts) => getApproval(id, withTimeout(opts?.timeoutMs)),
    decide: (id, decision, opts) => decide(id, decision, withTimeout(opts?.timeoutMs)),
  };
}

/**
 * SendTaskSuccess / SendTaskFailure. The token goes only into the request; SDK errors (TaskTimedOut, InvalidToken,
 * TaskDoesNotExist) are rethrown as a bare error name so no caller can log the token by accident.
 */
export function sfnTaskCallbacks(client: () => SFNClient): TaskCallbacks {
  const opts = (timeoutMs?: number) => (timeoutMs ? { abortSignal: AbortSignal.timeout(timeoutMs) } : {});
  const guard = async (call: () => Promise<unknown>): Promise<void> => {
    try {
      await call();
    } catch (err) {
      const name = (err as Error).name || 'Error';
      const e = new Error(`Step Functions callback failed: ${name}`);
      e.name = name;
      throw e;
    }
  };
  return {
    success: (token, output, o) =>
      guard(() => client().send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) }), opts(o?.timeoutMs))),
    failure: (token, error, cause, o) =>
      guard(() => client().send(new SendTaskFailureCommand({ taskToken: token, error, cause }), opts(o?.timeoutMs))),
  };
}
