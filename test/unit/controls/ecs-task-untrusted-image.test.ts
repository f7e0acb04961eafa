import { ecsTaskUntrustedImage as control } from '../../../functions/domain/controls/ecs-task-untrusted-image';
import { isTrustedImage, parseImage } from '../../../functions/domain/controls/image-ref';
import { ACCOUNT, container, OWN_ECR, policy, taskDefinition, tdObs } from './fixtures';
import { flaggedCases } from './shared';

const images = (...list: string[]) => tdObs(taskDefinition(list.map((image, i) => container({ name: `c${i}`, image }))));

describe('ecs-task-untrusted-image', () => {
  test("an ECR image from the account's own registry is trusted, in any region", () => {
    const o = images(`${OWN_ECR}/web:1`, `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/api@sha256:abc`);
    expect(control.evaluate(o, policy()).findings).toEqual([]);
  });
  test('images without a registry host are Docker Hub: untrusted by default', () => {
    const { findings } = control.evaluate(images(`${OWN_ECR}/web:1`, 'nginx', 'bitnami/redis:7'), policy());
    expect(findings[0]).toMatchObject({ severity: 'MEDIUM', remediation: { action: 'notify-owner', mode: 'notify', targets: ['c1', 'c2'] } });
    expect(findings[0]?.evidence).toContain('c1 (docker.io/library/nginx)');
  });
  test("another account's ECR and public registries are untrusted by default", () => {
    const o = images('999988887777.dkr.ecr.eu-west-1.amazonaws.com/web:1', 'public.ecr.aws/nginx/nginx:latest', 'ghcr.io/acme/app:1');
    expect(control.evaluate(o, policy()).findings[0]?.remediation.targets).toEqual(['c0', 'c1', 'c2']);
  });
  test('policy trustedRegistries globs: host, repository, path prefix', () => {
    const p = policy({ trustedRegistries: ['public.ecr.aws', 'ghcr.io/acme', '*.dkr.ecr.*.amazonaws.com', 'docker.io/library/*'] });
    const o = images('public.ecr.aws/nginx/nginx:1', 'ghcr.io/acme/app:1', '999988887777.dkr.ecr.us-east-2.amazonaws.com/x:1', 'nginx:1.27');
    expect(control.evaluate(o, p).findings).toEqual([]);
    expect(control.evaluate(images('ghcr.io/evil/app:1', 'bitnami/redis'), p).findings[0]?.remediation.targets).toEqual(['c0', 'c1']);
  });
  test('a container without an image (partial facts) is not judged', () => {
    expect(control.evaluate(tdObs(taskDefinition([container({ image: undefined })])), policy()).findings).toEqual([]);
  });
  flaggedCases(control, 'AWS::ECS::TaskDefinition');
});

describe('image references', () => {
  test.each([
    ['nginx', 'docker.io', 'docker.io/library/nginx'],
    ['nginx:1.27', 'docker.io', 'docker.io/library/nginx'],
    ['bitnami/redis:7', 'docker.io', 'docker.io/bitnami/redis'],
    ['localhost:5000/app:dev', 'localhost:5000', 'localhost:5000/app'],
    [`${OWN_ECR}/team/web@sha256:0123`, OWN_ECR, `${OWN_ECR}/team/web`],
  ])('%s', (image, host, repository) => expect(parseImage(image)).toEqual({ host, repository }));
  test('a glob `*` stays inside one path segment', () => {
    expect(isTrustedImage('evil.com/x.dkr.ecr.a.amazonaws.com/app', ACCOUNT, ['*.dkr.ecr.*.amazonaws.com'])).toBe(false);
    expect(isTrustedImage(`evil.com/${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/app`, ACCOUNT, [])).toBe(false);
    expect(isTrustedImage('ghcr.io/acme/team/app', ACCOUNT, ['ghcr.io/acme/**'])).toBe(true);
  });
});
