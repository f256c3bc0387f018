import { dataLimit } from './data-limit.js';
import { killPrimary, killPrimaryOn } from './kill-primary.js';
import { killRedis } from './kill-redis.js';
import { killRestart } from './kill-restart.js';
import { linkFaults } from './link-faults.js';
import { linkStall } from './link-stall.js';
import { partitionPastLog } from './partition-past-log.js';
import type { Scenario } from './scenario.js';
import { redisComesBackEmpty } from './redis-empty.js';
import { redisLinkFaults } from './redis-link-faults.js';
import { redisPaused } from './redis-pause.js';
import { redisPausePaced } from './redis-pause-paced.js';
import { slowSecondary } from './slow-secondary.js';
import { toxicMatrix } from './toxic-matrix.js';

const redisLinkSecondary = redisLinkFaults('secondary-1');
/** Each toxic on each link in each direction, fixed: part of the full profile, and a profile of its own. */
const MATRIX = toxicMatrix();
const killSecondaryRedis = killRedis('secondary-1');
const redisEmptySecondary = redisComesBackEmpty('secondary-1');
const redisEmptyPrimary = redisComesBackEmpty('primary');

/** Every scenario `npm run chaos` runs, smallest first. */
export const SCENARIOS: readonly Scenario[] = [partitionPastLog, linkFaults, killRestart, slowSecondary, linkStall, killPrimary, killPrimaryOn('redis'), dataLimit, killSecondaryRedis, killRedis('primary'), redisLinkSecondary, redisLinkFaults('primary'), redisEmptySecondary, redisEmptyPrimary, redisPaused('secondary-1'), redisPaused('primary'), redisPausePaced, ...MATRIX];

/** What CI runs (`--profile short`): replication-link faults, a Redis killed, a Redis that comes back empty, faults on a node→Redis link, a frozen Redis under write pacing; about two minutes on 2 cores. */
const SHORT_PROFILE: readonly Scenario[] = [partitionPastLog, linkFaults, killSecondaryRedis, redisLinkSecondary, redisEmptySecondary, redisEmptyPrimary, redisPausePaced];
const PROFILES: Readonly<Record<string, readonly Scenario[]>> = { full: SCENARIOS, short: SHORT_PROFILE, matrix: MATRIX };

/** The scenarios named, else the profile's (full by default); an unknown name is an error, not an empty run. */
export function chosenScenarios(names: readonly string[] | undefined, profile = 'full'): readonly Scenario[] {
  const pool = PROFILES[profile];
  if (pool === undefined) throw new Error(`no profile '${profile}'; there are ${Object.keys(PROFILES).join(', ')}`);
  if (names === undefined) return pool;
  return names.map((name) => {
    const scenario = SCENARIOS.find((candidate) => candidate.name === name);
    if (scenario === undefined) throw new Error(`no scenario '${name}'; there are ${SCENARIOS.map((candidate) => candidate.name).join(', ')}`);
    return scenario;
  });
}
