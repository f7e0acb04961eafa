import type { EksClusterFacts, Observation } from '../model';
import type { Triggers } from './control';

export const EKS_CLUSTER = 'AWS::EKS::Cluster';

/** The EKS cluster facts of an observation, if any. */
export const eksCluster = (o: Observation): EksClusterFacts | undefined =>
  o.facts.kind === 'eks-cluster' ? o.facts.cluster : undefined;

/** Event sources of an EKS control, from its mappings. */
/** What feeds an EKS cluster control (its Config rules and Security Hub id come from its mappings). */
export const EKS_TRIGGERS: Triggers = { cloudTrail: ['eks:CreateCluster', 'eks:UpdateClusterConfig'], configItems: true };
