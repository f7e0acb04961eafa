import { SNSClient } from '@aws-sdk/client-sns';
import { lazy, sdkConfig } from '../client-cache';

export const sns = lazy('sns', () => new SNSClient(sdkConfig()));
