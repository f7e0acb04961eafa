import { ROUTED_CALLS } from '../../../functions/domain/events/calls';
import { readdirSync, readFileSync } from 'node:fs';
import { controls } from '../../../functions/domain/controls';
import { renderControlsDoc, triggerLines } from '../../../functions/domain/controls/controls-doc';
import { seedCoverage, seedPoints, seedSections } from '../../../functions/domain/controls/seed-coverage';

const DOC = new URL('../../../docs/controls.md', import.meta.url);

describe('control catalog', () => {
  test('ids are unique and every control is complete', () => {
    expect(new Set(controls.map((c) => c.id)).size).toBe(controls.length);
    for (const c of controls) {
      expect({ id: c.id, seedRef: c.seedRef.trim().length > 0 }).toEqual({ id: c.id, seedRef: true });
      expect(c.title && c.resourceTypes.length && triggerLines(c).length && c.remediation.action && c.remediation.summary).toBeTruthy();
    }
  });
  test('each Security Hub id and Config rule is written once in the whole source: in its control\'s mappings', () => {
    const source = readdirSync('functions', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'))
      .map((f) => readFileSync(`functions/${f}`, 'utf8')).join('\n');
    const facts = controls.flatMap((c) => [...(c.mappings.securityHub ?? []), ...(c.mappings.configRules ?? [])]);
    expect(facts.length).toBeGreaterThan(30);
    const counts = facts.map((fact) => [fact, source.split(`'${fact}'`).length - 1]);
    expect(counts.filter(([, n]) => n !== 1)).toEqual([]);
  });
  test('every CloudTrail trigger is a call triage routes, and every routed call feeds some control', () => {
    const declared = new Set(controls.flatMap((c) => c.triggers.cloudTrail ?? []));
    expect([...declared].filter((call) => !(ROUTED_CALLS as readonly string[]).includes(call))).toEqual([]);
    expect(ROUTED_CALLS.filter((call) => !declared.has(call))).toEqual([]);
  });

  test('no Config rule of one control is contained in another control\'s rule (normalizers match by containment)', () => {
    const owned = controls.flatMap((c) => (c.mappings.configRules ?? []).map((rule) => ({ id: c.id, rule })));
    const clashes = owned.flatMap((a) => owned.filter((b) => b.id !== a.id && b.rule.includes(a.rule)).map((b) => `${a.rule} ⊂ ${b.rule}`));
    expect(clashes).toEqual([]);
  });

  test('every seed point has a control or a reason, and names only catalog controls', () => {
    const ids = new Set(controls.map((c) => c.id));
    const sections = new Set(seedSections.map((s) => s.section));
    for (const p of seedCoverage()) {
      expect({ point: p.point, covered: p.controls.length > 0 || (p.reason ?? '').trim().length > 0 }).toEqual({ point: p.point, covered: true });
      expect(p.controls.filter((id) => !ids.has(id))).toEqual([]);
      expect(sections.has(p.section)).toBe(true);
    }
    for (const s of seedSections) expect(seedCoverage().some((p) => p.section === s.section)).toBe(true);
  });

  test('every control covers at least one seed point', () => {
    const covered = new Set(seedCoverage().flatMap((p) => p.controls));
    expect(controls.map((c) => c.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  test("every control's seed names a point that exists, once", () => {
    const points = new Set(seedPoints.map((p) => p.id));
    expect(points.size).toBe(seedPoints.length);
    expect(controls.flatMap((c) => c.seed.filter((id) => !points.has(id)).map((id) => `${c.id}: ${id}`))).toEqual([]);
    expect(controls.filter((c) => new Set(c.seed).size !== c.seed.length).map((c) => c.id)).toEqual([]);
  });

  test('docs/controls.md is up to date (run `npm run docs:controls`)', () => {
    expect(readFileSync(DOC, 'utf8')).toBe(renderControlsDoc(controls));
  });

  test("events/README.md's table of the controls' examples is up to date (run `npm run docs:controls`)", async () => {
    const { eventsReadme, readmePath } = await import('../../../scripts/gen-controls-doc');
    const current = readFileSync(readmePath, 'utf8');
    expect(current).toBe(eventsReadme(current));
  });

  test('the doc lists every control and the seed coverage', () => {
    const doc = renderControlsDoc(controls);
    for (const c of controls) expect(doc).toContain(`| \`${c.id}\` |`);
    expect(doc).toContain('## Seed coverage');
    expect(renderControlsDoc(controls.slice(1))).not.toBe(doc);
  });
});

test('the catalog index is generated from the control files (run `npm run gen`)', async () => {
  const { controlRegistry, registryPath } = await import('../../../scripts/gen-registry');
  expect(readFileSync(registryPath, 'utf8')).toBe(controlRegistry());
});
