import type { Tags } from '../domain/model';

/** The `{ Key, Value }` tag lists of EC2 and ECR, to and from the model's Tags. (ECS uses `{ key, value }`: aws/ecs.ts.) */
export const fromAwsTags = (list: { Key?: string; Value?: string }[] | undefined): Tags =>
  Object.fromEntries((list ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));

export const toAwsTags = (tags: Tags): { Key: string; Value: string }[] => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
