import { killRestart } from './kill-restart.js';
import { linkFaults } from './link-faults.js';
import { partitionPastLog } from './partition-past-log.js';
import type { Scenario } from './scenario.js';

/** Every scenario `npm run chaos` runs, smallest first. */
export const SCENARIOS: readonly Scenario[] = [partitionPastLog, linkFaults, killRestart];
