import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { lazy, sdkConfig } from '../client-cache';

export const dynamodb = lazy('dynamodb', () => new DynamoDBClient(sdkConfig()));
