// A fixed Date for a test file: jest fakes Date only; timers, microtasks and performance stay real, so the local
// state machine and the emulator run as usual while every `new Date()` reads `now`.
import { jest } from '@jest/globals';

const ONLY_DATE = [
  'hrtime', 'nextTick', 'performance', 'queueMicrotask', 'requestAnimationFrame', 'cancelAnimationFrame', 'requestIdleCallback',
  'cancelIdleCallback', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout',
] as const;

/** Every test of the file runs with Date fixed at `now`. */
export function useFixedDate(now: Date): void {
  beforeEach(() => jest.useFakeTimers({ now, doNotFake: [...ONLY_DATE] }));
  afterEach(() => jest.useRealTimers());
}
