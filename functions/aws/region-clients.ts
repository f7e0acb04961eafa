import { EC2Client } from '@aws-sdk/client-ec2';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { EKSClient } from '@aws-sdk/client-eks';
import { ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import type { ActionClients } from './action-clients';
import { withPlugins } from './client-cache';
// Each service's client module, as the code that sends its commands must load (test/unit/layers.test.ts).
import './clients/ec2';
import './clients/ecr';
import './clients/ecs';
import './clients/eks';
import './clients/elb';
import './clients/elbv2';

/**
 * Reads of many Regions in one process (`warden scan`): more attempts than the Lambdas' clients (no Step Functions
 * retries here), with the SDK's adaptive rate limiting so that a large account is read without a throttling storm.
 */
export const SCAN_SDK_CONFIG = { maxAttempts: 5, retryMode: 'adaptive' } as const;

/**
 * The clients of one Region, each built on first use. Credentials and endpoint come from the environment as usual,
 * or `credentials` (a member account's assumed role: aws/account-clients.ts). `base`: the SDK settings (default: the
 * scan's).
 */
export function regionClients(region: string, options: { base?: object; credentials?: AwsCredentialIdentity } = {}): ActionClients {
  const config = { ...(options.base ?? SCAN_SDK_CONFIG), region, ...(options.credentials ? { credentials: options.credentials } : {}) };
  const once = <T extends object>(make: () => T): (() => T) => {
    let client: T | undefined;
    return () => (client ??= withPlugins(make()));
  };
  return {
    ec2: once(() => new EC2Client(config)),
    ecs: once(() => new ECSClient(config)),
    eks: once(() => new EKSClient(config)),
    ecr: once(() => new ECRClient(config)),
    elbv2: once(() => new ElasticLoadBalancingV2Client(config)),
    elb: once(() => new ElasticLoadBalancingClient(config)),
  };
}

/** The Region the SDK would use (environment, then the profile's config), or undefined when none is set. */
export async function defaultRegion(): Promise<string | undefined> {
  try {
    return await new EC2Client({}).config.region();
  } catch {
    return undefined;
  }
}
