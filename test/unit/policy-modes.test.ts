// Modes only ever tighten: the DefaultMode stack parameter and the policy's defaults.mode combine by strictest.
import { policyFromEnv } from '../../functions/runtime/config';

const MODES = ['auto', 'approval', 'notify', 'dry-run'] as const;
const strictest = (a: string, b: string) => MODES[Math.max(MODES.indexOf(a as never), MODES.indexOf(b as never))];

describe('DefaultMode × defaults.mode', () => {
  test.each(MODES.flatMap((param) => MODES.map((policy) => [param, policy] as const)))('parameter %s, policy %s', (param, policy) => {
    const effective = policyFromEnv({ WARDEN_DEFAULT_MODE: param, WARDEN_POLICY: JSON.stringify({ defaults: { mode: policy } }) }).defaults.mode;
    expect(effective).toBe(strictest(param, policy));
  });
  test('a policy that asks for dry-run is never loosened to auto', () => {
    expect(policyFromEnv({ WARDEN_DEFAULT_MODE: 'auto', WARDEN_POLICY: '{"defaults":{"mode":"dry-run"}}' }).defaults.mode).toBe('dry-run');
  });
  test('no parameter: the policy decides; no policy mode: the parameter does', () => {
    expect(policyFromEnv({ WARDEN_POLICY: '{"defaults":{"mode":"notify"}}' }).defaults.mode).toBe('notify');
    expect(policyFromEnv({ WARDEN_DEFAULT_MODE: 'approval' }).defaults.mode).toBe('approval');
  });
});
