/** The text given to `--from-sim` is not a scenario the lab can run: a usage error (exit 64), never a failed run. */
export class SimScenarioError extends Error {
  override readonly name = 'SimScenarioError';
}
