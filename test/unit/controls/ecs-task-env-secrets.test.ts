import { ecsTaskEnvSecrets as control } from '../../../functions/domain/controls/ecs-task-env-secrets';
import { isSecretName, secretLikeEnv } from '../../../functions/domain/controls/secret-patterns';
import type { EnvFacts } from '../../../functions/domain/model';
import { container, policy, runObs, taskDefinition, tdObs } from './fixtures';
import { flaggedCases } from './shared';

const withEnv = (environment: EnvFacts[], secrets: string[] = []) => tdObs(taskDefinition([container({ environment, secrets })]));

describe('ecs-task-env-secrets on task definitions', () => {
  test("flags the normalizer's verdicts, targets are container/NAME, evidence never has values", () => {
    const o = withEnv([{ name: 'DB_PASSWORD', secretLike: 'name' }, { name: 'BOOT', secretLike: 'value' }, { name: 'PORT' }]);
    const { findings } = control.evaluate(o, policy());
    expect(findings).toHaveLength(1);
    expect(findings[0]?.remediation).toEqual({ action: 'move-env-secrets', mode: 'approval', targets: ['web/DB_PASSWORD', 'web/BOOT'] });
    expect(findings[0]?.evidence).toBe(
      'web:3: plain environment variables that look secret (values not shown): web/DB_PASSWORD (by name), web/BOOT (by value)',
    );
  });
  test('a secret-like name without a verdict (its value was a setting, or empty) is not a finding', () => {
    const o = withEnv([{ name: 'PASSWORD_POLICY_LEVEL' }, { name: 'AWS_ACCESS_KEY_ID' }, { name: 'DB_PASSWORD' }]);
    expect(control.evaluate(o, policy()).findings).toEqual([]);
  });
  test('secrets[] from Secrets Manager / Parameter Store is not an env secret', () => {
    expect(control.evaluate(withEnv([{ name: 'PORT' }], ['DB_PASSWORD', 'API_KEY']), policy()).findings).toEqual([]);
  });
  flaggedCases(control, 'AWS::ECS::TaskDefinition');
});

describe('ecs-task-env-secrets on RunTask / StartTask overrides', () => {
  const overrides = [{ container: 'batch', environment: [{ name: 'REPORT_DATE' }, { name: 'DB_PASSWORD', secretLike: 'name' as const }] }];

  test('a secret in containerOverrides: notify the owner (plan only), never a stop', () => {
    const o = runObs({ environmentOverrides: overrides });
    expect(control.appliesTo(o)).toBe(true);
    const { findings } = control.evaluate(o, policy());
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      control: 'ecs-task-env-secrets',
      severity: 'HIGH',
      resource: { type: 'AWS::ECS::Task' },
      remediation: { action: 'notify-owner', mode: 'notify', targets: ['batch/DB_PASSWORD'] },
    });
    expect(findings[0]?.evidence).toBe(
      'RunTask of web:3 on cluster main (1 task(s)) passed environment overrides that look secret (values not shown; they are recorded in CloudTrail with the call): batch/DB_PASSWORD (by name)',
    );
  });
  test('the policy can only make it more cautious; StartTask is named; an ended run still counts', () => {
    const o = runObs({ environmentOverrides: overrides, ended: true }, { eventName: 'StartTask' });
    const [f] = control.evaluate(o, policy({ controls: { 'ecs-task-env-secrets': { mode: 'dry-run' } } })).findings;
    expect(f?.remediation.mode).toBe('dry-run');
    expect(f?.evidence).toMatch(/^StartTask of web:3 on cluster main \(no longer running\)/);
  });
  test('no overrides, or only settings: nothing (the definition is not this control\'s business on a run)', () => {
    expect(control.evaluate(runObs({}), policy())).toEqual({ findings: [] });
    expect(control.evaluate(runObs({ environmentOverrides: [{ container: 'batch', environment: [{ name: 'PASSWORD_MIN_LENGTH' }] }] }), policy())).toEqual({ findings: [] });
    const definition = taskDefinition([container({ environment: [{ name: 'DB_PASSWORD', secretLike: 'name' }] })]);
    expect(control.evaluate(runObs({ definition }), policy())).toEqual({ findings: [] });
  });
});

describe('secret names', () => {
  test.each(['DB_PASSWORD', 'passwd', 'CLIENT_SECRET', 'GITHUB_TOKEN', 'STRIPE_API_KEY', 'apiKey', 'PRIVATE_KEY', 'GCP_CREDENTIALS', 'SMTP_PASS', 'AWS_ACCESS_KEY_ID', 'SECRET_KEY_BASE'])(
    'name %s is secret-like',
    (name) => expect(isSecretName(name)).toBe(true),
  );
  test.each(['PORT', 'LOG_LEVEL', 'DB_SECRET_ARN', 'TOKEN_URL', 'PASSWORD_FILE', 'KEYSPACE', 'PASSWORD_MIN_LENGTH', 'ACCESS_KEY_ROTATION_DAYS', 'apiKeyHeader', 'PASSPORT_NUMBER'])(
    'name %s is not',
    (name) => expect(isSecretName(name)).toBe(false),
  );
});

// Credential-shaped test values are built at run time, so no such literal sits in the repository.
const j = (...parts: string[]) => parts.join('');
const AKID = j('AKIA', 'IOSFODNN7EXAMPLE');
const AWS_SECRET = j('wJalrXUtnFEMI/K7MDENG/', 'bPxRfiCYEXAMPLEKEY');
const RANDOM = j('Xk9Lm2Qp7Rt4', 'Vw8Zb3Nc6Hd1Jf5Gs0Ty');

/** [name, value, verdict, why]: the value decides; a name alone never does. */
const TABLE: [string, string, 'name' | 'value' | false, string][] = [
  // settings under secret-sounding names
  ['PASSWORD_MIN_LENGTH', '12', false, 'number: a policy setting'],
  ['PASSWORD_POLICY_LEVEL', 'strict', false, 'enum-like word: a policy level'],
  ['ACCESS_KEY_ROTATION_DAYS', '90', false, 'number: a rotation period'],
  ['KEY_ROTATION_PERIOD', '90d', false, 'duration'],
  ['SESSION_TOKEN_TTL', '15m', false, 'duration'],
  ['JWT_SECRET_REFRESH', 'PT1H', false, 'ISO 8601 duration'],
  ['API_KEY_HEADER', 'X-Api-Key', false, 'header name'],
  ['JWT_TOKEN_LOCATION', 'Authorization', false, 'header name, not a token'],
  ['REQUIRE_PASSWORD', 'true', false, 'boolean'],
  ['PASSWORD_RESET_ENABLED', 'false', false, 'boolean'],
  ['DB_PASSWORD', '', false, 'empty: nothing to leak'],
  ['DB_PASSWORD', '   ', false, 'blank: nothing to leak'],
  ['DB_PASSWORD', '/run/secrets/db_password', false, 'path to a mounted secret file'],
  ['DB_PASSWORD_FILE', '/run/secrets/db_password', false, 'a reference name and a path'],
  ['DB_SECRET', 'arn:aws:secretsmanager:us-east-1:111122223333:secret:payments/db-XyZ12a', false, 'Secrets Manager ARN: a reference'],
  ['API_KEY', 'arn:aws:ssm:us-east-1:111122223333:parameter/payments/api-key', false, 'SSM parameter ARN: a reference'],
  ['API_KEY', 'payments/prod/api-key', false, 'a secret name in Secrets Manager: a reference'],
  ['TOKEN_SIGNING', 'RS256', false, 'enum-like word: an algorithm'],
  ['PASSWORD_HASHER', 'argon2id', false, 'enum-like word: an algorithm'],
  ['SECRETS_BACKEND', 'secretsmanager', false, 'enum-like word: a backend'],
  ['MAX_TOKENS', '4096', false, 'number: a count'],
  ['SECRET_ROTATION', 'ROTATE_DAILY', false, 'UPPER_SNAKE constant'],
  ['PASSWORD_STRENGTH', 'medium', false, 'enum-like word'],
  ['SECRET_CACHE', '512Mi', false, 'size'],
  ['AWS_ACCESS_KEY_ID', '${AWS_ACCESS_KEY_ID}', false, 'placeholder, filled elsewhere'],
  ['SMTP_PASSWORD', '<set-me>', false, 'placeholder'],
  ['DB_PASSWORD', '***', false, 'already masked'],
  ['VAULT_TOKEN', 'https://vault.internal:8200/v1/auth/token', false, 'URL without credentials'],
  ['SECRETS_REGION', 'us-east-1', false, 'region'],
  // plain settings under plain names
  ['PORT', '8080', false, 'number'],
  ['LOG_LEVEL', 'info', false, 'enum-like word'],
  ['DATABASE_URL', 'postgres://db.internal:5432/app', false, 'URL without credentials'],
  ['BUILD_SHA', '9fceb02d0ae598e95dc970b74767f19372d61af8', false, 'hex commit SHA: not a credential shape'],
  ['HANDLER_CLASS', 'ReadOnlyAccessForServiceAccount1', false, 'identifier made of words'],
  ['APP_MOTTO', 'correct-horse-battery-staple-EXAMPLE', false, 'words under a plain name'],
  ['DATABASE_URL', 'postgres://app:${DB_PASSWORD}@db.internal/app', false, 'URL whose password is a placeholder'],
  // secrets by name: a secret-like name over a value that is not an obvious setting
  ['DB_PASSWORD', 'correct-horse-battery-staple-EXAMPLE', 'name', 'passphrase under a password name'],
  ['DB_PASSWORD', 'hunter2', 'name', 'password under a password name'],
  ['DB_PASSWORD', 'changeme', 'name', 'a weak default is still a password'],
  ['SMTP_PASS', 'Summer2024!', 'name', 'PASS as a whole word'],
  ['dbPassword', 'p4ss', 'name', 'camelCase name'],
  ['API_KEY', '3f2a9c4b8e7d6f1a0b5c4d3e2f1a0b9c', 'name', 'hex key under a key name'],
  ['JWT_SECRET', 'my-jwt-signing-secret', 'name', 'words under a secret name'],
  ['AWS_SECRET_ACCESS_KEY', 'x', 'name', "AWS's own credential name, any non-setting value"],
  ['AWS_SECRET_ACCESS_KEY', 'HIDDEN_DUE_TO_SECURITY_REASONS', 'name', 'hidden by CloudTrail: value unknown, the name decides'],
  ['LOG_FORMAT', 'HIDDEN_DUE_TO_SECURITY_REASONS', false, 'hidden by CloudTrail under a plain name'],
  // secrets by value: a credential shape under any name
  ['UPLOAD_CLIENT', AKID, 'value', 'AWS access key id'],
  ['BOOT', `id=${AKID}`, 'value', 'AWS access key id inside text'],
  ['CONFIG_BLOB', AWS_SECRET, 'value', 'AWS secret access key shape'],
  ['AWS_SECRET_ACCESS_KEY', AWS_SECRET, 'value', 'the shape wins over the name'],
  ['CERT', j('-----BEGIN', ' RSA PRIVATE KEY-----\nMIIE...'), 'value', 'PEM private key'],
  ['SESSION', j('eyJhbGciOiJIUzI1NiJ9', '.eyJzdWIiOiIxMjM0NTY3ODkwIn0', '.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'), 'value', 'JWT'],
  ['HOOK', j('xoxb', '-123456789012-abcdefghijkl'), 'value', 'Slack token'],
  ['ALERTS_URL', j('https://hooks.slack.com/services/', 'T0123ABCD/B0123ABCD/', 'abcdefghijklmnop1234'), 'value', 'Slack webhook: a reference name, a credential value'],
  ['GH', j('ghp_', 'a'.repeat(36)), 'value', 'GitHub token'],
  ['DATABASE_URL', 'postgres://app:hunter2@db.internal:5432/app', 'value', 'URL with user:password'],
  ['CACHE_URL', 'redis://:hunter2@cache.internal:6379', 'value', 'URL with a password only'],
  ['SQL_CONNECTION', 'Server=db;User Id=app;Password=hunter2;', 'value', 'connection string with a password'],
  ['UPSTREAM_AUTH', j('Bearer ', RANDOM), 'value', 'Authorization header value'],
  ['DOWNLOAD_URL', j('https://b.s3.amazonaws.com/k?X-Amz-', 'Signature=0123456789abcdef'), 'value', 'presigned URL'],
  ['SEED', RANDOM, 'value', 'long random token'],
  ['MAPS', j('AIza', 'SyA1234567890abcdefghijklmnopqrstuv'), 'value', 'Google API key'],
];

describe('secret verdicts: name and value together', () => {
  test('the table is big enough to mean something', () => expect(TABLE.length).toBeGreaterThanOrEqual(40));
  test.each(TABLE)('%s = %j → %s (%s)', (name, value, verdict) => {
    expect(secretLikeEnv(name, value) ?? false).toBe(verdict);
  });
  test('non-string values: numbers and booleans are judged as text, anything else holds nothing', () => {
    expect(secretLikeEnv('PASSWORD_MIN_LENGTH', 12)).toBeUndefined();
    expect(secretLikeEnv('DB_PASSWORD', { nested: 'x' })).toBeUndefined();
    expect(secretLikeEnv('DB_PASSWORD', undefined)).toBeUndefined();
  });
});
