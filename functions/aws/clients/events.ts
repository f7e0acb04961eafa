import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { lazy, sdkConfig } from '../client-cache';

export const events = lazy('events', () => new EventBridgeClient(sdkConfig()));
