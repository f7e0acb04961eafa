import { SFNClient } from '@aws-sdk/client-sfn';
import { lazy, sdkConfig } from '../client-cache';

export const sfn = lazy('sfn', () => new SFNClient(sdkConfig()));
