import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { EKSClient } from '@aws-sdk/client-eks';
import type { ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { loadedClient } from './client-cache';

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

/**
 * The clients of the remediation, runbook and triage Lambdas, built on first use. Nothing here imports the SDK: each
 * client comes with the code that sends its commands (aws/client-cache.ts loadedClient), which loads on first use.
 */
export const actionClients: ActionClients = {
  ec2: () => loadedClient('ec2'),
  ecs: () => loadedClient('ecs'),
  eks: () => loadedClient('eks'),
  ecr: () => loadedClient('ecr'),
  elbv2: () => loadedClient('elbv2'),
  elb: () => loadedClient('elb'),
};
