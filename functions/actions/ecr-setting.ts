import type { ECRClient, Repository } from '@aws-sdk/client-ecr';
import { describeRepository, ecrRepositoryName, repositoryTags } from '../aws/ecr';
import type { Plan } from '../domain/remediation';
import { fixingAction, type FixingAction, type Inspection } from './action';
import type { FixingDeclaration } from './declaration';

/** One setting of a private ECR repository: how to read it, what the plan says, and the call that turns it on. */
export interface EcrSetting {
  declaration: FixingDeclaration;
  /** True when the live repository already has the setting. */
  isOn(repo: Repository): boolean;
  /** The plan's steps for a repository that lacks the setting. */
  steps(name: string, repo: Repository): string[];
  /** The setting as it was (what a restore would put back), recorded in the plan's details. */
  before(repo: Repository | undefined): Record<string, unknown>;
  /** Turn the setting on. False when the repository no longer exists. */
  put(ecr: ECRClient, repositoryName: string): Promise<boolean>;
}

/** The inspect/apply/verify every ECR repository setting shares: a repository gone before the plan is `gone`, one gone at apply counts as fixed. */
export function ecrSettingAction(setting: EcrSetting): FixingAction {
  const nameOf = (plan: Plan): string => (plan.details as { repositoryName: string }).repositoryName;
  const { id } = setting.declaration;
  return fixingAction(setting.declaration, {
    async inspect(finding, clients): Promise<Inspection> {
      const name = ecrRepositoryName(finding.resource.id);
      const repo = await describeRepository(clients.ecr(), name);
      const violating = repo !== undefined && !setting.isOn(repo);
      const plan: Plan = {
        action: id,
        resource: finding.resource,
        targets: violating ? [repo?.repositoryArn ?? finding.resource.id] : [],
        steps: !repo ? [`ECR repository ${name} no longer exists: nothing to change`] : violating ? setting.steps(name, repo) : [],
        details: { repositoryName: name, ...setting.before(repo) },
      };
      const tags = repo?.repositoryArn && finding.resource.tags === undefined
        ? await repositoryTags(clients.ecr(), repo.repositoryArn)
        : undefined;
      return { stillViolating: violating, plan, ...(tags ? { tags } : {}), ...(repo ? {} : { gone: true }) };
    },

    async apply(plan, clients) {
      if (plan.targets.length === 0) return { applied: [], alreadyGone: [] };
      const exists = await setting.put(clients.ecr(), nameOf(plan));
      return exists ? { applied: [...plan.targets], alreadyGone: [] } : { applied: [], alreadyGone: [...plan.targets] };
    },

    async verify(plan, clients) {
      const repo = await describeRepository(clients.ecr(), nameOf(plan));
      const ok = !repo || setting.isOn(repo);
      return { verified: ok, remaining: ok ? [] : [...plan.targets] };
    },
  });
}
