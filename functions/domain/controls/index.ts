import type { Control } from './control';
import { sgWorldOpenIngress } from './sg-world-open-ingress';

export type { Control, ControlResult } from './control';

/** The catalog. Adding a control: one file, one line here, one test; docs/controls.md is generated from this list. */
export const controls: readonly Control[] = [sgWorldOpenIngress];

export const controlById = (id: string): Control | undefined => controls.find((c) => c.id === id);
