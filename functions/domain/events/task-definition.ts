/**
 * Container definitions → ContainerFacts, whatever the source casing (CloudTrail lowerCamelCase, Config PascalCase).
 * Environment values are inspected for secrets here (the one pattern list: controls/secret-patterns.ts) and
 * dropped: no value leaves this module.
 */
import { secretLikeEnv } from '../controls/secret-patterns';
import type { ContainerFacts } from '../model';

/** One container as read from an event, before the values are dropped. */
export interface RawContainer {
  name: string;
  image?: string | null | undefined;
  user?: string | null | undefined;
  privileged?: boolean | null | undefined;
  readonlyRootFilesystem?: boolean | null | undefined;
  logDriver?: string | null | undefined;
  environment: { name: string; value?: unknown }[];
  secrets: { name: string }[];
}

export function containerFacts(c: RawContainer): ContainerFacts {
  const facts: ContainerFacts = {
    name: c.name,
    logging: typeof c.logDriver === 'string' && c.logDriver.length > 0,
    environment: c.environment.map(({ name, value }) => {
      // Non-strings (and absent values) are judged by name only.
      const kind = secretLikeEnv(name, typeof value === 'string' ? value : undefined);
      return kind ? { name, secretLike: kind } : { name };
    }),
    secrets: c.secrets.map((s) => s.name),
  };
  if (c.image) facts.image = c.image;
  if (c.user != null && c.user !== '') facts.user = c.user;
  if (c.privileged != null) facts.privileged = c.privileged;
  if (c.readonlyRootFilesystem != null) facts.readonlyRootFilesystem = c.readonlyRootFilesystem;
  return facts;
}
