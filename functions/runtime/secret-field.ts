/**
 * A secret stored either as the bare value or as JSON with one field (e.g. `{"url": "…"}`, `{"token": "…"}`).
 * `label` names the secret in errors; errors never contain the value.
 */
export function secretField(secret: string, key: string, label: string, noun: string): string {
  const raw = secret.trim();
  if (!raw.startsWith('{')) return raw;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error(`${label} is neither a ${noun} nor JSON {"${key}": ...}`);
  }
  const value = (parsed as Record<string, unknown>)[key];
  if (typeof value !== 'string') throw new Error(`${label} JSON has no string "${key}"`);
  return value.trim();
}
