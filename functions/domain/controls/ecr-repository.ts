import type { Observation, RepositoryFacts } from '../model';

export const ECR_REPOSITORY = 'AWS::ECR::Repository';

/** The ECR repository facts of an observation, if any. */
export const ecrRepository = (o: Observation): RepositoryFacts | undefined =>
  o.facts.kind === 'ecr-repository' ? o.facts.repository : undefined;

/**
 * Absent fields take the API default only on CreateRepository; on other calls (one setting each) they are
 * unchanged. Live and Config facts carry every field.
 */
export const absentIsDefault = (o: Observation): boolean => o.eventName === 'CreateRepository';
