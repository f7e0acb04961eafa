import { readFileSync } from 'node:fs';
import { StateMachine } from 'aws-local-stepfunctions';

type JSONValue = Parameters<NonNullable<NonNullable<NonNullable<Parameters<StateMachine['run']>[1]>['overrides']>['taskResourceLocalHandlers']>[string]>[0];
import type { Context } from 'aws-lambda';

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

function taskStates(node: unknown, out: { name: string; resource: string }[] = []): { name: string; resource: string }[] {
  const states = (node as { States?: Record<string, Record<string, unknown>> }).States ?? {};
  for (const [name, s] of Object.entries(states)) {
    if (s.Type === 'Task') out.push({ name, resource: String(s.Resource) });
    for (const b of (s.Branches as unknown[] | undefined) ?? []) taskStates(b, out);
    if (s.Iterator) taskStates(s.Iterator, out);
    if (s.ItemProcessor) taskStates(s.ItemProcessor, out);
  }
  return out;
}

/**
 * Run an ASL file locally with aws-local-stepfunctions. Every Task that invokes a Lambda is bound to the real
 * handler for its substitution key (e.g. `LoadLiveStateFunctionArn`), called with a Lambda-like context and wrapped
 * as `{ Payload }` like the lambda:invoke integration. A key with no handler fails the run (nothing calls AWS).
 */
export function localStateMachine(aslFile: string, handlers: Record<string, LambdaHandler>) {
  const { definition, keys } = substitute(readFileSync(aslFile, 'utf8'));
  const missing = keys.filter((k) => !handlers[k]);
  if (missing.length) throw new Error(`${aslFile}: no local handler for ${missing.join(', ')}`);
  const byArn = new Map(keys.map((k) => [LOCAL_ARN(k), { key: k, handler: handlers[k]! }]));

  const taskResourceLocalHandlers: Record<string, (input: JSONValue) => Promise<JSONValue>> = {};
  const retryIntervalOverrides: Record<string, number> = {};
  for (const task of taskStates(definition)) {
    retryIntervalOverrides[task.name] = 0;
    taskResourceLocalHandlers[task.name] = (async (request: JSONValue) => {
      const input = request as { FunctionName?: string; Payload?: unknown };
      const bound = byArn.get(String(input.FunctionName));
      if (!bound) throw new Error(`Task ${task.name}: no local handler for ${String(input.FunctionName)}`);
      const payload = await bound.handler(input.Payload as never, fakeContext(bound.key.replace(/Arn$/, '')));
      return JSON.parse(JSON.stringify({ Payload: payload ?? null, StatusCode: 200 })) as JSONValue;
    });
  }
  const machine = new StateMachine(definition as never, { validationOptions: { checkPaths: true, checkArn: true } });

  return {
    async run(input: unknown, opts: { retryIntervals?: Record<string, number> } = {}): Promise<LocalRun> {
      const execution = machine.run(input as never, {
        overrides: { taskResourceLocalHandlers, retryIntervalOverrides: { ...retryIntervalOverrides, ...opts.retryIntervals } },
        noThrowOnAbort: true,
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
