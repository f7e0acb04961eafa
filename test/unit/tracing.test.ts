// The Tracer loads on Lambda only, once, on the first invocation; local runs and tests never need X-Ray.
import type middy from '@middy/core';
import { tracing, tracingWanted } from '../../functions/runtime/tracing';

test('tracing is wanted on Lambda unless the template turned it off or sam local runs it', () => {
  expect(tracingWanted({})).toBe(false);
  expect(tracingWanted({ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' })).toBe(true);
  expect(tracingWanted({ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x', POWERTOOLS_TRACE_ENABLED: 'true' })).toBe(true);
  expect(tracingWanted({ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x', POWERTOOLS_TRACE_ENABLED: 'False' })).toBe(false);
  expect(tracingWanted({ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x', AWS_SAM_LOCAL: 'true' })).toBe(false);
});

test('off Lambda the Tracer is never loaded; on Lambda it is loaded once and each phase is handed to it', async () => {
  const request = {} as middy.Request;
  let loads = 0;
  const calls: string[] = [];
  const load = async () => (loads++, { before: () => void calls.push('before'), after: () => void calls.push('after'), onError: () => void calls.push('onError') });
  const before = process.env.AWS_EXECUTION_ENV;
  try {
    delete process.env.AWS_EXECUTION_ENV;
    await tracing(load).before!(request);
    expect(loads).toBe(0);
  } finally {
    if (before !== undefined) process.env.AWS_EXECUTION_ENV = before;
  }
  process.env.AWS_EXECUTION_ENV = 'AWS_Lambda_nodejs22.x';
  try {
    const m = tracing(load);
    await m.before!(request);
    await m.after!(request);
    await m.onError!(request);
    await m.before!(request);
    expect(loads).toBe(1);
    expect(calls).toEqual(['before', 'after', 'onError', 'before']);
  } finally {
    if (before === undefined) delete process.env.AWS_EXECUTION_ENV;
    else process.env.AWS_EXECUTION_ENV = before;
  }
});
