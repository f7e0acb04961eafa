import { ECRClient } from '@aws-sdk/client-ecr';
import { lazy, sdkConfig } from '../client-cache';

export const ecr = lazy('ecr', () => new ECRClient(sdkConfig()));
