import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { lazy, sdkConfig } from '../client-cache';

export const tagging = lazy('tagging', () => new ResourceGroupsTaggingAPIClient(sdkConfig()));
