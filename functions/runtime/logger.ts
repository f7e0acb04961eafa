import { Logger } from '@aws-lambda-powertools/logger';

/** Structured JSON logs. Never log secret values, webhook URLs or task tokens. */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'warden' });
