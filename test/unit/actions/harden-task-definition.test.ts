// The pure part of harden-task-definition: which fields change, and the RegisterTaskDefinition input.
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { describeChange, harden, settingsFor } from '../../../functions/actions/harden-task-definition';
import { registerInputOf, toTaskDefinitionFacts } from '../../../functions/aws/ecs';
import { defaultPolicy, PolicySchema } from '../../../functions/domain/policy';

const settings = settingsFor(defaultPolicy(), 'eu-west-1');
const td = (extra: Partial<TaskDefinition> = {}): TaskDefinition => ({
  taskDefinitionArn: 'arn:aws:ecs:eu-west-1:111122223333:task-definition/web:7',
  family: 'web', revision: 7, status: 'ACTIVE', compatibilities: ['EC2'], requiresAttributes: [{ name: 'x' }],
  registeredAt: new Date(0), registeredBy: 'someone', networkMode: 'awsvpc',
  containerDefinitions: [
    { name: 'app', image: 'app:1', environment: [{ name: 'DB_PASSWORD', value: 'hunter2' }] },
    { name: 'sidecar', image: 'envoy:1', user: '0:0', privileged: true, readonlyRootFilesystem: true, logConfiguration: { logDriver: 'splunk' } },
    { name: 'ok', image: 'ok:1', user: '1000:1000', readonlyRootFilesystem: true, logConfiguration: { logDriver: 'awslogs' } },
  ],
  ...extra,
});

test('every Linux root container gets the policy user; privileged off; read-only root; awslogs where no driver', () => {
  const { taskDefinition, changes } = harden(td(), settings);
  expect(changes.map(describeChange)).toEqual([
    'container app: user (absent) → 1000',
    'container app: readonlyRootFilesystem (absent) → true',
    'container app: logConfiguration (absent) → awslogs (group /ecs/web, region eu-west-1, stream prefix app)',
    'container sidecar: user 0:0 → 1000',
    'container sidecar: privileged true → false',
  ]);
  const [app, sidecar, ok] = taskDefinition.containerDefinitions!;
  expect(app).toMatchObject({ user: '1000', readonlyRootFilesystem: true, logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/web', 'awslogs-region': 'eu-west-1', 'awslogs-stream-prefix': 'app' } } });
  expect(app!.environment).toEqual([{ name: 'DB_PASSWORD', value: 'hunter2' }]);
  expect(sidecar).toMatchObject({ user: '1000', privileged: false, logConfiguration: { logDriver: 'splunk' } });
  expect(ok).toEqual(td().containerDefinitions![2]);
  expect(harden(taskDefinition, settings).changes).toEqual([]);
});

test('pidMode host is removed; the input is not mutated', () => {
  const input = td({ pidMode: 'host' });
  const { taskDefinition, changes } = harden(input, settings);
  expect(changes.at(-1)).toEqual({ field: 'pidMode', from: 'host', to: '(removed: each task gets its own PID namespace)' });
  expect(taskDefinition.pidMode).toBeUndefined();
  expect(input.pidMode).toBe('host');
  expect(input.containerDefinitions![0]!.user).toBeUndefined();
});

test('Windows task definitions keep their users and writable root filesystems', () => {
  const { changes } = harden(td({ runtimePlatform: { operatingSystemFamily: 'WINDOWS_SERVER_2022_CORE' } }), settings);
  expect(changes.map((c) => c.field)).toEqual(['logConfiguration', 'privileged']);
});

test('a fix whose control policy disables is not made; the policy user and log prefix are used', () => {
  const policy = PolicySchema.parse({
    controls: { 'ecs-task-writable-root-fs': { enabled: false } },
    hardening: { user: 'app', logGroupPrefix: '/apps/' },
  });
  const { changes } = harden(td(), settingsFor(policy, 'eu-west-1'));
  expect(changes.map(describeChange)).toEqual([
    'container app: user (absent) → app',
    'container app: logConfiguration (absent) → awslogs (group /apps/web, region eu-west-1, stream prefix app)',
    'container sidecar: user 0:0 → app',
    'container sidecar: privileged true → false',
  ]);
});

test('RegisterTaskDefinition input: read-only keys stripped, tags attached', () => {
  const input = registerInputOf(td(), { Owner: 'web', 'warden:hardened-from': 'arn:x' });
  for (const key of ['taskDefinitionArn', 'revision', 'status', 'compatibilities', 'requiresAttributes', 'registeredAt', 'registeredBy']) {
    expect(input).not.toHaveProperty(key);
  }
  expect(input).toMatchObject({ family: 'web', networkMode: 'awsvpc', tags: [{ key: 'Owner', value: 'web' }, { key: 'warden:hardened-from', value: 'arn:x' }] });
  expect(registerInputOf(td(), {})).not.toHaveProperty('tags');
});

test('facts keep env names and secret verdicts, never values', () => {
  const facts = toTaskDefinitionFacts(td());
  expect(facts).toMatchObject({ family: 'web', revision: 7, networkMode: 'awsvpc' });
  expect(facts.containers[0]).toEqual({ name: 'app', image: 'app:1', logging: false, environment: [{ name: 'DB_PASSWORD', secretLike: 'name' }], secrets: [] });
  expect(facts.containers[1]).toMatchObject({ user: '0:0', privileged: true, logging: true });
  expect(JSON.stringify(facts)).not.toContain('hunter2');
});

test('ALL and SYS_ADMIN leave capabilities.add (other added capabilities and drop stay); privileged off too', () => {
  const input = td({
    containerDefinitions: [
      { name: 'mounter', image: 'm:1', user: '1000', readonlyRootFilesystem: true, logConfiguration: { logDriver: 'awslogs' },
        linuxParameters: { initProcessEnabled: true, capabilities: { add: ['SYS_ADMIN', 'NET_ADMIN'], drop: ['NET_RAW'] } } },
      { name: 'toolbox', image: 't:1', user: '1000', readonlyRootFilesystem: true, logConfiguration: { logDriver: 'awslogs' },
        privileged: true, linuxParameters: { capabilities: { add: ['cap_sys_admin', 'ALL'] } } },
      { name: 'vpn', image: 'v:1', user: '1000', readonlyRootFilesystem: true, logConfiguration: { logDriver: 'awslogs' },
        linuxParameters: { capabilities: { add: ['NET_ADMIN'] } } },
    ],
  });
  const { taskDefinition, changes } = harden(input, settings);
  expect(changes.map(describeChange)).toEqual([
    'container mounter: linuxParameters.capabilities.add SYS_ADMIN, NET_ADMIN → NET_ADMIN',
    'container toolbox: privileged true → false',
    'container toolbox: linuxParameters.capabilities.add cap_sys_admin, ALL → (none)',
  ]);
  const [mounter, toolbox, vpn] = taskDefinition.containerDefinitions!;
  expect(mounter!.linuxParameters).toEqual({ initProcessEnabled: true, capabilities: { add: ['NET_ADMIN'], drop: ['NET_RAW'] } });
  expect(toolbox!.linuxParameters).toEqual({ capabilities: {} });
  expect(vpn).toEqual(input.containerDefinitions![2]);
  expect(input.containerDefinitions![0]!.linuxParameters!.capabilities!.add).toEqual(['SYS_ADMIN', 'NET_ADMIN']);
  expect(harden(taskDefinition, settings).changes).toEqual([]);
  // The privileged control off: neither privileged nor the capabilities are touched.
  const off = settingsFor(PolicySchema.parse({ controls: { 'ecs-task-privileged': { enabled: false } } }), 'eu-west-1');
  expect(harden(input, off).changes).toEqual([]);
});

test('live facts carry capabilities and host devices', () => {
  const facts = toTaskDefinitionFacts(td({
    containerDefinitions: [{ name: 'a', image: 'a:1', linuxParameters: { capabilities: { add: ['SYS_PTRACE'] }, devices: [{ hostPath: '/dev/fuse', permissions: ['read'] }] } }],
  }));
  expect(facts.containers[0]).toMatchObject({ capabilitiesAdded: ['SYS_PTRACE'], devices: [{ hostPath: '/dev/fuse', permissions: ['read'] }] });
});
