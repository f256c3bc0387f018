/**
 * The seed of the default properties: NADB_PROPERTY_SEED when given (a number or a commit hash),
 * else the checked-out commit's, as `nadb-sim sweep --from $(git rev-parse HEAD)` does. Runs vary
 * from commit to commit, and a failure in CI replays with the seed it printed.
 */
import { execFileSync } from 'node:child_process';
import { parseSeed } from '../../sim/cli/seed.js';

function commitHash(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

let announced: number | undefined;

/** The seed, printed once per test file with the line that replays it. */
export function propertySeed(): number {
  if (announced !== undefined) return announced;
  const given = process.env.NADB_PROPERTY_SEED;
  const source = given ?? commitHash();
  // Without git (an unpacked tarball), a seed of the moment, printed all the same.
  const seed = source === undefined ? Date.now() % 0xffff_ffff : parseSeed(source);
  console.log(`property seed ${seed}${given === undefined ? ` (from ${source ?? 'the clock'})` : ''}: replay with NADB_PROPERTY_SEED=${seed}`);
  announced = seed | 0;
  return announced;
}
