import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { lazy, sdkConfig } from '../client-cache';

export const organizations = lazy('organizations', () => new OrganizationsClient(sdkConfig()));
