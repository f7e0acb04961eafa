import { evaluate } from '../../../functions/domain/evaluate';
import { normalize } from '../../../functions/domain/events';
import type { Normalized } from '../../../functions/domain/model';
import { defaultPolicy } from '../../../functions/domain/policy';
import { ACCOUNT, factsOf, observed, sample, serviceCall } from './fixtures';

/** Samples are edited in place below: loosely typed on purpose. */
type Json = Record<string, any>;
const policy = defaultPolicy();
const CLUSTER_ARN = `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/payments`;

const taskDefinitionOf = (n: Normalized) => factsOf(n, 'ecs-task-definition').taskDefinition;

const container = (name: string, more: Json = {}): Json => ({ name, image: 'nginx', logConfiguration: { logDriver: 'awslogs' }, ...more });
const register = (containers: Json[], more: Json = {}, response: unknown = null, extra: Json = {}) =>
  serviceCall('ecs', 'RegisterTaskDefinition', { family: 'web', containerDefinitions: containers, ...more }, response, extra);

describe('RegisterTaskDefinition', () => {
  test('the sample: family, revision and ARN from the response; the resource id is the ARN with revision', () => {
    const n = normalize(sample('cloudtrail/ecs-register-task-definition-root.json'));
    expect(observed(n).resource).toEqual({
      type: 'AWS::ECS::TaskDefinition',
      id: `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/payments-batch:3`,
      arn: `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/payments-batch:3`,
      account: ACCOUNT,
      region: 'us-east-1',
    });
    const td = taskDefinitionOf(n);
    expect(td).toMatchObject({ family: 'payments-batch', revision: 3, networkMode: 'awsvpc', osFamily: 'LINUX' });
    expect(td.containers.map((c) => [c.name, c.user])).toEqual([['batch', 'root'], ['log-router', undefined]]);
  });

  test('container fields: user as written, privileged, read-only root, logging only with a logDriver', () => {
    const td = taskDefinitionOf(normalize(register([
      container('a', { user: '0:0', privileged: true, readonlyRootFilesystem: false }),
      container('b', { user: '1000', readonlyRootFilesystem: true, logConfiguration: { options: {} } }),
      container('c', { logConfiguration: null }),
    ])));
    expect(td.containers).toEqual([
      { name: 'a', image: 'nginx', user: '0:0', privileged: true, readonlyRootFilesystem: false, logging: true, environment: [], secrets: [] },
      { name: 'b', image: 'nginx', user: '1000', readonlyRootFilesystem: true, logging: false, environment: [], secrets: [] },
      { name: 'c', image: 'nginx', logging: false, environment: [], secrets: [] },
    ]);
  });

  test('networkMode, pidMode, Windows runtime platform and roles are kept', () => {
    const td = taskDefinitionOf(normalize(register([container('a')], {
      networkMode: 'host',
      pidMode: 'host',
      runtimePlatform: { operatingSystemFamily: 'WINDOWS_SERVER_2022_CORE' },
      taskRoleArn: 'arn:aws:iam::111122223333:role/t',
      executionRoleArn: 'arn:aws:iam::111122223333:role/x',
    })));
    expect(td).toMatchObject({ networkMode: 'host', pidMode: 'host', osFamily: 'WINDOWS_SERVER_2022_CORE', taskRoleArn: 'arn:aws:iam::111122223333:role/t' });
  });

  test('without a response the resource is the family (revision unknown)', () => {
    const o = observed(normalize(register([container('a')])));
    expect(o.resource).toMatchObject({ id: 'web' });
    expect(o.resource.arn).toBeUndefined();
  });

  test('containers come from the response when the request has none', () => {
    const response = { taskDefinition: { family: 'web', revision: 2, taskDefinitionArn: 'arn:aws:ecs:us-east-1:111122223333:task-definition/web:2', containerDefinitions: [container('from-response')] } };
    const td = taskDefinitionOf(normalize(serviceCall('ecs', 'RegisterTaskDefinition', { family: 'web' }, response)));
    expect(td.containers.map((c) => c.name)).toEqual(['from-response']);
  });

  test('no containerDefinitions anywhere is invalid, not compliant', () => {
    expect(normalize(serviceCall('ecs', 'RegisterTaskDefinition', { family: 'web' }))).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('no family or containerDefinitions'),
    });
  });

  test('a failed call is ignored, even with an unusable request', () => {
    expect(normalize(register([container('a')], {}, null, { errorCode: 'ClientException' }))).toMatchObject({ kind: 'ignored', reason: 'the API call failed (ClientException): nothing changed' });
    expect(normalize(serviceCall('ecs', 'RegisterTaskDefinition', { containerDefinitions: 'x' }, null, { errorCode: 'AccessDeniedException' }))).toEqual({
      kind: 'ignored',
      reason: 'the API call failed (AccessDeniedException): nothing changed',
    });
  });

  test('a broken container names the path', () => {
    expect(normalize(register([{ image: 'nginx' }]))).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('detail.requestParameters.containerDefinitions.0.name') });
  });
});

describe('secrets in plain environment variables', () => {
  const PASSWORD = 'hunter2-correct-horse';
  const KEY = 'AKIAIOSFODNN7EXAMPLE';
  const PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0EXAMPLE\n-----END RSA PRIVATE KEY-----';
  const event = register([
    container('app', {
      environment: [
        { name: 'DB_PASSWORD', value: PASSWORD },
        { name: 'UPLOAD_CLIENT', value: KEY },
        { name: 'TLS_MATERIAL', value: PEM },
        { name: 'AWS_SECRET_ACCESS_KEY', value: 'HIDDEN_DUE_TO_SECURITY_REASONS' },
        { name: 'DB_SECRET_ARN', value: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf' },
        { name: 'LOG_LEVEL', value: 'info' },
        { name: 'RETRIES', value: 3 },
      ],
      secrets: [{ name: 'STRIPE_API_KEY', valueFrom: 'arn:aws:ssm:us-east-1:111122223333:parameter/stripe' }],
    }),
  ]);

  test('by name and by value; references and plain settings are not secrets', () => {
    expect(taskDefinitionOf(normalize(event)).containers[0]?.environment).toEqual([
      { name: 'DB_PASSWORD', secretLike: 'name' },
      { name: 'UPLOAD_CLIENT', secretLike: 'value' },
      { name: 'TLS_MATERIAL', secretLike: 'value' },
      { name: 'AWS_SECRET_ACCESS_KEY', secretLike: 'name' },
      { name: 'DB_SECRET_ARN' },
      { name: 'LOG_LEVEL' },
      { name: 'RETRIES' },
    ]);
  });

  test('secrets[] (Secrets Manager / Parameter Store) are kept by name and are never env secrets', async () => {
    expect(taskDefinitionOf(normalize(event)).containers[0]?.secrets).toEqual(['STRIPE_API_KEY']);
    const d = await evaluate(event, { policy });
    if (d.status !== 'violation') throw new Error(d.status);
    const env = d.findings.find((f) => f.control === 'ecs-task-env-secrets');
    expect(env?.remediation.targets).toEqual(['app/DB_PASSWORD', 'app/UPLOAD_CLIENT', 'app/TLS_MATERIAL', 'app/AWS_SECRET_ACCESS_KEY']);
  });

  test('no value anywhere in the normalized event or the decision', async () => {
    const out = JSON.stringify([normalize(event), await evaluate(event, { policy })]);
    for (const secret of [PASSWORD, KEY, 'MIIEowIBAAKCAQEA0EXAMPLE', 'arn:aws:ssm:us-east-1:111122223333:parameter/stripe']) {
      expect(out).not.toContain(secret);
    }
  });

  test('the samples: by name (DB_PASSWORD) and by value (an AKIA key under a harmless name), values never echoed', async () => {
    for (const [file, target, by, value] of [
      ['cloudtrail/ecs-register-task-definition-env-secret-name.json', 'ledger/DB_PASSWORD', 'name', 'correct-horse-battery-staple-EXAMPLE'],
      ['cloudtrail/ecs-register-task-definition-env-secret-value.json', 'exporter/UPLOAD_CLIENT', 'value', KEY],
    ] as const) {
      const d = await evaluate(sample(file), { policy });
      if (d.status !== 'violation') throw new Error(`${file}: ${d.status}`);
      expect(d.findings[0]?.remediation.targets).toEqual([target]);
      expect(d.findings[0]?.evidence).toContain(`(by ${by})`);
      expect(JSON.stringify(d)).not.toContain(value);
    }
  });
});

describe('Linux capabilities and host devices (linuxParameters)', () => {
  test('the samples: SYS_ADMIN, ALL, NET_ADMIN (with drop ALL) and a host device', () => {
    const first = (file: string) => taskDefinitionOf(normalize(sample(file))).containers[0];
    expect(first('cloudtrail/ecs-register-task-definition-sys-admin.json')?.capabilitiesAdded).toEqual(['SYS_ADMIN']);
    expect(first('cloudtrail/ecs-register-task-definition-cap-all.json')?.capabilitiesAdded).toEqual(['ALL']);
    expect(first('cloudtrail/ecs-register-task-definition-net-admin.json')?.capabilitiesAdded).toEqual(['NET_ADMIN']);
    expect(first('cloudtrail/ecs-register-task-definition-host-device.json')).toMatchObject({
      devices: [{ hostPath: '/dev/fuse', containerPath: '/dev/fuse', permissions: ['read', 'write'] }],
    });
    expect(first('cloudtrail/ecs-register-task-definition-host-device.json')?.capabilitiesAdded).toBeUndefined();
  });

  test('names are upper-cased without CAP_, repeats dropped; empty lists and absent parameters leave the facts alone', () => {
    const td = taskDefinitionOf(normalize(register([
      container('a', { linuxParameters: { capabilities: { add: ['cap_sys_admin', 'NET_ADMIN', 'SYS_ADMIN'], drop: ['ALL'] }, devices: [{ hostPath: '/dev/kvm' }] } }),
      container('b', { linuxParameters: { capabilities: { add: [] }, devices: [], initProcessEnabled: true } }),
      container('c', { linuxParameters: null }),
    ])));
    expect(td.containers[0]).toMatchObject({ capabilitiesAdded: ['SYS_ADMIN', 'NET_ADMIN'], devices: [{ hostPath: '/dev/kvm' }] });
    for (const c of td.containers.slice(1)) {
      expect(c).not.toHaveProperty('capabilitiesAdded');
      expect(c).not.toHaveProperty('devices');
    }
  });
});

describe('services', () => {
  const net = (assignPublicIp?: string) => ({ awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'], ...(assignPublicIp ? { assignPublicIp } : {}) } });

  test('CreateService: the ARN is built from cluster and name; assignPublicIp defaults to DISABLED', () => {
    const n = normalize(serviceCall('ecs', 'CreateService', { cluster: 'payments', serviceName: 'api', taskDefinition: 'api:3', networkConfiguration: net() }));
    const arn = `arn:aws:ecs:us-east-1:${ACCOUNT}:service/payments/api`;
    expect(observed(n).resource).toMatchObject({ type: 'AWS::ECS::Service', id: arn, arn });
    expect(factsOf(n, 'ecs-service').service).toEqual({
      cluster: 'payments', serviceName: 'api', arn, taskDefinition: 'api:3', assignPublicIp: 'DISABLED', subnets: ['subnet-1'], securityGroups: ['sg-1'],
    });
  });

  test('CreateService without a cluster runs on `default`; without awsvpc there is no public IP setting', () => {
    const s = factsOf(normalize(serviceCall('ecs', 'CreateService', { serviceName: 'api' })), 'ecs-service').service;
    expect(s).toEqual({ cluster: 'default', serviceName: 'api', arn: `arn:aws:ecs:us-east-1:${ACCOUNT}:service/default/api` });
  });

  test('UpdateService is partial: only what the call changed, by service name or ARN, cluster ARN accepted', () => {
    const byName = factsOf(normalize(serviceCall('ecs', 'UpdateService', { cluster: CLUSTER_ARN, service: 'api', desiredCount: 4 })), 'ecs-service').service;
    expect(byName).toEqual({ cluster: 'payments', serviceName: 'api', arn: `arn:aws:ecs:us-east-1:${ACCOUNT}:service/payments/api`, partial: true });
    const svcArn = `arn:aws:ecs:us-east-1:${ACCOUNT}:service/payments/web`;
    const byArn = factsOf(normalize(serviceCall('ecs', 'UpdateService', { cluster: 'payments', service: svcArn, networkConfiguration: net('ENABLED') })), 'ecs-service').service;
    expect(byArn).toMatchObject({ serviceName: 'web', arn: svcArn, partial: true, assignPublicIp: 'ENABLED' });
  });

  test('an UpdateService that sets networkConfiguration without assignPublicIp leaves it unchanged', () => {
    const s = factsOf(normalize(serviceCall('ecs', 'UpdateService', { service: 'api', networkConfiguration: net() })), 'ecs-service').service;
    expect(s.assignPublicIp).toBeUndefined();
    expect(s.subnets).toEqual(['subnet-1']);
  });

  test('UpdateService without a service is invalid', () => {
    expect(normalize(serviceCall('ecs', 'UpdateService', { cluster: 'payments' }))).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('no service') });
  });
});

describe('RunTask and StartTask', () => {
  test('the tasks of the response; the task definition ARN as resolved by ECS; the first task is the resource', () => {
    const n = normalize(sample('cloudtrail/ecs-run-task-standalone.json'));
    const task = `arn:aws:ecs:us-east-1:${ACCOUNT}:task/payments/0f1e2d3c4b5a69788796a5b4c3d2e1f0`;
    expect(observed(n).resource).toMatchObject({ type: 'AWS::ECS::Task', id: task });
    expect(factsOf(n, 'ecs-task-run').run).toEqual({
      cluster: 'payments',
      taskDefinition: `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/payments-batch:3`,
      tasks: [task],
      group: 'family:payments-batch',
    });
  });

  test('StartTask keeps startedBy', () => {
    expect(factsOf(normalize(sample('cloudtrail/ecs-start-task.json')), 'ecs-task-run').run).toMatchObject({ startedBy: 'alice-debug', group: 'family:payments-web' });
  });

  test('offline the decision needs live state (the task definition is not in the event)', async () => {
    for (const file of ['cloudtrail/ecs-run-task-standalone.json', 'cloudtrail/ecs-start-task.json']) {
      expect(await evaluate(sample(file), { policy })).toMatchObject({ status: 'ignored', reason: expect.stringContaining('needs live state') });
    }
  });

  test('a run that started no task is ignored, with the failure reasons', () => {
    const ev = serviceCall('ecs', 'RunTask', { cluster: 'payments', taskDefinition: 'batch' }, { tasks: [], failures: [{ arn: 'x', reason: 'RESOURCE:MEMORY' }] });
    expect(normalize(ev)).toEqual({ kind: 'ignored', reason: 'RunTask started no task (failures: RESOURCE:MEMORY): nothing runs' });
  });

  test('environment overrides come from the event itself: names and verdicts, never values', async () => {
    const ev = sample('cloudtrail/ecs-run-task-override-secret.json');
    expect(factsOf(normalize(ev), 'ecs-task-run').run.environmentOverrides).toEqual([
      { container: 'batch', environment: [{ name: 'REPORT_DATE' }, { name: 'DB_PASSWORD', secretLike: 'name' }] },
    ]);
    const d = await evaluate(ev, { policy });
    expect(d).toMatchObject({ status: 'violation', findings: [{ control: 'ecs-task-env-secrets', remediation: { action: 'notify-owner', mode: 'notify', targets: ['batch/DB_PASSWORD'] } }] });
    expect(JSON.stringify([normalize(ev), d])).not.toContain('correct-horse-battery-staple');
  });

  test("overrides: the request's, else the response task's; containers without environment are left out", () => {
    const task = { taskArn: 'arn:aws:ecs:us-east-1:111122223333:task/payments/abc' };
    const env = [{ name: 'MODE', value: 'nightly' }];
    const fromResponse = serviceCall('ecs', 'RunTask', { taskDefinition: 'batch:3' }, { tasks: [{ ...task, overrides: { containerOverrides: [{ name: 'batch', environment: env }, { name: 'sidecar' }] } }] });
    expect(factsOf(normalize(fromResponse), 'ecs-task-run').run.environmentOverrides).toEqual([{ container: 'batch', environment: [{ name: 'MODE' }] }]);
    const none = serviceCall('ecs', 'StartTask', { taskDefinition: 'batch:3', overrides: { containerOverrides: [{ name: 'batch', command: ['x'] }] } }, { tasks: [task] });
    expect(factsOf(normalize(none), 'ecs-task-run').run).not.toHaveProperty('environmentOverrides');
  });

  test('a service task keeps its service: group', () => {
    const ev = serviceCall('ecs', 'StartTask', { cluster: 'payments', taskDefinition: 'web:7' }, { tasks: [{ taskArn: 'arn:aws:ecs:us-east-1:111122223333:task/payments/abc', group: 'service:web' }] });
    expect(factsOf(normalize(ev), 'ecs-task-run').run).toEqual({ cluster: 'payments', taskDefinition: 'web:7', tasks: ['arn:aws:ecs:us-east-1:111122223333:task/payments/abc'], group: 'service:web' });
  });
});

describe('clusters and account settings', () => {
  test('CreateCluster: containerInsights from settings[]; absent stays absent (the account default applies)', () => {
    expect(factsOf(normalize(sample('cloudtrail/ecs-create-cluster-insights-enhanced.json')), 'ecs-cluster').cluster).toEqual({
      clusterName: 'ledger', arn: `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/ledger`, containerInsights: 'enhanced',
    });
    expect(factsOf(normalize(sample('cloudtrail/ecs-create-cluster-account-default.json')), 'ecs-cluster').cluster.containerInsights).toBeUndefined();
  });

  test('CreateCluster without a name creates `default`', () => {
    expect(observed(normalize(serviceCall('ecs', 'CreateCluster', {}))).resource.id).toBe(`arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/default`);
  });

  test('UpdateClusterSettings is partial and accepts a cluster ARN', () => {
    const ev = serviceCall('ecs', 'UpdateClusterSettings', { cluster: CLUSTER_ARN, settings: [{ name: 'containerInsights', value: 'disabled' }] });
    expect(factsOf(normalize(ev), 'ecs-cluster').cluster).toEqual({ clusterName: 'payments', arn: CLUSTER_ARN, partial: true, containerInsights: 'disabled' });
  });

  test('PutAccountSettingDefault and PutAccountSetting: the account is the resource', () => {
    const dflt = observed(normalize(sample('cloudtrail/ecs-put-account-setting-default-insights-disabled.json')));
    expect(dflt.resource).toEqual({ type: 'AWS::::Account', id: ACCOUNT, account: ACCOUNT, region: 'us-east-1' });
    expect(dflt.facts).toEqual({
      kind: 'ecs-account-setting',
      setting: { name: 'containerInsights', value: 'disabled', isDefault: true, principalArn: `arn:aws:iam::${ACCOUNT}:root` },
    });
    const one = factsOf(normalize(sample('cloudtrail/ecs-put-account-setting-insights-enhanced.json')), 'ecs-account-setting').setting;
    expect(one).toMatchObject({ name: 'containerInsights', value: 'enhanced', isDefault: false });
  });

  test('other account settings are ignored, with the observation', () => {
    const n = normalize(serviceCall('ecs', 'PutAccountSetting', { name: 'serviceLongArnFormat', value: 'enabled' }));
    expect(n).toMatchObject({ kind: 'ignored', reason: 'ECS account setting serviceLongArnFormat is not one Warden watches', observation: { resource: { id: ACCOUNT } } });
  });

  test('a setting without a value is invalid', () => {
    expect(normalize(serviceCall('ecs', 'PutAccountSettingDefault', { name: 'containerInsights' }))).toMatchObject({ kind: 'invalid' });
  });
});

describe('dispatch', () => {
  test('an ECS API Warden does not watch is invalid and named', () => {
    expect(normalize(serviceCall('ecs', 'DeleteCluster', { cluster: 'x' }))).toEqual({
      kind: 'invalid',
      reason: 'not an event Warden knows: aws.ecs / AWS API Call via CloudTrail / DeleteCluster',
    });
  });

  test('an ECS event name under another source is not read as ECS', () => {
    const ev = serviceCall('ecs', 'RegisterTaskDefinition', { family: 'x', containerDefinitions: [container('a')] });
    ev.source = 'aws.ec2';
    expect(normalize(ev)).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('aws.ec2 / AWS API Call via CloudTrail / RegisterTaskDefinition') });
  });

  test('a wrong eventSource names the path', () => {
    const ev = serviceCall('ecs', 'CreateCluster', { clusterName: 'x' }) as Json;
    ev.detail.eventSource = 'eks.amazonaws.com';
    expect(normalize(ev)).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('detail.eventSource') });
  });

  test("Warden's own task definition revision is ignored by the loop guard", async () => {
    expect(await evaluate(sample('cloudtrail/ecs-register-task-definition-by-warden.json'), { policy })).toMatchObject({
      status: 'ignored',
      reason: expect.stringContaining('loop guard'),
    });
  });
});
