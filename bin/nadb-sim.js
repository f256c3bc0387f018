#!/usr/bin/env node
import { launch } from './launch.js';

await launch('sim/cli/nadb-sim.ts', 'dist/sim/cli/nadb-sim.js');
