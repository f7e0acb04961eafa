import type { ContainerFacts, DeviceFacts } from '../model';
import { capabilityName, isLinux, PRIVILEGED_CAPABILITIES } from './ecs-containers';
import { taskDefinitionControl } from './task-definition-control';

/** "/dev/fuse (read, write, mknod)", "/dev/sdb → /dev/xvdb (read)". */
const describeDevice = (d: DeviceFacts): string =>
  `${d.hostPath}${d.containerPath && d.containerPath !== d.hostPath ? ` → ${d.containerPath}` : ''} (${(d.permissions ?? ['read', 'write', 'mknod']).join(', ')})`;

/**
 * Least privilege below `privileged`: a container that adds a dangerous Linux capability (policy
 * `dangerousCapabilities`) or maps a host device. Whether the workload needs it is the owner's call, so the owner is
 * told; ALL and SYS_ADMIN are privileged (ecs-task-privileged hardens them) and are not repeated here.
 */
export const ecsTaskDangerousCapabilities = taskDefinitionControl(
  {
    id: 'ecs-task-dangerous-capabilities',
    title: 'A container of the task definition adds dangerous Linux capabilities or maps host devices',
    severity: 'HIGH',
    seedRef: '1 Least privilege: restrict permissions (filesystem, network, etc.) to the minimum necessary',
    seed: ['1/restrict-permissions-filesystem-network'],
    mappings: {},
    remediation: {
      action: 'notify-owner',
      defaultMode: 'notify',
      summary:
        'Tell the owner which capabilities (linuxParameters.capabilities.add) and host devices (linuxParameters.devices) to remove in a new revision, or to keep on purpose; ALL and SYS_ADMIN are hardened as privileged',
    },
  },
  (td, _o, policy) => {
    if (!isLinux(td)) return undefined; // linuxParameters do not apply to Windows containers
    const dangerous = new Set(policy.dangerousCapabilities.map(capabilityName));
    const capsOf = (c: ContainerFacts) => (c.capabilitiesAdded ?? []).filter((cap) => dangerous.has(cap) && !PRIVILEGED_CAPABILITIES.includes(cap));
    const hits = td.containers.filter((c) => capsOf(c).length > 0 || (c.devices ?? []).length > 0);
    if (hits.length === 0) return undefined;
    const parts = hits.flatMap((c) => [
      ...(capsOf(c).length ? [`${c.name} adds ${capsOf(c).join(', ')}`] : []),
      ...(c.devices?.length ? [`${c.name} maps host devices ${c.devices.map(describeDevice).join(', ')}`] : []),
    ]);
    return { targets: hits.map((c) => c.name), evidence: `capabilities and host devices: ${parts.join('; ')}` };
  },
);
