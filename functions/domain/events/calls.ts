import { ROUTED_EC2_EVENTS } from './cloudtrail-ec2';
import { CLOUDTRAIL_ECR_EVENTS } from './cloudtrail-ecr';
import { CLOUDTRAIL_ECS_EVENTS } from './cloudtrail-ecs';
import { CLOUDTRAIL_EKS_EVENTS } from './cloudtrail-eks';

/** Every CloudTrail call triage routes, as `service:EventName`: the names come from the normalizers' own lists. */
export const ROUTED_CALLS = [
  ...ROUTED_EC2_EVENTS.map((e) => `ec2:${e}` as const),
  ...CLOUDTRAIL_ECS_EVENTS.map((e) => `ecs:${e}` as const),
  ...CLOUDTRAIL_EKS_EVENTS.map((e) => `eks:${e}` as const),
  ...CLOUDTRAIL_ECR_EVENTS.map((e) => `ecr:${e}` as const),
];
export type CloudTrailCall = (typeof ROUTED_CALLS)[number];
