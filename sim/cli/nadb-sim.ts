#!/usr/bin/env node
/**
 * nadb-sim: runs the deterministic simulator on one seed (run, replay) or many (sweep).
 *
 *   npm run sim -- run --seed 7
 *   npm run sim -- sweep --seeds 500 --from $(git rev-parse HEAD)
 */
import { exitQuietlyWhenStdoutCloses } from '../../src/cli/closed-pipe.js';
import { runSimulation } from '../run.js';
import { processIo } from './io.js';
import { main } from './main.js';

exitQuietlyWhenStdoutCloses();
process.exitCode = await main(process.argv.slice(2), processIo(), runSimulation);
