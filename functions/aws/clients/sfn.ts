import { SFNClient } from '@aws-sdk/client-sfn';
import { lazy, sdkConfig } from '../client-cache';

export const sfn = lazy('sfn', () => new SFNClient(sdkConfig()));

/**
 * Triage's StartExecution: throttling is retried here with the SDK's adaptive backoff (up to 5 attempts), and what
 * still fails is delivered again by the triage queue. The shared client keeps 2 attempts (Step Functions retries
 * the step functions' calls itself).
 */
export const sfnStarts = lazy('sfn-starts', () => new SFNClient({ ...sdkConfig(), maxAttempts: 5, retryMode: 'adaptive' }));
