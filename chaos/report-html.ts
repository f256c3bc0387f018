/** report.html: per scenario, each secondary's lag over time with the fault windows shaded, and the checks' verdicts; inline SVG, nothing fetched. */
import type { Report } from './report.js';
import type { FaultWindow } from './scenarios/fault-timeline.js';
import type { LagSample } from './scenarios/lag-sampler.js';
import type { ScenarioResult } from './scenarios/run-scenario.js';

const WIDTH = 760;
const HEIGHT = 240;
const MARGIN = { left: 56, right: 16, top: 16, bottom: 36 } as const;
const TICKS = 5;
const SERIES_COLOURS = ['#c0392b', '#2471a3', '#1e8449', '#7d3c98'] as const;
const WINDOW_COLOURS = ['#f5b041', '#85c1e9', '#bb8fce', '#82e0aa', '#f1948a'] as const;

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

interface Scale {
  readonly x: (ms: number) => number;
  readonly y: (lag: number) => number;
  readonly endMs: number;
  readonly lagMax: number;
}

function scaleOf(samples: readonly LagSample[], windows: readonly FaultWindow[]): Scale {
  const endMs = Math.max(1, ...samples.map((sample) => sample.atMs), ...windows.map((window) => window.endMs ?? window.startMs));
  const lagMax = Math.max(1, ...samples.flatMap((sample) => Object.values(sample.lags).filter((lag): lag is number => lag !== null)));
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  return { endMs, lagMax, x: (ms) => MARGIN.left + (ms / endMs) * plotWidth, y: (lag) => MARGIN.top + plotHeight - (lag / lagMax) * plotHeight };
}

/** One polyline per stretch of readings; a node that was down (no reading) leaves a gap. */
function seriesPaths(samples: readonly LagSample[], name: string, colour: string, scale: Scale): string {
  const stretches: string[][] = [[]];
  for (const sample of samples) {
    const lag = sample.lags[name];
    if (lag === null || lag === undefined) stretches.push([]);
    else stretches[stretches.length - 1]?.push(`${scale.x(sample.atMs).toFixed(1)},${scale.y(lag).toFixed(1)}`);
  }
  return stretches
    .filter((points) => points.length > 0)
    .map((points) => `<polyline fill="none" stroke="${colour}" stroke-width="1.6" points="${points.join(' ')}"/>`)
    .join('');
}

function windowRects(windows: readonly FaultWindow[], scale: Scale): string {
  return windows
    .map((window, index) => {
      const colour = WINDOW_COLOURS[index % WINDOW_COLOURS.length];
      const x = scale.x(window.startMs);
      const width = Math.max(1, scale.x(window.endMs ?? scale.endMs) - x);
      const label = `${index + 1}`;
      return `<rect x="${x.toFixed(1)}" y="${MARGIN.top}" width="${width.toFixed(1)}" height="${HEIGHT - MARGIN.top - MARGIN.bottom}" fill="${colour}" fill-opacity="0.28"><title>${escape(`${label}. ${window.label}: ${window.startMs}–${window.endMs ?? '?'} ms`)}</title></rect>` +
        `<text x="${(x + 2).toFixed(1)}" y="${MARGIN.top + 11 + (index % 3) * 11}" font-size="10" fill="#555">${label}</text>`;
    })
    .join('');
}

function axes(scale: Scale): string {
  const ticks = Array.from({ length: TICKS + 1 }, (_, index) => index / TICKS);
  const bottom = HEIGHT - MARGIN.bottom;
  const xTicks = ticks.map((share) => {
    const x = scale.x(share * scale.endMs);
    return `<line x1="${x}" y1="${bottom}" x2="${x}" y2="${bottom + 4}" stroke="#333"/><text x="${x}" y="${bottom + 16}" font-size="10" text-anchor="middle">${((share * scale.endMs) / 1000).toFixed(1)}</text>`;
  });
  const yTicks = ticks.map((share) => {
    const y = scale.y(share * scale.lagMax);
    return `<line x1="${MARGIN.left - 4}" y1="${y}" x2="${MARGIN.left}" y2="${y}" stroke="#333"/><text x="${MARGIN.left - 6}" y="${y + 3}" font-size="10" text-anchor="end">${Math.round(share * scale.lagMax)}</text>`;
  });
  return [
    `<line x1="${MARGIN.left}" y1="${bottom}" x2="${WIDTH - MARGIN.right}" y2="${bottom}" stroke="#333"/>`,
    `<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${bottom}" stroke="#333"/>`,
    ...xTicks,
    ...yTicks,
    `<text x="${(MARGIN.left + WIDTH - MARGIN.right) / 2}" y="${HEIGHT - 4}" font-size="11" text-anchor="middle">seconds since the faults began</text>`,
    `<text x="12" y="${(MARGIN.top + bottom) / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 12 ${(MARGIN.top + bottom) / 2})">lag (operations)</text>`,
  ].join('');
}

function chart(result: ScenarioResult): string {
  const names = [...new Set(result.lagSamples.flatMap((sample) => Object.keys(sample.lags)))];
  if (names.length === 0) return '<p><em>No lag was sampled (the scenario ended before its faults).</em></p>';
  const scale = scaleOf(result.lagSamples, result.faultWindows);
  const series = names.map((name, index) => seriesPaths(result.lagSamples, name, SERIES_COLOURS[index % SERIES_COLOURS.length] ?? '#000', scale)).join('');
  const legend = names.map((name, index) => `<span style="color:${SERIES_COLOURS[index % SERIES_COLOURS.length]}">━ ${escape(name)}</span>`).join(' &nbsp; ');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="lag of each secondary over time">${windowRects(result.faultWindows, scale)}${axes(scale)}${series}</svg><div class="legend">${legend}</div>`;
}

function windowList(windows: readonly FaultWindow[]): string {
  if (windows.length === 0) return '';
  const items = windows.map((window, index) => `<li>${index + 1}. ${escape(window.label)}: ${window.startMs}–${window.endMs ?? '?'} ms (${window.ackedAtStart} writes acknowledged at its start)</li>`);
  return `<p>Fault windows as they ran (shaded):</p><ol class="windows">${items.join('')}</ol>`;
}

function verdicts(result: ScenarioResult): string {
  const convergence = result.convergenceMs === null ? '<li class="fail">converged after healing: no</li>' : `<li class="pass">converged after healing: yes, in ${result.convergenceMs} ms</li>`;
  const problems = result.problems.length === 0
    ? '<li class="pass">storages equal to the primary path by path, every acknowledged write present with its value, the fault had its effect: passed</li>'
    : result.problems.map((problem) => `<li class="fail">${escape(problem)}</li>`).join('');
  const figures = Object.entries(result.figures).map(([name, value]) => `<li>${escape(name)}: ${value}</li>`).join('');
  return `<ul>${convergence}<li>acknowledged writes checked: ${result.ackedWrites} of ${result.writes}</li>${problems}</ul>${figures === '' ? '' : `<p>Figures:</p><ul>${figures}</ul>`}`;
}

function section(result: ScenarioResult): string {
  const verdict = result.passed ? '<span class="pass">passed</span>' : '<span class="fail">FAILED</span>';
  const replay = result.replay === undefined ? '' : `<p>Replay: <code>${escape(result.replay)}</code> (the same schedule; real processes' timing varies, so the windows below are what ran this time).</p>`;
  return [
    `<section><h2>${escape(result.name)} — ${verdict}</h2>`,
    // One item a fault: a simulator's scenario lists dozens, with how each was mapped.
    `<p>Faults:</p><ul class="faults">${result.faults.map((fault) => `<li>${escape(fault)}</li>`).join('')}</ul>`,
    `<p>On Redis: ${escape(result.redisNodes.join(', ') || 'none')}. ${(result.durationMs / 1000).toFixed(1)} s.</p>`,
    replay,
    chart(result),
    windowList(result.faultWindows),
    verdicts(result),
    '</section>',
  ].join('\n');
}

export function toHtml(report: Report): string {
  const passed = report.scenarios.filter((result) => result.passed).length;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Chaos lab report</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px; color: #222; max-width: 820px; }
section { border-top: 1px solid #ccc; padding-top: 8px; margin-top: 16px; }
.pass { color: #1e8449; } .fail { color: #c0392b; font-weight: bold; }
.legend { font-size: 12px; margin: 2px 0 6px ${MARGIN.left}px; }
ol.windows { list-style: none; padding-left: 0; font-size: 12px; }
code { background: #f4f4f4; padding: 1px 4px; overflow-wrap: anywhere; }
ul.faults { font-size: 12px; }
</style></head><body>
<h1>Chaos lab report</h1>
<p>Started ${escape(report.startedAt)}. ${passed} of ${report.scenarios.length} scenarios passed.</p>
<p>Redis: ${escape(report.providers.redis)}.<br>toxiproxy: ${escape(report.providers.toxiproxy)}.</p>
${report.scenarios.map(section).join('\n')}
</body></html>
`;
}
