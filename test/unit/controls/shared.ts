import type { Control } from '../../../functions/domain/controls';
import type { ResourceType } from '../../../functions/domain/model';
import { flagged, policy } from './fixtures';

/** The `flagged` contract every control follows: a provisional finding only when the evaluator named it. */
export function flaggedCases(control: Control, type: ResourceType): void {
  describe('flagged facts (Config / Security Hub without data)', () => {
    test('naming this control: one finding without targets, and a needs-live-state note', () => {
      const o = flagged(type, [control.id]);
      expect(control.appliesTo(o)).toBe(true);
      const r = control.evaluate(o, policy());
      expect(r.findings).toHaveLength(1);
      expect(r.findings[0]).toMatchObject({ control: control.id, remediation: { action: control.remediation.action, targets: [] } });
      expect(r.note).toMatch(/^needs live state: /);
    });
    test('naming another control: nothing', () => {
      expect(control.evaluate(flagged(type, ['some-other-control']), policy())).toEqual({ findings: [] });
      expect(control.evaluate(flagged(type, []), policy())).toEqual({ findings: [] });
    });
  });
}
