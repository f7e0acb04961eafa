import type { EksClusterFacts, Observation } from '../model';

export const EKS_CLUSTER = 'AWS::EKS::Cluster';

/** The EKS cluster facts of an observation, if any. */
export const eksCluster = (o: Observation): EksClusterFacts | undefined =>
  o.facts.kind === 'eks-cluster' ? o.facts.cluster : undefined;

/** Event sources of an EKS control, from its mappings. */
export const eksTriggers = (securityHub: string, configRules: string[]): string[] => [
  'CloudTrail eks:CreateCluster, eks:UpdateClusterConfig',
  `Config compliance change: ${configRules.join(', ')}`,
  `Config configuration item change: ${EKS_CLUSTER}`,
  `Security Hub: ${securityHub}`,
];
