import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { lazy, sdkConfig } from '../client-cache';

/**
 * Security Hub, for the write-back at the end of a run: short timeouts, so a slow or unreachable Security Hub costs
 * the Record step seconds, never its timeout: one attempt (a retried step writes again), its failure recorded, not thrown.
 */
export const securityhub = lazy('securityhub', () => new SecurityHubClient({ ...sdkConfig(), maxAttempts: 1, requestHandler: { connectionTimeout: 2000, requestTimeout: 4000 } }));
