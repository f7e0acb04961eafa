import { SQSClient } from '@aws-sdk/client-sqs';
import { lazy, sdkConfig } from '../client-cache';

export const sqs = lazy('sqs', () => new SQSClient(sdkConfig()));
