import { dataLimit } from './data-limit.js';
import { killPrimary } from './kill-primary.js';
import { killRedis } from './kill-redis.js';
import { killRestart } from './kill-restart.js';
import { linkFaults } from './link-faults.js';
import { linkStall } from './link-stall.js';
import { partitionPastLog } from './partition-past-log.js';
import type { Scenario } from './scenario.js';
import { slowSecondary } from './slow-secondary.js';

/** Every scenario `npm run chaos` runs, smallest first. */
export const SCENARIOS: readonly Scenario[] = [partitionPastLog, linkFaults, killRestart, slowSecondary, linkStall, killPrimary, dataLimit, killRedis];
