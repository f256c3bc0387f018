/**
 * What `--from-sim` takes: a scenario's JSON, the replay line the simulator prints around it
 * (`npx nadb-sim scenario '<json>'`, a failing property's `replay:` line, or its `npm run sim --`
 * form), or a file holding either.
 */
import { readFile, stat } from 'node:fs/promises';
import { SimScenarioError } from './error.js';
import { FROM_SIM_LIMITS } from './limits.js';

/** The shell's single quotes around the JSON, with `'\''` for each quote inside, as scenarioCommand writes them. */
const REPLAY_LINE = /(?:nadb-sim|npm run sim --) scenario '((?:[^']|'\\'')*)'/;

/** The scenario's JSON text from the argument, or from the file it names. */
export async function scenarioText(argument: string): Promise<string> {
  checkSize(Buffer.byteLength(argument), 'the argument');
  if (isInline(argument)) return jsonOf(argument);
  const size = await stat(argument).then(
    (stats) => stats.size,
    (error: unknown) => {
      throw new SimScenarioError(`--from-sim takes a scenario's JSON, a replay line or a file, and '${argument.slice(0, FROM_SIM_LIMITS.quotedCharsMax)}' is none of them (${String(error)})`);
    },
  );
  checkSize(size, argument);
  return jsonOf(await readFile(argument, 'utf8'));
}

function isInline(text: string): boolean {
  return text.trimStart().startsWith('{') || REPLAY_LINE.test(text);
}

function checkSize(bytes: number, what: string): void {
  if (bytes > FROM_SIM_LIMITS.inputBytesMax) throw new SimScenarioError(`${what} holds ${bytes} bytes, more than the ${FROM_SIM_LIMITS.inputBytesMax} a scenario may`);
}

/** JSON as it is, or the JSON a replay line quotes, unquoted as the shell would. */
function jsonOf(text: string): string {
  if (text.trimStart().startsWith('{')) return text;
  const quoted = REPLAY_LINE.exec(text)?.[1];
  if (quoted === undefined) throw new SimScenarioError("the text is neither a scenario's JSON nor a `nadb-sim scenario '<json>'` replay line");
  return quoted.replaceAll("'\\''", "'");
}
