import { eksSecretsEncryption as control } from '../../../functions/domain/controls/eks-secrets-encryption';
import { eksObs, policy } from './fixtures';
import { flaggedCases } from './shared';

describe('eks-secrets-encryption', () => {
  test('no secrets encryption is a notify finding', () => {
    const { findings } = control.evaluate(eksObs({ secretsEncrypted: false }), policy());
    expect(findings[0]).toMatchObject({ severity: 'MEDIUM', remediation: { action: 'notify-owner', mode: 'notify' } });
    expect(control.evaluate(eksObs({}, { eventName: 'CreateCluster' }), policy()).findings).toHaveLength(1);
  });
  test('encrypted secrets are fine', () => {
    expect(control.evaluate(eksObs({ secretsEncrypted: true }), policy()).findings).toEqual([]);
  });
  test('partial facts only evaluate present fields', () => {
    expect(control.evaluate(eksObs({ partial: true, enabledLogTypes: ['api'] }), policy()).findings).toEqual([]);
  });
  flaggedCases(control, 'AWS::EKS::Cluster');
});
