import { ecrTagImmutability as control } from '../../../functions/domain/controls/ecr-tag-immutability';
import type { RepositoryFacts } from '../../../functions/domain/model';
import { observation, policy } from './fixtures';
import { flaggedCases } from './shared';

const repo = (r: Partial<RepositoryFacts>, eventName: string) =>
  observation({ kind: 'ecr-repository', repository: { repositoryName: 'web', ...r } }, { eventName });

describe('ecr-tag-immutability', () => {
  test.each(['MUTABLE', 'MUTABLE_WITH_EXCLUSION'])('%s is a finding, approval', (tagMutability) => {
    expect(control.evaluate(repo({ tagMutability }, 'PutImageTagMutability'), policy()).findings[0]).toMatchObject({
      severity: 'MEDIUM',
      remediation: { action: 'set-ecr-tag-immutability', mode: 'approval' },
    });
  });
  test('absent on CreateRepository is the default (MUTABLE): a finding', () => {
    expect(control.evaluate(repo({ scanOnPush: true }, 'CreateRepository'), policy()).findings[0]?.evidence).toContain('default: MUTABLE');
  });
  test.each(['IMMUTABLE', 'IMMUTABLE_WITH_EXCLUSION'])('%s is fine', (tagMutability) => {
    expect(control.evaluate(repo({ tagMutability }, 'CreateRepository'), policy()).findings).toEqual([]);
  });
  test('absent on another call means unchanged', () => {
    expect(control.evaluate(repo({ scanOnPush: false }, 'PutImageScanningConfiguration'), policy()).findings).toEqual([]);
  });
  flaggedCases(control, 'AWS::ECR::Repository');
});
