import { randomUUID } from 'node:crypto';

/** SendTaskSuccess / SendTaskFailure, as the interactions handler and `warden approve` call them. */
export interface TaskCallbacks {
  success(token: string, output: unknown): Promise<void>;
  failure(token: string, error: string, cause: string): Promise<void>;
}

class TaskError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/**
 * The local stand-in for Step Functions' task tokens: a `.waitForTaskToken` Task waits here until someone calls
 * success/failure with its token (the real interactions handler, in tests and the demo), or until its timeout,
 * which fails it with States.Timeout as Step Functions does.
 */
export function taskTokenBroker() {
  const pending = new Map<string, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer?: NodeJS.Timeout }>();
  const settle = (token: string) => {
    const entry = pending.get(token);
    if (!entry) throw new TaskError('TaskDoesNotExist', 'Task does not exist anymore'); // as SendTaskSuccess says
    pending.delete(token);
    if (entry.timer) clearTimeout(entry.timer);
    return entry;
  };
  const callbacks: TaskCallbacks = {
    async success(token, output) {
      settle(token).resolve(output);
    },
    async failure(token, error, cause) {
      settle(token).reject(new TaskError(error, cause));
    },
  };
  return {
    callbacks,
    newToken: () => `local-token-${randomUUID()}`,
    /** Tokens waiting now (tests). */
    waiting: () => [...pending.keys()],
    wait(token: string, timeoutMs?: number): Promise<unknown> {
      return new Promise((resolve, reject) => {
        const timer = timeoutMs === undefined ? undefined : setTimeout(() => {
          pending.delete(token);
          reject(new TaskError('States.Timeout', `no callback within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(token, { resolve, reject, ...(timer ? { timer } : {}) });
      });
    },
  };
}
export type TaskTokenBroker = ReturnType<typeof taskTokenBroker>;
