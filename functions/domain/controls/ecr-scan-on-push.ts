import type { Observation } from '../model';
import type { Policy } from '../policy/schema';
import type { Control, ControlResult } from './control';
import { findingOf, flaggedResult, NONE } from './control-kit';
import { absentIsDefault, ECR_REPOSITORY, ecrRepository } from './ecr-repository';

/** ECR.1: images are scanned when pushed. CreateRepository's default is off. */
export const ecrScanOnPush: Control = {
  id: 'ecr-scan-on-push',
  title: 'The ECR repository does not scan images on push',
  severity: 'HIGH',
  seedRef: '1 Trusted images: perform image scanning to detect vulnerabilities',
  seed: ['1/scan-images-vulnerabilities-keep'],
  mappings: { securityHub: ['ECR.1'], configRules: ['ecr-private-image-scanning-enabled'], prowler: ['ecr_registry_scan_images_on_push_enabled'] },
  resourceTypes: [ECR_REPOSITORY],
  triggers: { cloudTrail: ['ecr:CreateRepository', 'ecr:PutImageScanningConfiguration'], configItems: true },
  remediation: {
    action: 'enable-ecr-scan-on-push',
    defaultMode: 'auto',
    summary: 'PutImageScanningConfiguration with scanOnPush true',
  },

  appliesTo: (o) => o.resource.type === ECR_REPOSITORY,

  evaluate(o: Observation, policy: Policy): ControlResult {
    if (o.facts.kind === 'flagged') return flaggedResult(ecrScanOnPush, o, policy);
    const r = ecrRepository(o);
    if (!r || r.scanOnPush === true) return NONE;
    if (r.scanOnPush === undefined && !absentIsDefault(o)) return NONE;
    const how = r.scanOnPush === undefined ? 'created without imageScanningConfiguration (default: off)' : 'scanOnPush false';
    return { findings: [findingOf(ecrScanOnPush, o, policy, [o.resource.id], `repository ${r.repositoryName}: ${how}`)] };
  },
};
