// Placeholder until the normalizers land (see docs/architecture.md): every event is "invalid".
import type { Normalized } from '../model';
export function normalize(_raw: unknown): Normalized {
  return { kind: 'invalid', reason: 'normalizers not yet implemented' };
}
