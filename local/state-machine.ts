import { readFileSync } from 'node:fs';
import { StateMachine } from 'aws-local-stepfunctions';

type JSONValue = Parameters<NonNullable<NonNullable<NonNullable<Parameters<StateMachine['run']>[1]>['overrides']>['taskResourceLocalHandlers']>[string]>[0];
import type { Context } from 'aws-lambda';
import type { TaskTokenBroker } from './task-tokens';

/** A Lambda handler as exported by functions/handlers/*: (event, context) => result. */
export type LambdaHandler = (event: never, context: Context) => Promise<unknown>;

export interface LocalRun {
  output: unknown;
  /** States entered, in order (the "transitions" of a run). */
  path: string[];
  failed?: { error: string; cause: string };
}

const LOCAL_ARN = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

/** Replace every `${Key}` as SAM's DefinitionSubstitutions would, with a local ARN per key. */
export function substitute(definitionText: string): { definition: object; keys: string[] } {
  const keys = new Set<string>();
  const text = definitionText.replace(/\$\{([A-Za-z0-9]+)\}/g, (_m, key: string) => {
    keys.add(key);
    return LOCAL_ARN(key);
  });
  return { definition: JSON.parse(text) as object, keys: [...keys] };
}

/** A Lambda-like context for running a handler locally. */
export const fakeContext = (functionName: string): Context =>
  ({
    functionName, functionVersion: '$LATEST', invokedFunctionArn: LOCAL_ARN(functionName), memoryLimitInMB: '256',
    awsRequestId: `local-${Math.random().toString(16).slice(2)}`, logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local', callbackWaitsForEmptyEventLoop: false, getRemainingTimeInMillis: () => 30_000,
    done: () => undefined, fail: () => undefined, succeed: () => undefined,
  }) as Context;

interface TaskState { name: string; resource: string; timeoutPath?: string }

function taskStates(node: unknown, out: TaskState[] = []): TaskState[] {
  const states = (node as { States?: Record<string, Record<string, unknown>> }).States ?? {};
  for (const [name, s] of Object.entries(states)) {
    if (s.Type === 'Task') {
      out.push({ name, resource: String(s.Resource), ...(s.TimeoutSecondsPath ? { timeoutPath: String(s.TimeoutSecondsPath) } : {}) });
    }
    for (const b of (s.Branches as unknown[] | undefined) ?? []) taskStates(b, out);
    if (s.Iterator) taskStates(s.Iterator, out);
    if (s.ItemProcessor) taskStates(s.ItemProcessor, out);
  }
  return out;
}

/** Below Node's setTimeout limit (2^31-1 ms, about 24.8 days): the engine's own timer must never fire first. */
const ENGINE_TIMEOUT_SECONDS = 2_000_000;

/**
 * aws-local-stepfunctions resolves TimeoutSecondsPath against the request after Parameters, where Step Functions
 * uses the state input. For waiting Tasks the runner enforces the timeout itself (against the state input, as on
 * AWS), so the engine gets a fixed, long timeout instead.
 */
function engineTimeouts(node: unknown): void {
  const states = (node as { States?: Record<string, Record<string, unknown>> }).States ?? {};
  for (const s of Object.values(states)) {
    if (s.Type === 'Task' && String(s.Resource).endsWith('.waitForTaskToken') && s.TimeoutSecondsPath) {
      delete s.TimeoutSecondsPath;
      s.TimeoutSeconds = ENGINE_TIMEOUT_SECONDS;
    }
    for (const b of (s.Branches as unknown[] | undefined) ?? []) engineTimeouts(b);
  }
}

/** `$.a.b` against a value: enough for TimeoutSecondsPath. */
const atPath = (value: unknown, path: string): unknown =>
  path.replace(/^\$\.?/, '').split('.').filter(Boolean).reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], value);

export interface LocalOptions {
  /** Where `.waitForTaskToken` Tasks wait for their callback. Without it, such a Task fails the run. */
  tokens?: TaskTokenBroker;
  /** Milliseconds per second of a waiting Task's timeout (default 1000: real time). */
  msPerTimeoutSecond?: number;
}

/**
 * Run an ASL file locally with aws-local-stepfunctions. Every Task that invokes a Lambda is bound to the real
 * handler for its substitution key (e.g. `LoadLiveStateFunctionArn`), called with a Lambda-like context and wrapped
 * as `{ Payload }` like the lambda:invoke integration. A key with no handler fails the run (nothing calls AWS).
 */
export function localStateMachine(aslFile: string, handlers: Record<string, LambdaHandler>, options: LocalOptions = {}) {
  const { definition, keys } = substitute(readFileSync(aslFile, 'utf8'));
  const missing = keys.filter((k) => !handlers[k]);
  if (missing.length) throw new Error(`${aslFile}: no local handler for ${missing.join(', ')}`);
  const byArn = new Map(keys.map((k) => [LOCAL_ARN(k), { key: k, handler: handlers[k]! }]));
  const tasks = taskStates(definition);
  engineTimeouts(definition);

  const taskResourceLocalHandlers: Record<string, (input: JSONValue) => Promise<JSONValue>> = {};
  const retryIntervalOverrides: Record<string, number> = {};
  for (const task of tasks) {
    retryIntervalOverrides[task.name] = 0;
    taskResourceLocalHandlers[task.name] = (async (request: JSONValue) => {
      const input = request as { FunctionName?: string; Payload?: unknown };
      const bound = byArn.get(String(input.FunctionName));
      if (!bound) throw new Error(`Task ${task.name}: no local handler for ${String(input.FunctionName)}`);
      const payload = await bound.handler(input.Payload as never, fakeContext(bound.key.replace(/Arn$/, '')));
      if (task.resource.endsWith('.waitForTaskToken')) {
        // The Lambda returned; the Task now waits for SendTaskSuccess/SendTaskFailure on its token, or times out.
        if (!options.tokens) throw new Error(`Task ${task.name} waits for a task token, but no local token broker was given`);
        const request = input.Payload as { taskToken?: string; state?: unknown };
        const seconds = task.timeoutPath ? Number(atPath({ ...(request.state as object) }, task.timeoutPath)) : undefined;
        const ms = seconds === undefined || Number.isNaN(seconds) ? undefined : seconds * (options.msPerTimeoutSecond ?? 1000);
        return JSON.parse(JSON.stringify((await options.tokens.wait(String(request.taskToken), ms)) ?? null)) as JSONValue;
      }
      return JSON.parse(JSON.stringify({ Payload: payload ?? null, StatusCode: 200 })) as JSONValue;
    });
  }
  const machine = new StateMachine(definition as never, { validationOptions: { checkPaths: true, checkArn: true } });

  return {
    async run(input: unknown, opts: { retryIntervals?: Record<string, number>; executionArn?: string } = {}): Promise<LocalRun> {
      const executionArn = opts.executionArn ?? `arn:aws:states:us-east-1:123456789012:execution:local-remediate:local-${Date.now()}`;
      const execution = machine.run(input as never, {
        overrides: { taskResourceLocalHandlers, retryIntervalOverrides: { ...retryIntervalOverrides, ...opts.retryIntervals } },
        noThrowOnAbort: true,
        // The context object: one task token per run (a run waits on at most one task at a time) and an execution id.
        context: {
          Execution: { Id: executionArn, Name: executionArn.split(':').pop() ?? 'local' },
          Task: { Token: options.tokens?.newToken() ?? 'no-token-broker' },
        },
      });
      const path: string[] = [];
      const collecting = (async () => {
        for await (const e of execution.eventLogs) {
          if (e.type === 'StateEntered') path.push((e as { state: { name: string } }).state.name);
        }
      })();
      try {
        const output = await execution.result;
        await collecting;
        return { output, path };
      } catch (err) {
        await collecting.catch(() => undefined);
        const e = err as { name?: string; message?: string; cause?: { name?: string; message?: string } };
        return { output: undefined, path, failed: { error: e.cause?.name ?? e.name ?? 'Error', cause: e.cause?.message ?? e.message ?? '' } };
      }
    },
  };
}
