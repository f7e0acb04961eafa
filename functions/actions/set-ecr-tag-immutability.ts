import type { Repository } from '@aws-sdk/client-ecr';
import { isTagImmutable, putTagImmutability } from '../aws/ecr';
import { ecrSettingAction } from './ecr-setting';
import { arn, ECR_REPOSITORY_READS } from '../aws/permissions';
import { describeRepositories } from './grants';
import type { FixingDeclaration } from './declaration';

const mutabilityOf = (repo: Repository | undefined): string => repo?.imageTagMutability ?? 'MUTABLE';

/** What it is and the IAM it needs per phase: `npm run gen` writes the registry and template.yaml's statements from it. */
export const declaration = {
  id: 'set-ecr-tag-immutability',
  title: 'Set ECR tag immutability',
  planOnly: false,
  permissions: {
    inspect: ECR_REPOSITORY_READS,
    apply: [{ actions: ['ecr:PutImageTagMutability'], resources: [arn('ecr', 'repository/*')], why: 'imageTagMutability=IMMUTABLE' }],
    verify: [describeRepositories],
  },
} as const satisfies FixingDeclaration;

/**
 * Make a private ECR repository's tags immutable (PutImageTagMutability IMMUTABLE). Approval by default: pipelines
 * that push the same tag twice (`latest`, `dev`) start failing.
 */
export const setEcrTagImmutability = ecrSettingAction({
  declaration,
  isOn: (repo) => isTagImmutable(repo.imageTagMutability),
  steps: (name, repo) => {
    const before = mutabilityOf(repo);
    return [
      `make the tags of ECR repository ${name} immutable (PutImageTagMutability imageTagMutability IMMUTABLE, was ${before})`,
      'warning: pipelines that re-push an existing tag (latest, dev, a branch name) will fail with ImageTagAlreadyExistsException; ' +
        'push unique tags (a commit SHA or a version) and deploy by tag or digest',
      ...(before === 'MUTABLE_WITH_EXCLUSION' ? ['the repository\'s tag-mutability exclusion filters no longer apply'] : []),
    ];
  },
  before: (repo) => ({ imageTagMutabilityBefore: mutabilityOf(repo) }),
  put: putTagImmutability,
});
