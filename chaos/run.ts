/**
 * `npm run chaos [-- --report DIR] [--scenario NAME ...]`: runs every scenario (or those named) against real node processes, prints
 * progress, writes DIR/report.json and DIR/report.md (default chaos/report) and exits 1 when any
 * scenario fails. CHAOS_TOXIPROXY_URL points the scenarios at a real toxiproxy instead of the stand-in.
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { startRedisServer, type RedisServer } from '../harness/redis-process.js';
import { openToxiproxy } from './cluster/toxiproxy.js';
import { writeReport } from './report.js';
import { SCENARIOS } from './scenarios/all.js';
import { runScenario, type ScenarioResult } from './scenarios/run-scenario.js';
import type { Scenario } from './scenarios/scenario.js';

const DEFAULT_REPORT_DIR = 'chaos/report';

function log(line: string): void {
  process.stdout.write(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

/** A Redis server for secondary-1 (appendonly, fsync always: kill-redis restarts it on what it acknowledged), or null (with the reason printed) when redis-server is not installed. */
async function startRedis(): Promise<RedisServer | null> {
  if (spawnSync('redis-server', ['--version']).status === 0) return startRedisServer({ appendFsyncAlways: true });
  log('redis-server is not installed: every node stores on fs');
  return null;
}

/** Every scenario, or only those named (an unknown name is an error, not an empty run). */
function chosenScenarios(names: readonly string[] | undefined): readonly Scenario[] {
  if (names === undefined) return SCENARIOS;
  return names.map((name) => {
    const scenario = SCENARIOS.find((candidate) => candidate.name === name);
    if (scenario === undefined) throw new Error(`no scenario '${name}'; there are ${SCENARIOS.map((candidate) => candidate.name).join(', ')}`);
    return scenario;
  });
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { report: { type: 'string' }, scenario: { type: 'string', multiple: true } } });
  const scenarios = chosenScenarios(values.scenario);
  const startedAt = new Date().toISOString();
  const toxiproxy = await openToxiproxy();
  const redis = await startRedis();
  const results: ScenarioResult[] = [];
  try {
    for (const scenario of scenarios) {
      if (scenario.needsRedis === true && redis === null) {
        log(`${scenario.name}: skipped: it needs redis-server`);
        continue;
      }
      // A Redis database per scenario, so that no scenario finds another's data.
      const secondary1Storage = redis === null ? null : `${redis.url}/${SCENARIOS.indexOf(scenario) + 1}`;
      const result = await runScenario(scenario, { toxiproxy, secondary1Storage, secondary1Redis: redis ?? undefined, log });
      log(`${scenario.name}: ${result.passed ? 'passed' : `FAILED: ${result.problems.join('; ')}`}`);
      for (const [name, value] of Object.entries(result.figures)) log(`${scenario.name}: ${name}: ${value}`);
      results.push(result);
    }
  } finally {
    await redis?.stop();
    await toxiproxy.close();
  }
  const paths = await writeReport(values.report ?? DEFAULT_REPORT_DIR, { startedAt, proxy: toxiproxy.kind, redis: redis === null ? 'not installed' : 'redis-server', scenarios: results });
  log(`report: ${paths.join(', ')}`);
  return results.every((result) => result.passed) ? 0 : 1;
}

process.exit(await main());
