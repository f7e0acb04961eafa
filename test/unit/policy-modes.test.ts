// Modes only ever tighten: the DefaultMode stack parameter and the policy's defaults.mode combine by strictest.
import { decideRunMode, defaultPolicy } from '../../functions/domain/policy';
import { policyFromText } from '../../functions/runtime/config';

const MODES = ['auto', 'approval', 'notify', 'dry-run'] as const;
const strictest = (a: string, b: string) => MODES[Math.max(MODES.indexOf(a as never), MODES.indexOf(b as never))];

describe('DefaultMode × defaults.mode', () => {
  test.each(MODES.flatMap((param) => MODES.map((policy) => [param, policy] as const)))('parameter %s, policy %s', (param, policy) => {
    const effective = policyFromText(JSON.stringify({ defaults: { mode: policy } }), { WARDEN_DEFAULT_MODE: param }).defaults.mode;
    expect(effective).toBe(strictest(param, policy));
  });
  test('a policy that asks for dry-run is never loosened to auto', () => {
    expect(policyFromText('{"defaults":{"mode":"dry-run"}}', { WARDEN_DEFAULT_MODE: 'auto' }).defaults.mode).toBe('dry-run');
  });
  test('no parameter: the policy decides; no policy mode: the parameter does', () => {
    expect(policyFromText('{"defaults":{"mode":"notify"}}', {}).defaults.mode).toBe('notify');
    expect(policyFromText('{}', { WARDEN_DEFAULT_MODE: 'approval' }).defaults.mode).toBe('approval');
  });
});

describe('the run decides its mode once, and records why', () => {
  const base = { controlId: 'sg-world-open-ingress', controlDefault: 'auto' as const, announced: 'auto' as const, tags: {} };
  test('every rule as strict as the result is named', () => {
    const policy = defaultPolicy({ environments: { modes: { prod: 'approval' } } });
    expect(decideRunMode(policy, { ...base, tags: { Environment: 'prod' } })).toEqual({ mode: 'approval', reasons: ['Environment=prod → approval'] });
    const exemption = { status: 'active' as const, why: 'exempt until 2027-01-31 (PCI-1, granted by alice)' };
    expect(decideRunMode(policy, { ...base, tags: { 'warden:exempt-until': '2027-01-31' }, exemption })).toEqual({ mode: 'notify', reasons: ['exempt until 2027-01-31 (PCI-1, granted by alice) → notify'] });
    expect(decideRunMode(policy, { ...base, exemption: { status: 'expired', why: 'exemption expired on 2026-11-30' } }).mode).toBe('auto');
    expect(decideRunMode(policy, base).reasons).toEqual(['defaults.mode auto → auto', 'sg-world-open-ingress default → auto', 'as triage announced it → auto']);
  });
  test('never below what triage announced, nor below a floor', () => {
    expect(decideRunMode(defaultPolicy(), { ...base, announced: 'approval' })).toEqual({ mode: 'approval', reasons: ['as triage announced it → approval'] });
    expect(decideRunMode(defaultPolicy(), { ...base, floor: { mode: 'approval', why: 'move-env-secrets is plan-only' } }).reasons).toEqual(['move-env-secrets is plan-only → approval']);
  });
});
