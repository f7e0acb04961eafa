import { STSClient } from '@aws-sdk/client-sts';
import { lazy, sdkConfig } from '../client-cache';

export const sts = lazy('sts', () => new STSClient(sdkConfig()));
