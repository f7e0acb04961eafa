import middy from '@middy/core';
import { StateMachine } from 'aws-local-stepfunctions';
import { defaultPolicy, decideMode } from '../../functions/domain/policy';

test('toolchain: middy, local step functions and the domain load under jest ESM', async () => {
  const h = middy(async (e: { n: number }) => e.n + 1);
  expect(await h({ n: 1 }, {} as never)).toBe(2);
  const sm = new StateMachine({ StartAt: 'A', States: { A: { Type: 'Pass', Result: 3, End: true } } });
  expect(await sm.run({}).result).toBe(3);
  expect(decideMode(defaultPolicy({ defaults: { mode: 'notify' } }), 'x', 'auto', undefined)).toBe('notify');
  expect(process.version.startsWith('v22')).toBe(true);
});
