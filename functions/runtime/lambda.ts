import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { logger } from './logger';

/** Every Warden Lambda: middy with the Powertools logger context. Handlers stay thin: parse, call, return. */
export const lambda = <I, O>(fn: (input: I, context: Context) => Promise<O>) =>
  middy(fn).use(injectLambdaContext(logger, { resetKeys: true }));
