// `warden <args>` in-process, as the tests run it: the exit code and what it wrote to stdout and stderr (not TTYs).
import { main } from '../../cli/warden';

/** A stream stand-in that keeps what was written. */
export function writer(): { write: (s: string) => true; text: () => string } {
  let text = '';
  return { write: (s: string) => ((text += s), true), text: () => text };
}

export async function runWarden(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = writer();
  const err = writer();
  const code = await main(args, out, err);
  return { code, stdout: out.text(), stderr: err.text() };
}
