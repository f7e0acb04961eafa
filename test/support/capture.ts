import { jest } from '@jest/globals';
import { logger } from '../../functions/runtime/logger';

/**
 * Runs `fn` with the logger at DEBUG and returns everything written to stdout and stderr meanwhile (Powertools writes
 * INFO/DEBUG to stdout and WARN/ERROR to stderr), for tests that prove a secret never reaches a log.
 */
export async function captureOutput(fn: () => Promise<void>): Promise<string> {
  const chunks: string[] = [];
  const capture = ((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof process.stdout.write;
  const spies = [jest.spyOn(process.stdout, 'write').mockImplementation(capture), jest.spyOn(process.stderr, 'write').mockImplementation(capture)];
  const level = logger.getLevelName();
  logger.setLogLevel('DEBUG');
  try {
    await fn();
  } finally {
    logger.setLogLevel(level);
    for (const spy of spies) spy.mockRestore();
  }
  return chunks.join('');
}
