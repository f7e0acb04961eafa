import { putScanOnPush } from '../aws/ecr';
import { ecrSettingAction } from './ecr-setting';

/** Turn on scan-on-push for a private ECR repository (PutImageScanningConfiguration). Auto: nothing breaks. */
export const enableEcrScanOnPush = ecrSettingAction({
  id: 'enable-ecr-scan-on-push',
  isOn: (repo) => repo.imageScanningConfiguration?.scanOnPush === true,
  steps: (name) => [
    `turn on scan on push for ECR repository ${name} (PutImageScanningConfiguration imageScanningConfiguration {scanOnPush: true})`,
    'images pushed from now on are scanned; existing images are not re-scanned (start a scan or re-push them)',
    'if the registry uses enhanced scanning (Amazon Inspector), the registry scanning rules decide instead',
  ],
  before: (repo) => ({ scanOnPushBefore: repo?.imageScanningConfiguration?.scanOnPush ?? false }),
  put: putScanOnPush,
});
