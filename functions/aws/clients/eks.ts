import { EKSClient } from '@aws-sdk/client-eks';
import { lazy, sdkConfig } from '../client-cache';

export const eks = lazy('eks', () => new EKSClient(sdkConfig()));
