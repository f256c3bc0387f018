import type { CliIo } from '../../../sim/cli/io.js';

/** The one directory a fake CliIo cannot write into. */
export const MISSING_DIRECTORY = '/nonexistent';

/**
 * A CliIo that records what the CLI prints and writes (and reads back), with a clock that never
 * moves; it runs from the repository only when asked to.
 */
export function fakeIo(env: CliIo['env'] = {}, fromRepository = false): { io: CliIo; out: string[]; err: string[]; files: Map<string, string> } {
  const out: string[] = [];
  const err: string[] = [];
  const files = new Map<string, string>();
  const io: CliIo = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    status: null,
    nowMs: () => 0,
    writeFile: (path, text) => files.set(path, text),
    readFile: (path) => {
      const text = files.get(path);
      if (text === undefined) throw Object.assign(new Error(`ENOENT: no such file, open '${path}'`), { code: 'ENOENT' });
      return text;
    },
    outputProblem: (path) => (path.startsWith(`${MISSING_DIRECTORY}/`) ? `directory ${MISSING_DIRECTORY} does not exist` : null),
    fromRepository,
    env,
  };
  return { io, out, err, files };
}
