import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Providers } from './lab.js';
import { toHtml } from './report-html.js';
import type { ScenarioResult } from './scenarios/run-scenario.js';

export interface Report {
  readonly startedAt: string;
  readonly providers: Providers;
  readonly scenarios: readonly ScenarioResult[];
}

/** Writes report.json, report.md and report.html into `dir`; returns their paths. */
export async function writeReport(dir: string, report: Report): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const json = join(dir, 'report.json');
  const markdown = join(dir, 'report.md');
  await writeFile(json, `${JSON.stringify(report, null, 2)}\n`);
  const html = join(dir, 'report.html');
  await writeFile(markdown, toMarkdown(report));
  await writeFile(html, toHtml(report));
  return [json, markdown, html];
}

function toMarkdown(report: Report): string {
  const rows = report.scenarios.map((result) =>
    `| ${result.name} | ${result.passed ? 'passed' : 'FAILED'} | ${result.faults.join('; ')} | ${result.convergenceMs ?? '-'} | ${result.ackedWrites}/${result.writes} | ${result.redisNodes.join(', ') || '-'} | ${figuresText(result.figures)} |`,
  );
  const problems = report.scenarios.flatMap((result) => result.problems.map((problem) => `- ${result.name}: ${problem}`));
  return [
    `# Chaos lab report`,
    ``,
    `Started ${report.startedAt}. Redis: ${report.providers.redis}. toxiproxy: ${report.providers.toxiproxy}.`,
    ``,
    `| scenario | outcome | faults | convergence (ms) | acknowledged writes checked | on Redis | figures |`,
    `| --- | --- | --- | --- | --- | --- | --- |`,
    ...rows,
    ``,
    ...(problems.length === 0 ? ['No problems found.'] : ['## Problems', '', ...problems]),
    ``,
  ].join('\n');
}

function figuresText(figures: ScenarioResult['figures']): string {
  const entries = Object.entries(figures);
  return entries.length === 0 ? '-' : entries.map(([name, value]) => `${name} ${value}`).join(', ');
}
