import { readFileSync } from 'node:fs';
import { evaluate } from '../functions/domain/evaluate';
import { defaultPolicy } from '../functions/domain/policy';
const manifest = JSON.parse(readFileSync('test/fixtures/events.manifest.json', 'utf8')) as { file: string }[];
const samples = manifest.flatMap(({ file }) => { try { return [{ file, event: JSON.parse(readFileSync('events/' + file, 'utf8')) }]; } catch { return []; } });
const policy = defaultPolicy();
const rate = async (events: unknown[], n: number) => {
  for (let i = 0; i < Math.min(n, 2000); i++) await evaluate(events[i % events.length], { policy });
  const start = performance.now();
  for (let i = 0; i < n; i++) await evaluate(events[i % events.length], { policy });
  return Math.round(n / ((performance.now() - start) / 1000));
};
const padded = samples.filter((s) => s.file.includes('padded')).map((s) => s.event);
console.log('mix', await rate(samples.filter((s) => !s.file.includes('padded')).map((s) => s.event), 50_000));
console.log('padded', await rate(padded, 2_000));
for (const f of ['cloudtrail/reach-ssh-two-halves.json', 'cloudtrail/authorize-ssh-world.json', 'cloudtrail/reach-ssh-four-quarters.json']) console.log(f, await rate([samples.find((s) => s.file === f)!.event], 5000));
