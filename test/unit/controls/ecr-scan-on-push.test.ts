import { ecrScanOnPush as control } from '../../../functions/domain/controls/ecr-scan-on-push';
import type { RepositoryFacts } from '../../../functions/domain/model';
import { observation, policy } from './fixtures';
import { flaggedCases } from './shared';

const repo = (r: Partial<RepositoryFacts>, eventName: string) =>
  observation({ kind: 'ecr-repository', repository: { repositoryName: 'web', ...r } }, { eventName });

describe('ecr-scan-on-push', () => {
  test('scanOnPush false is a finding on the repository ARN, auto', () => {
    const o = repo({ scanOnPush: false }, 'PutImageScanningConfiguration');
    expect(control.evaluate(o, policy()).findings[0]).toMatchObject({
      severity: 'HIGH',
      remediation: { action: 'enable-ecr-scan-on-push', mode: 'auto', targets: ['arn:aws:ecr:eu-west-1:111122223333:repository/web'] },
    });
  });
  test('absent on CreateRepository is the default (off): a finding', () => {
    expect(control.evaluate(repo({}, 'CreateRepository'), policy()).findings[0]?.evidence).toContain('default: off');
  });
  test('scanOnPush true is fine', () => {
    expect(control.evaluate(repo({ scanOnPush: true }, 'CreateRepository'), policy()).findings).toEqual([]);
  });
  test('absent on another call means unchanged', () => {
    expect(control.evaluate(repo({ tagMutability: 'MUTABLE' }, 'PutImageTagMutability'), policy()).findings).toEqual([]);
  });
  flaggedCases(control, 'AWS::ECR::Repository');
});
