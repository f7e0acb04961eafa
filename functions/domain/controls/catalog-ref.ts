import type { Control } from './control';

/**
 * The catalog, for controls that read other controls at evaluation time (a service runs a task definition: the
 * task-definition controls judge it). index.ts fills it; reading it through here keeps the control files free of an
 * import cycle with the generated index.
 */
let catalog: readonly Control[] = [];
export const setCatalog = (all: readonly Control[]): void => {
  catalog = all;
};
export function catalogControls(): readonly Control[] {
  // Never silently "no controls": that would call every task definition compliant.
  if (catalog.length === 0) throw new Error('the control catalog is not loaded: import functions/domain/controls (index.ts) first');
  return catalog;
}
