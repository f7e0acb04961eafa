import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { EKSClient } from '@aws-sdk/client-eks';
import type { ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ec2 } from './clients/ec2';
import { ecr } from './clients/ecr';
import { ecs } from './clients/ecs';
import { eks } from './clients/eks';
import { elb } from './clients/elb';
import { elbv2 } from './clients/elbv2';

/** The SDK clients actions may use, built lazily. */
export interface ActionClients {
  ec2: () => EC2Client;
  ecs: () => ECSClient;
  eks: () => EKSClient;
  ecr: () => ECRClient;
  /** Load balancers (ELBv2, Classic): only read, to tell public front ends (aws/front-ends.ts). */
  elbv2: () => ElasticLoadBalancingV2Client;
  elb: () => ElasticLoadBalancingClient;
}

/** The clients every action may use (the remediation step Lambdas), built on first use. */
export const actionClients: ActionClients = { ec2, ecs, eks, ecr, elbv2, elb };
