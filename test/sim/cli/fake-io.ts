import type { CliIo } from '../../../sim/cli/io.js';

/** A CliIo that records what the CLI prints and writes, with a clock that never moves. */
export function fakeIo(): { io: CliIo; out: string[]; err: string[]; files: Map<string, string> } {
  const out: string[] = [];
  const err: string[] = [];
  const files = new Map<string, string>();
  const io: CliIo = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    status: null,
    nowMs: () => 0,
    writeFile: (path, text) => files.set(path, text),
  };
  return { io, out, err, files };
}
