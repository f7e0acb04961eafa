/**
 * Container definitions → ContainerFacts, whatever the source casing (CloudTrail lowerCamelCase, Config PascalCase).
 * Environment values are inspected for secrets here (the one pattern list: controls/secret-patterns.ts) and
 * dropped: no value leaves this module.
 */
import { capabilityName } from '../controls/ecs-containers';
import { secretLikeEnv } from '../controls/secret-patterns';
import type { ContainerFacts, DeviceFacts, EnvFacts } from '../model';

type Maybe<T> = T | null | undefined;

/** One container as read from an event, before the values are dropped. */
export interface RawContainer {
  name: string;
  image?: Maybe<string>;
  user?: Maybe<string>;
  privileged?: Maybe<boolean>;
  readonlyRootFilesystem?: Maybe<boolean>;
  logDriver?: Maybe<string>;
  /** linuxParameters.capabilities.add */
  capabilitiesAdded?: Maybe<string[]>;
  /** linuxParameters.devices */
  devices?: Maybe<{ hostPath: string; containerPath?: Maybe<string>; permissions?: Maybe<string[]> }[]>;
  environment: { name: string; value?: unknown }[];
  secrets: { name: string }[];
}

/** Environment entries by name, each with the verdict on its value; the values themselves are dropped here. */
export const environmentFacts = (environment: { name: string; value?: unknown }[]): EnvFacts[] =>
  environment.map(({ name, value }) => {
    const kind = secretLikeEnv(name, value);
    return kind ? { name, secretLike: kind } : { name };
  });

export function containerFacts(c: RawContainer): ContainerFacts {
  const facts: ContainerFacts = {
    name: c.name,
    logging: typeof c.logDriver === 'string' && c.logDriver.length > 0,
    environment: environmentFacts(c.environment),
    secrets: c.secrets.map((s) => s.name),
  };
  if (c.image) facts.image = c.image;
  if (c.user != null && c.user !== '') facts.user = c.user;
  if (c.privileged != null) facts.privileged = c.privileged;
  if (c.readonlyRootFilesystem != null) facts.readonlyRootFilesystem = c.readonlyRootFilesystem;
  const added = (c.capabilitiesAdded ?? []).map(capabilityName).filter(Boolean);
  if (added.length) facts.capabilitiesAdded = [...new Set(added)];
  const devices = (c.devices ?? []).filter((d) => d.hostPath).map((d): DeviceFacts => ({
    hostPath: d.hostPath,
    ...(d.containerPath ? { containerPath: d.containerPath } : {}),
    ...(d.permissions?.length ? { permissions: d.permissions } : {}),
  }));
  if (devices.length) facts.devices = devices;
  return facts;
}
