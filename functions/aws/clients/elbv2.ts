import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { lazy, sdkConfig } from '../client-cache';

/** Application, Network and Gateway Load Balancers. */
export const elbv2 = lazy('elbv2', () => new ElasticLoadBalancingV2Client(sdkConfig()));
