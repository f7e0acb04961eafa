import { eksEndpointPublic as control } from '../../../functions/domain/controls/eks-endpoint-public';
import { eksObs, policy } from './fixtures';
import { flaggedCases } from './shared';

describe('eks-endpoint-public', () => {
  test('public and open to 0.0.0.0/0 is a finding on the cluster ARN', () => {
    const o = eksObs({ endpointPublicAccess: true, publicAccessCidrs: ['0.0.0.0/0'] });
    const { findings } = control.evaluate(o, policy());
    expect(findings[0]).toMatchObject({
      severity: 'HIGH',
      remediation: { action: 'restrict-eks-endpoint', mode: 'approval', targets: ['arn:aws:eks:eu-west-1:111122223333:cluster/prod'] },
    });
    expect(findings[0]?.evidence).toBe('cluster prod: public endpoint open to 0.0.0.0/0');
  });
  test('CreateCluster without the fields gets the API default: public to the world', () => {
    expect(control.evaluate(eksObs({}, { eventName: 'CreateCluster' }), policy()).findings).toHaveLength(1);
  });
  test('the whole internet split into halves is as open as 0.0.0.0/0', () => {
    const o = eksObs({ endpointPublicAccess: true, publicAccessCidrs: ['0.0.0.0/1', '128.0.0.0/1'] });
    expect(control.evaluate(o, policy()).findings[0]?.evidence).toBe('cluster prod: public endpoint open to 0.0.0.0/1, 128.0.0.0/1');
  });
  test('an endpoint restricted to a /24 is fine', () => {
    expect(control.evaluate(eksObs({ endpointPublicAccess: true, publicAccessCidrs: ['203.0.113.0/24'] }), policy()).findings).toEqual([]);
  });
  test('a private endpoint is fine', () => {
    const o = eksObs({ endpointPublicAccess: false, endpointPrivateAccess: true, publicAccessCidrs: ['0.0.0.0/0'] });
    expect(control.evaluate(o, policy()).findings).toEqual([]);
  });
  test('partial facts only evaluate present fields', () => {
    // UpdateClusterConfig about logging only: nothing to say about the endpoint.
    expect(control.evaluate(eksObs({ partial: true, enabledLogTypes: [] }), policy())).toEqual({ findings: [] });
    expect(control.evaluate(eksObs({ partial: true, endpointPublicAccess: false }), policy())).toEqual({ findings: [] });
    expect(control.evaluate(eksObs({ partial: true, publicAccessCidrs: ['10.0.0.0/24'] }), policy())).toEqual({ findings: [] });
    expect(control.evaluate(eksObs({ partial: true, endpointPublicAccess: true, publicAccessCidrs: ['0.0.0.0/0'] }), policy()).findings).toHaveLength(1);
  });
  test('a partial update that cannot be decided says it needs live state', () => {
    const on = control.evaluate(eksObs({ partial: true, endpointPublicAccess: true }), policy());
    expect(on.findings).toEqual([]);
    expect(on.note).toMatch(/^needs live state: /);
    expect(control.evaluate(eksObs({ partial: true, publicAccessCidrs: ['0.0.0.0/0'] }), policy()).note).toMatch(/^needs live state: /);
  });
  flaggedCases(control, 'AWS::EKS::Cluster');
});
