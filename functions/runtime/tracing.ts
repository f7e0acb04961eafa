import type middy from '@middy/core';

/**
 * X-Ray tracing is wanted on Lambda only (AWS_EXECUTION_ENV), not under `sam local`, and not when the template's
 * Tracing parameter turned it off (POWERTOOLS_TRACE_ENABLED=false). Local runs and tests never load the Tracer.
 */
export const tracingWanted = (env: NodeJS.ProcessEnv = process.env): boolean =>
  Boolean(env.AWS_EXECUTION_ENV) && !env.AWS_SAM_LOCAL && env.POWERTOOLS_TRACE_ENABLED?.trim().toLowerCase() !== 'false';

/**
 * Powertools Tracer's captureLambdaHandler, loaded with the first invocation: the Tracer brings the X-Ray SDK, about
 * 55 ms of import that would push triage's cold init past 100 ms (bench/init.ts). It then captures the SDK clients
 * built from then on (aws/client-cache.ts).
 */
export const tracing = (load: () => Promise<middy.MiddlewareObj | undefined> = () => import('./tracer').then((m) => m.captureHandler())): middy.MiddlewareObj => {
  // Decided once per container (a handler's middleware), at its first invocation.
  let loaded: Promise<middy.MiddlewareObj | undefined> | undefined;
  const middleware = () => (loaded ??= tracingWanted() ? load() : Promise.resolve(undefined));
  return {
    before: async (request) => (await middleware())?.before?.(request),
    after: async (request) => (await middleware())?.after?.(request),
    onError: async (request) => (await middleware())?.onError?.(request),
  };
};
