/**
 * A local stand-in for Security Hub's BatchUpdateFindings, which moto does not implement: it answers
 * PATCH /findings/batchupdate as Security Hub documents it (every finding processed) and records each request. Every
 * other Security Hub call gets 404. Point the SDK at it with AWS_ENDPOINT_URL_SECURITYHUB (the SDK's per-service
 * endpoint variable); the demo does, and prints what it received.
 */
import type { BatchUpdateFindingsCommandInput } from '@aws-sdk/client-securityhub';
import { createServer } from 'node:http';
import { listenOnLoopback } from './loopback';

export interface SecurityHubStandIn {
  url: string;
  /** Each BatchUpdateFindings request, as sent. */
  updates: BatchUpdateFindingsCommandInput[];
  close(): Promise<void>;
}

export function startSecurityHubStandIn(): Promise<SecurityHubStandIn> {
  const updates: BatchUpdateFindingsCommandInput[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = (status: number, body: unknown) => {
        const text = JSON.stringify(body);
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      };
      if (req.method !== 'PATCH' || req.url?.split('?')[0] !== '/findings/batchupdate') {
        answer(404, { message: `the stand-in answers BatchUpdateFindings only, not ${req.method} ${req.url}` });
        return;
      }
      const input = JSON.parse(Buffer.concat(chunks).toString('utf8')) as BatchUpdateFindingsCommandInput;
      updates.push(input);
      answer(200, { ProcessedFindings: input.FindingIdentifiers ?? [], UnprocessedFindings: [] });
    });
  });
  return listenOnLoopback(server).then(({ url, close }) => ({ url, updates, close }));
}
