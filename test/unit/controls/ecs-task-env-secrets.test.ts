import { ecsTaskEnvSecrets as control } from '../../../functions/domain/controls/ecs-task-env-secrets';
import { isSecretName, isSecretValue, secretLikeEnv } from '../../../functions/domain/controls/secret-patterns';
import { container, policy, taskDefinition, tdObs } from './fixtures';
import { flaggedCases } from './shared';

const withEnv = (environment: { name: string; secretLike?: 'name' | 'value' }[], secrets: string[] = []) =>
  tdObs(taskDefinition([container({ environment, secrets })]));

describe('ecs-task-env-secrets', () => {
  test('flags by name and by value, targets are container/NAME, evidence never has values', () => {
    const o = withEnv([{ name: 'DB_PASSWORD', secretLike: 'name' }, { name: 'BOOT', secretLike: 'value' }, { name: 'PORT' }]);
    const { findings } = control.evaluate(o, policy());
    expect(findings).toHaveLength(1);
    expect(findings[0]?.remediation).toEqual({ action: 'move-env-secrets', mode: 'approval', targets: ['web/DB_PASSWORD', 'web/BOOT'] });
    expect(findings[0]?.evidence).toBe(
      'web:3: plain environment variables that look secret (values not shown): web/DB_PASSWORD (by name), web/BOOT (by value)',
    );
  });
  test("AWS's own credential names are flagged even without the normalizer's verdict", () => {
    const o = withEnv([{ name: 'AWS_ACCESS_KEY_ID' }, { name: 'AWS_SECRET_ACCESS_KEY' }, { name: 'ECS_ENGINE_AUTH_DATA' }]);
    expect(control.evaluate(o, policy()).findings[0]?.remediation.targets).toEqual([
      'web/AWS_ACCESS_KEY_ID',
      'web/AWS_SECRET_ACCESS_KEY',
      'web/ECS_ENGINE_AUTH_DATA',
    ]);
  });
  test('secrets[] from Secrets Manager / Parameter Store is not an env secret', () => {
    expect(control.evaluate(withEnv([{ name: 'PORT' }], ['DB_PASSWORD', 'API_KEY']), policy()).findings).toEqual([]);
  });
  test('plain non-secret variables are fine', () => {
    expect(control.evaluate(withEnv([{ name: 'PORT' }, { name: 'LOG_LEVEL' }, { name: 'DB_SECRET_ARN' }]), policy()).findings).toEqual([]);
  });
  flaggedCases(control, 'AWS::ECS::TaskDefinition');
});

describe('secret patterns (for normalizers)', () => {
  test.each(['DB_PASSWORD', 'passwd', 'CLIENT_SECRET', 'GITHUB_TOKEN', 'STRIPE_API_KEY', 'apiKey', 'PRIVATE_KEY', 'GCP_CREDENTIALS', 'AWS_SESSION_TOKEN'])(
    'name %s is secret',
    (name) => expect(isSecretName(name)).toBe(true),
  );
  test.each(['PORT', 'LOG_LEVEL', 'DB_SECRET_ARN', 'TOKEN_URL', 'PASSWORD_FILE', 'KEYSPACE'])('name %s is not', (name) =>
    expect(isSecretName(name)).toBe(false),
  );
  // Test values are built at runtime so no credential-shaped literal sits in the repository.
  const akid = ['AKIA', 'IOSFODNN7EXAMPLE'].join('');
  const values: [string, string][] = [
    ['BOOT', `id=${akid}`],
    ['AWS_KEY', ['wJalrXUtnFEMI/K7MDENG', 'bPxRfiCYEXAMPLEKEY'].join('/')],
    ['CERT', ['-----BEGIN', 'RSA PRIVATE KEY-----\nMIIE...'].join(' ')],
    ['SESSION', ['eyJhbGciOiJIUzI1NiJ9', 'eyJzdWIiOiIxMjM0NTY3ODkwIn0', 'dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'].join('.')],
    ['HOOK', ['xoxb', '123456789012-abcdefghijkl'].join('-')],
    ['GH', `ghp_${'a'.repeat(36)}`],
    ['GH2', `github_pat_${'B'.repeat(30)}`],
    ['DATABASE_URL', 'postgres://app:hunter2@db.internal:5432/app'],
  ];
  test.each(values)('value of %s is secret-shaped', (name, value) => {
    expect(isSecretValue(name, value)).toBe(true);
    expect(secretLikeEnv(name, value)).toBe('value');
  });
  test('a 40-character string only counts next to an AWS or secret name', () => {
    expect(isSecretValue('COMMIT_SHA', 'a'.repeat(40))).toBe(false);
    expect(isSecretValue('AWS_KEY', 'a'.repeat(40))).toBe(true);
  });
  test('plain values are not secret; names win over values', () => {
    expect(secretLikeEnv('PORT', '8080')).toBeUndefined();
    expect(secretLikeEnv('DATABASE_URL', 'postgres://db.internal:5432/app')).toBeUndefined();
    expect(secretLikeEnv('DB_PASSWORD', 'x')).toBe('name');
    expect(secretLikeEnv('DB_PASSWORD', undefined)).toBe('name');
  });
});
