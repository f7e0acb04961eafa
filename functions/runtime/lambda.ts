import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { asWardenThrottled } from '../aws/errors';
import { logger } from './logger';
import { tracing } from './tracing';

/**
 * AWS throttling that escaped a handler (any call, any service) leaves as Warden.Throttled, so the state machines'
 * Retry policies, which match that name, retry it with backoff instead of failing the run.
 */
const throttlingAsWardenError = (): middy.MiddlewareObj => ({
  onError: async (request) => {
    if (request.error) request.error = asWardenThrottled(request.error) as Error;
  },
});

/**
 * Every Warden Lambda: middy with the X-Ray handler subsegment (on Lambda, runtime/tracing.ts) and the Powertools
 * logger context. Handlers stay thin: parse, call, return.
 */
export const lambda = <I, O>(fn: (input: I, context: Context) => Promise<O>) =>
  middy(fn).use(tracing()).use(injectLambdaContext(logger, { resetKeys: true })).use(throttlingAsWardenError());
