import { eksControlPlaneLogging as control } from '../../../functions/domain/controls/eks-control-plane-logging';
import { eksObs, policy } from './fixtures';
import { flaggedCases } from './shared';

describe('eks-control-plane-logging', () => {
  test('api, audit and authenticator on is fine (the others are optional)', () => {
    expect(control.evaluate(eksObs({ enabledLogTypes: ['api', 'audit', 'authenticator'] }), policy()).findings).toEqual([]);
  });
  test('a missing required type is a finding, auto', () => {
    const { findings } = control.evaluate(eksObs({ enabledLogTypes: ['api', 'scheduler'] }), policy());
    expect(findings[0]).toMatchObject({ severity: 'MEDIUM', remediation: { action: 'enable-eks-logging', mode: 'auto' } });
    expect(findings[0]?.evidence).toBe('cluster prod: control-plane logs off: audit, authenticator');
  });
  test('CreateCluster without logging: every required type is off', () => {
    expect(control.evaluate(eksObs({}, { eventName: 'CreateCluster' }), policy()).findings[0]?.evidence).toContain('api, audit, authenticator');
  });
  test('partial facts only evaluate present fields', () => {
    expect(control.evaluate(eksObs({ partial: true, endpointPublicAccess: false }), policy())).toEqual({ findings: [] });
    // UpdateClusterConfig lists only the types it changed: judge what it turned off, nothing else.
    const off = control.evaluate(eksObs({ partial: true, enabledLogTypes: [], disabledLogTypes: ['audit', 'scheduler'] }, { eventName: 'UpdateClusterConfig' }), policy());
    expect(off.findings).toHaveLength(1);
    expect(off.findings[0]!.evidence).toContain('turned off: audit');
    expect(off.findings[0]!.evidence).not.toContain('api');
    const onlyOn = control.evaluate(eksObs({ partial: true, enabledLogTypes: ['api'], disabledLogTypes: [] }, { eventName: 'UpdateClusterConfig' }), policy());
    expect(onlyOn.findings).toEqual([]);
    const schedulerOff = control.evaluate(eksObs({ partial: true, disabledLogTypes: ['scheduler'] }, { eventName: 'UpdateClusterConfig' }), policy());
    expect(schedulerOff.findings).toEqual([]);
  });
  flaggedCases(control, 'AWS::EKS::Cluster');
});
