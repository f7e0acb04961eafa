// Reading Slack credentials from a secret string: bare value or JSON with a known key; errors never echo the value.
import { pick } from '../../../functions/approvals/secret';

test('a bare value, or JSON with one of the keys (first match wins)', () => {
  expect(pick('  s3cr3t-value \n', ['signingSecret'])).toBe('s3cr3t-value');
  expect(pick('{"signingSecret":"abc"}', ['signingSecret', 'signing_secret'])).toBe('abc');
  expect(pick('{"signing_secret":"def"}', ['signingSecret', 'signing_secret'])).toBe('def');
});

test('errors name the problem, never the value', () => {
  const value = 'xoxb-SECRETVALUE';
  for (const [secret, msg] of [
    [undefined, 'no SecretString'],
    ['   ', 'no SecretString'],
    [`{"token": "${value}"`, 'does not parse'],
    [`{"other": "${value}"}`, 'none of the keys token'],
  ] as const) {
    let err: Error | undefined;
    try {
      pick(secret, ['token']);
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).toContain(msg);
    expect(err?.message).not.toContain(value);
  }
});
