import { ECSClient } from '@aws-sdk/client-ecs';
import { lazy, sdkConfig } from '../client-cache';

export const ecs = lazy('ecs', () => new ECSClient(sdkConfig()));
