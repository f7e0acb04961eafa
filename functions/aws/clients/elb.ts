import { ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import { lazy, sdkConfig } from '../client-cache';

/** Classic Load Balancers. */
export const elb = lazy('elb', () => new ElasticLoadBalancingClient(sdkConfig()));
