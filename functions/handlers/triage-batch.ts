import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { errorName } from '../aws/errors';
import { logger } from '../runtime/logger';
import { point } from '../runtime/metric-catalog';
import type { MetricSink } from '../runtime/metrics';

/** What the queue's batch handler needs: triage for one EventBridge event, and where invalid events go. */
export interface TriageBatchDeps {
  triage: (event: unknown) => Promise<unknown>;
  /** Keep an event that can never be handled, with the reason (the dead-letter queue). */
  deadLetter: (body: string, reason: string) => Promise<void>;
  /** Counts the invalid events (InvalidEvents). */
  metrics?: MetricSink;
}

/**
 * TriageQueue's records, each one EventBridge event as the rules sent it. Each is triaged on its own (Powertools batch
 * processing): one that fails is reported in `batchItemFailures`, so SQS retries only it, after the visibility timeout,
 * and moves it to the dead-letter queue after 5 receives, its body unchanged. An invalid event (broken JSON, a shape
 * Warden refuses) would fail every retry: it goes to the dead-letter queue at once, with its reason, and is not
 * retried. Nothing is dropped: a record either started its runs, was decided needing none, or is in the DLQ.
 */
export function createTriageBatch(deps: TriageBatchDeps) {
  const processor = new BatchProcessor(EventType.SQS);
  const record = async (r: SQSRecord): Promise<void> => {
    let event: unknown;
    try {
      event = JSON.parse(r.body);
    } catch (err) {
      return deadLetter(r, `not JSON: ${(err as Error).message}`);
    }
    try {
      await deps.triage(event);
    } catch (err) {
      if (errorName(err) === 'Warden.InvalidEvent') return deadLetter(r, (err as Error).message);
      // Anything else (throttling that outlasted the SDK's retries, a timeout): this record again, later.
      logger.warn('event not triaged; SQS will deliver it again', { messageId: r.messageId, error: errorName(err), receiveCount: r.attributes?.ApproximateReceiveCount });
      throw err;
    }
  };
  const deadLetter = async (r: SQSRecord, reason: string): Promise<void> => {
    await deps.deadLetter(r.body, reason);
    await deps.metrics?.([point('InvalidEvents', {})]);
    logger.error('invalid event sent to the dead-letter queue', { messageId: r.messageId, reason });
  };
  return (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    processPartialResponse(event, record, processor, { context, throwOnFullBatchFailure: false });
}
