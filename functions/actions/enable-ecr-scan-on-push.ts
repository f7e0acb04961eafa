import { describeRepository, ecrRepositoryName, putScanOnPush, repositoryTags } from '../aws/ecr';
import type { Plan } from '../domain/remediation';
import type { FixingAction, Inspection } from './action';

/** Turn on scan-on-push for a private ECR repository (PutImageScanningConfiguration). Auto: nothing breaks. */
export const enableEcrScanOnPush: FixingAction = {
  id: 'enable-ecr-scan-on-push',
  title: 'Enable ECR scan on push',

  async inspect(finding, clients): Promise<Inspection> {
    const name = ecrRepositoryName(finding.resource.id);
    const repo = await describeRepository(clients.ecr(), name);
    const violating = repo !== undefined && repo.imageScanningConfiguration?.scanOnPush !== true;
    const plan: Plan = {
      action: 'enable-ecr-scan-on-push',
      resource: finding.resource,
      targets: violating ? [repo?.repositoryArn ?? finding.resource.id] : [],
      steps: violating
        ? [
            `turn on scan on push for ECR repository ${name} (PutImageScanningConfiguration imageScanningConfiguration {scanOnPush: true})`,
            'images pushed from now on are scanned; existing images are not re-scanned (start a scan or re-push them)',
            'if the registry uses enhanced scanning (Amazon Inspector), the registry scanning rules decide instead',
          ]
        : [],
      details: { repositoryName: name, scanOnPushBefore: repo?.imageScanningConfiguration?.scanOnPush ?? false },
    };
    const tags = repo?.repositoryArn && finding.resource.tags === undefined
      ? await repositoryTags(clients.ecr(), repo.repositoryArn)
      : undefined;
    return { stillViolating: violating, plan, ...(tags ? { tags } : {}) };
  },

  async apply(plan, clients) {
    if (plan.targets.length === 0) return { applied: [], alreadyGone: [] };
    const exists = await putScanOnPush(clients.ecr(), (plan.details as { repositoryName: string }).repositoryName);
    return exists ? { applied: [...plan.targets], alreadyGone: [] } : { applied: [], alreadyGone: [...plan.targets] };
  },

  async verify(plan, clients) {
    const repo = await describeRepository(clients.ecr(), (plan.details as { repositoryName: string }).repositoryName);
    const ok = !repo || repo.imageScanningConfiguration?.scanOnPush === true;
    return { verified: ok, remaining: ok ? [] : [...plan.targets] };
  },
};
