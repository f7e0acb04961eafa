import type { ContainerFacts, TaskDefinitionFacts } from '../model';

/** runtimePlatform.operatingSystemFamily absent or LINUX…: Linux. WINDOWS_SERVER_…: not Linux. */
export const isLinux = (td: TaskDefinitionFacts): boolean => td.osFamily === undefined || /^LINUX/i.test(td.osFamily);

/** `user` absent (image default), `root`, `0` or `0:<gid>` / `root:<group>`. `1000`, `app`, `1000:0` are not root. */
export function isRootUser(user: string | undefined): boolean {
  if (user === undefined || user.trim() === '') return true;
  const name = user.trim().split(':')[0]?.trim();
  return name === 'root' || name === '0';
}

/** How a container's user reads in evidence. */
export const describeUser = (c: ContainerFacts): string => (c.user === undefined ? 'no user (image default: root)' : `user ${c.user}`);

export const names = (containers: ContainerFacts[]): string[] => containers.map((c) => c.name);

/** "family:revision", or the family, for evidence. */
export const taskDefinitionLabel = (td: TaskDefinitionFacts): string =>
  td.revision === undefined ? td.family : `${td.family}:${td.revision}`;

/** "cap_sys_admin" / "SYS_ADMIN" → "SYS_ADMIN": how capabilities are compared everywhere. */
export const capabilityName = (cap: string): string => cap.trim().toUpperCase().replace(/^CAP_/, '');

/** Capabilities whose addition is as good as `privileged: true` (ALL; SYS_ADMIN: mount, namespaces, devices). */
export const PRIVILEGED_CAPABILITIES: readonly string[] = ['ALL', 'SYS_ADMIN'];

/** The privileged-equivalent capabilities a container adds. */
export const privilegedCapabilities = (c: ContainerFacts): string[] =>
  (c.capabilitiesAdded ?? []).filter((cap) => PRIVILEGED_CAPABILITIES.includes(cap));

/** `privileged: true`, or a privileged-equivalent capability added: the privileged controls' one test. */
export const isPrivileged = (c: ContainerFacts): boolean => c.privileged === true || privilegedCapabilities(c).length > 0;

/** How a privileged container reads in evidence: "agent", or "web (adds SYS_ADMIN)" when only a capability makes it so. */
export const describePrivileged = (c: ContainerFacts): string =>
  c.privileged === true ? c.name : `${c.name} (adds ${privilegedCapabilities(c).join(', ')})`;
