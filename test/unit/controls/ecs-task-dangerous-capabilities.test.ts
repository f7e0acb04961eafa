import { ecsTaskDangerousCapabilities as control } from '../../../functions/domain/controls/ecs-task-dangerous-capabilities';
import { DANGEROUS_CAPABILITIES } from '../../../functions/domain/policy';
import { container, policy, taskDefinition, tdObs } from './fixtures';

describe('ecs-task-dangerous-capabilities', () => {
  test('a dangerous capability: notify the owner, targeting only that container', () => {
    const td = taskDefinition([container({ name: 'app' }), container({ name: 'vpn', capabilitiesAdded: ['NET_ADMIN', 'CHOWN'] })]);
    const { findings } = control.evaluate(tdObs(td), policy());
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'HIGH', remediation: { action: 'notify-owner', mode: 'notify', targets: ['vpn'] } });
    expect(findings[0]?.evidence).toBe('web:3: capabilities and host devices: vpn adds NET_ADMIN');
  });

  test('host devices are reported in the evidence, with their paths and permissions', () => {
    const td = taskDefinition([
      container({ name: 'fuse', devices: [{ hostPath: '/dev/fuse' }] }),
      container({ name: 'disk', capabilitiesAdded: ['SYS_RAWIO'], devices: [{ hostPath: '/dev/sdb', containerPath: '/dev/xvdb', permissions: ['read'] }] }),
    ]);
    const [f] = control.evaluate(tdObs(td), policy()).findings;
    expect(f?.remediation.targets).toEqual(['fuse', 'disk']);
    expect(f?.evidence).toBe(
      'web:3: capabilities and host devices: fuse maps host devices /dev/fuse (read, write, mknod); disk adds SYS_RAWIO; disk maps host devices /dev/sdb → /dev/xvdb (read)',
    );
  });

  test('ALL and SYS_ADMIN are left to ecs-task-privileged; default capabilities (CHOWN, NET_BIND_SERVICE) are fine', () => {
    const td = taskDefinition([container({ capabilitiesAdded: ['SYS_ADMIN', 'ALL', 'CHOWN', 'NET_BIND_SERVICE'] })]);
    expect(control.evaluate(tdObs(td), policy()).findings).toEqual([]);
  });

  test('the list comes from policy (its default, or the operator\'s; names compared without CAP_ and case)', () => {
    expect(policy().dangerousCapabilities).toEqual([...DANGEROUS_CAPABILITIES]);
    for (const cap of ['NET_ADMIN', 'SYS_PTRACE', 'SYS_MODULE', 'SYS_RAWIO', 'DAC_READ_SEARCH', 'BPF']) expect(DANGEROUS_CAPABILITIES).toContain(cap);
    const td = taskDefinition([container({ capabilitiesAdded: ['SYS_PTRACE', 'SYS_NICE'] })]);
    expect(control.evaluate(tdObs(td), policy({ dangerousCapabilities: ['cap_sys_nice'] })).findings[0]?.evidence).toBe('web:3: capabilities and host devices: web adds SYS_NICE');
    expect(control.evaluate(tdObs(td), policy({ dangerousCapabilities: [] })).findings).toEqual([]);
  });

  test('Windows task definitions have no linuxParameters to judge', () => {
    const td = taskDefinition([container({ capabilitiesAdded: ['NET_ADMIN'] })], { osFamily: 'WINDOWS_SERVER_2022_CORE' });
    expect(control.evaluate(tdObs(td), policy()).findings).toEqual([]);
  });
});
