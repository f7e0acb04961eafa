import type { Observation } from '../model';
import type { Policy } from '../policy/schema';
import type { Control, ControlResult } from './control';
import { findingOf, flaggedResult, NONE } from './control-kit';
import { absentIsDefault, ECR_REPOSITORY, ecrRepository } from './ecr-repository';

/** ECR.2: tags cannot be overwritten, so the scanned image is the one that runs. CreateRepository's default is MUTABLE. */
export const ecrTagImmutability: Control = {
  id: 'ecr-tag-immutability',
  title: 'The ECR repository allows image tags to be overwritten',
  severity: 'MEDIUM',
  seedRef: '1 Trusted images: keep images trusted and up to date (an immutable tag always names the image that was scanned)',
  seed: ['1/scan-images-vulnerabilities-keep'],
  mappings: { securityHub: ['ECR.2'], configRules: ['ecr-private-tag-immutability-enabled'], prowler: ['ecr_repositories_tag_immutability'] },
  resourceTypes: [ECR_REPOSITORY],
  triggers: { cloudTrail: ['ecr:CreateRepository', 'ecr:PutImageTagMutability'], configItems: true },
  remediation: {
    action: 'set-ecr-tag-immutability',
    defaultMode: 'approval',
    summary: 'PutImageTagMutability IMMUTABLE (pipelines that re-push a tag such as latest will fail)',
  },

  appliesTo: (o) => o.resource.type === ECR_REPOSITORY,

  evaluate(o: Observation, policy: Policy): ControlResult {
    if (o.facts.kind === 'flagged') return flaggedResult(ecrTagImmutability, o, policy);
    const r = ecrRepository(o);
    if (!r) return NONE;
    const value = r.tagMutability ?? (absentIsDefault(o) ? 'MUTABLE' : undefined);
    // MUTABLE and MUTABLE_WITH_EXCLUSION; IMMUTABLE and IMMUTABLE_WITH_EXCLUSION are fine.
    if (value === undefined || !value.toUpperCase().startsWith('MUTABLE')) return NONE;
    const how = r.tagMutability === undefined ? 'created without imageTagMutability (default: MUTABLE)' : `imageTagMutability ${value}`;
    return { findings: [findingOf(ecrTagImmutability, o, policy, [o.resource.id], `repository ${r.repositoryName}: ${how}`)] };
  },
};
