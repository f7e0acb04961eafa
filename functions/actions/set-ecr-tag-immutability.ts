import { describeRepository, ecrRepositoryName, isTagImmutable, putTagImmutability, repositoryTags } from '../aws/ecr';
import type { Plan } from '../domain/remediation';
import type { FixingAction, Inspection } from './action';

/**
 * Make a private ECR repository's tags immutable (PutImageTagMutability IMMUTABLE). Approval by default: pipelines
 * that push the same tag twice (`latest`, `dev`) start failing.
 */
export const setEcrTagImmutability: FixingAction = {
  id: 'set-ecr-tag-immutability',
  title: 'Set ECR tag immutability',

  async inspect(finding, clients): Promise<Inspection> {
    const name = ecrRepositoryName(finding.resource.id);
    const repo = await describeRepository(clients.ecr(), name);
    const before = repo?.imageTagMutability ?? 'MUTABLE';
    const violating = repo !== undefined && !isTagImmutable(before);
    const plan: Plan = {
      action: 'set-ecr-tag-immutability',
      resource: finding.resource,
      targets: violating ? [repo?.repositoryArn ?? finding.resource.id] : [],
      steps: violating
        ? [
            `make the tags of ECR repository ${name} immutable (PutImageTagMutability imageTagMutability IMMUTABLE, was ${before})`,
            'warning: pipelines that re-push an existing tag (latest, dev, a branch name) will fail with ImageTagAlreadyExistsException; ' +
              'push unique tags (a commit SHA or a version) and deploy by tag or digest',
            ...(before === 'MUTABLE_WITH_EXCLUSION' ? ['the repository\'s tag-mutability exclusion filters no longer apply'] : []),
          ]
        : [],
      // The setting as it was: what a restore would put back.
      details: { repositoryName: name, imageTagMutabilityBefore: before },
    };
    const tags = repo?.repositoryArn && finding.resource.tags === undefined
      ? await repositoryTags(clients.ecr(), repo.repositoryArn)
      : undefined;
    return { stillViolating: violating, plan, ...(tags ? { tags } : {}) };
  },

  async apply(plan, clients) {
    if (plan.targets.length === 0) return { applied: [], alreadyGone: [] };
    const exists = await putTagImmutability(clients.ecr(), (plan.details as { repositoryName: string }).repositoryName);
    return exists ? { applied: [...plan.targets], alreadyGone: [] } : { applied: [], alreadyGone: [...plan.targets] };
  },

  async verify(plan, clients) {
    const repo = await describeRepository(clients.ecr(), (plan.details as { repositoryName: string }).repositoryName);
    const ok = !repo || isTagImmutable(repo.imageTagMutability);
    return { verified: ok, remaining: ok ? [] : [...plan.targets] };
  },
};
