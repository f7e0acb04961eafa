import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { captureClients } from '../aws/client-cache';

/**
 * The Tracer (loaded by runtime/tracing.ts on the first invocation, on Lambda only). The handler's subsegment carries
 * the cold start and service annotations and its errors, not its response: a result can hold a plan or a record,
 * and traces are not where those are kept. HTTPS calls (Slack) are captured by the Tracer itself.
 */
export function captureHandler() {
  const tracer = new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'warden' });
  captureClients((client) => tracer.captureAWSv3Client(client));
  return captureLambdaHandler(tracer, { captureResponse: false });
}
