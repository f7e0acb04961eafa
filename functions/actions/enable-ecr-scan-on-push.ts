import { putScanOnPush } from '../aws/ecr';
import { ecrSettingAction } from './ecr-setting';
import { arn, ECR_REPOSITORY_READS } from '../aws/permissions';
import { describeRepositories } from './grants';
import type { FixingDeclaration } from './declaration';

/** What it is and the IAM it needs per phase: `npm run gen` writes the registry and template.yaml's statements from it. */
export const declaration = {
  id: 'enable-ecr-scan-on-push',
  title: 'Enable ECR scan on push',
  planOnly: false,
  permissions: {
    inspect: ECR_REPOSITORY_READS,
    apply: [{ actions: ['ecr:PutImageScanningConfiguration'], resources: [arn('ecr', 'repository/*')], why: 'scanOnPush=true' }],
    verify: [describeRepositories],
  },
} as const satisfies FixingDeclaration;

/** Turn on scan-on-push for a private ECR repository (PutImageScanningConfiguration). Auto: nothing breaks. */
export const enableEcrScanOnPush = ecrSettingAction({
  declaration,
  isOn: (repo) => repo.imageScanningConfiguration?.scanOnPush === true,
  steps: (name) => [
    `turn on scan on push for ECR repository ${name} (PutImageScanningConfiguration imageScanningConfiguration {scanOnPush: true})`,
    'images pushed from now on are scanned; existing images are not re-scanned (start a scan or re-push them)',
    'if the registry uses enhanced scanning (Amazon Inspector), the registry scanning rules decide instead',
  ],
  before: (repo) => ({ scanOnPushBefore: repo?.imageScanningConfiguration?.scanOnPush ?? false }),
  put: putScanOnPush,
});
