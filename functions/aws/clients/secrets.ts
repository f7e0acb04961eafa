import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { lazy, sdkConfig } from '../client-cache';

export const secrets = lazy('secrets', () => new SecretsManagerClient(sdkConfig()));
