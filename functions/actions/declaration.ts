/**
 * What an action declares about itself, in its own file (`export const declaration`): id, title, whether it only
 * plans, and the IAM grants of each phase. Pure data: `npm run gen` reads it to write the registry (index.ts,
 * catalog.ts) and the remediation functions' IAM statements in template.yaml.
 */
import type { Grant } from '../aws/permissions';

export type Phase = 'inspect' | 'apply' | 'verify';

interface Declared {
  /** The file name too: functions/actions/<id>.ts. */
  id: string;
  title: string;
}

/** Changes the account: inspect → apply → verify. */
export interface FixingDeclaration extends Declared {
  planOnly: false;
  permissions: Record<Phase, readonly Grant[]>;
}

/** Plans only: tells the owner the exact change; its mode is never below approval. */
export interface PlanOnlyDeclaration extends Declared {
  planOnly: true;
  permissions: { inspect: readonly Grant[] };
}

export type ActionDeclaration = FixingDeclaration | PlanOnlyDeclaration;
