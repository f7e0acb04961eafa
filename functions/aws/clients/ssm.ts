import { SSMClient } from '@aws-sdk/client-ssm';
import { lazy, sdkConfig } from '../client-cache';

export const ssm = lazy('ssm', () => new SSMClient(sdkConfig()));
