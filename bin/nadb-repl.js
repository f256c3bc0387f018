#!/usr/bin/env node
import { launch } from './launch.js';

await launch('src/cli/nadb-repl.ts', 'dist/src/cli/nadb-repl.js');
