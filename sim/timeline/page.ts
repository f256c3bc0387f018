import type { Canvas } from './canvas.js';
import { element, escapeXml } from './svg.js';

const STYLE = `
body{font:13px system-ui,sans-serif;margin:0;color:#111}
header{padding:10px 16px;border-bottom:1px solid #ddd}
h1{font-size:16px;margin:0 0 4px}
p{margin:2px 0}
.legend span{margin-right:14px;white-space:nowrap}
.legend i{display:inline-block;width:18px;height:3px;vertical-align:middle;margin-right:4px}
#lanes{position:sticky;top:0;height:22px;background:#fffe;border-bottom:1px solid #ddd;z-index:1}
#lanes span{position:absolute;transform:translateX(-50%);font-weight:600;top:3px}
#lanes span.end{font-weight:400;color:#888;font-size:11px;top:5px}
.overview{margin:6px 16px 0;cursor:crosshair}
.overview text{font-size:10px;fill:#333}.overview .grid line{stroke:#eee}.overview .grid text{fill:#888}
.overview .series{fill:none;stroke-width:1.6}.overview .series.written,.overview line.written{stroke-width:2.4;stroke-dasharray:5 2}
.overview line[stroke]{stroke-width:3}
.fault rect{fill:#dc2626;opacity:.12}.fault rect.row{opacity:.8}
.fault.held rect{fill:#f59e0b;opacity:.18}.fault.held rect.row{opacity:.9}
.fault.down rect{fill:#6b7280;opacity:.18}.fault.down rect.row{opacity:.8}
.fault.clock rect{fill:#ea580c;opacity:.9}
.overview .window{fill:none;stroke:#111;stroke-width:1.5;stroke-dasharray:3 2}
.break rect{fill:#f3f4f6}.break path{stroke:#6b7280;fill:none;stroke-width:1.2}.break text{fill:#4b5563;font-style:italic}
text.frame{font-size:9px;fill:#374151;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}
#info:empty{display:none}
#info{position:fixed;bottom:0;left:0;right:0;background:#111d;color:#fff;padding:4px 12px;min-height:16px}
svg{display:block}
svg text{font-size:10px;fill:#333}
.grid line{stroke:#eee}.grid text{fill:#888}
.lane{stroke:#999;stroke-width:1}.lane.end{stroke:#ccc;stroke-dasharray:2 3}
.msg{stroke-width:1;opacity:.75}.msg.down{stroke:#2563eb}.msg.up{stroke:#16a34a}
.msg:hover,.drop:hover,.fin:hover{stroke-width:3;opacity:1}
.fin{stroke:#555;stroke-dasharray:4 3}
.drop line,.drop path{stroke:#dc2626;stroke-width:1.2;fill:none}
.reset line{stroke:#dc2626;stroke-width:2;stroke-dasharray:6 3}.reset text{fill:#dc2626}
.band.down rect{fill:#9ca3af;opacity:.45}.band.cut rect{fill:#dc2626;opacity:.7}.band.held rect{fill:#f59e0b;opacity:.8}
.band rect.span{opacity:.08}.band text{fill:#991b1b}.band.held text{fill:#92400e}.band.down text{fill:#374151}
.dot circle{stroke:#fff;stroke-width:1}
.dot.ok circle{fill:#16a34a}.dot.sync circle{fill:#7c3aed}.dot.expiry circle{fill:#0d9488}.dot.bad circle{fill:#dc2626}
.dot.clock circle{fill:#ea580c}.dot.lost circle{fill:#fff;stroke:#dc2626;stroke-width:2.5}.dot.connect circle{fill:#fff;stroke:#555;r:2.5}
.corrupt{fill:#dc2626;font-size:11px}
.heal line{stroke:#111;stroke-width:2}.heal text{font-weight:600;fill:#111}
svg.dim [data-conn]:not(.on){opacity:.08}
`;

// Hovering shows an element's title in the bar at the bottom (tooltips are slow and small);
// clicking a message keeps only its connection lit, clicking it again lights everything; clicking
// the overview scrolls the diagram to that moment, through each chart's pieces of its time map.
const SCRIPT = `
const svg = document.querySelector('svg.diagram'), info = document.getElementById('info');
const overview = document.querySelector('svg.overview');
const across = (pieces, v, from, to) => {
  const p = pieces.find((piece) => v >= piece[from] && v <= piece[from + 1]);
  return p && p[to] + ((v - p[from]) / Math.max(1e-9, p[from + 1] - p[from])) * (p[to + 1] - p[to]);
};
overview.addEventListener('click', (e) => {
  const box = overview.getBoundingClientRect();
  const t = across(JSON.parse(overview.dataset.pieces), ((e.clientX - box.left) * overview.viewBox.baseVal.width) / box.width, 2, 0);
  const y = t === undefined ? undefined : across(JSON.parse(svg.dataset.pieces), t, 0, 2);
  if (y === undefined) info.textContent = t === undefined ? '' : 'That moment is outside the slice drawn below (--window).';
  else window.scrollTo({ top: svg.getBoundingClientRect().top + window.scrollY + y - 60 });
});
document.addEventListener('mouseover', (e) => {
  if (!(e.target instanceof SVGElement)) return;
  const title = e.target.closest('[class]')?.closest(':has(> title)')?.querySelector(':scope > title');
  info.textContent = title ? title.textContent : '';
});
svg.addEventListener('click', (e) => {
  const conn = e.target.closest('[data-conn]')?.getAttribute('data-conn');
  const on = conn !== undefined && !(svg.classList.contains('dim') && svg.dataset.conn === conn);
  svg.classList.toggle('dim', on);
  svg.dataset.conn = on ? conn : '';
  for (const el of svg.querySelectorAll('[data-conn]')) el.classList.toggle('on', on && el.getAttribute('data-conn') === conn);
});
`;

const LEGEND: readonly [string, string][] = [
  ['#2563eb', 'primary → secondary'],
  ['#16a34a', 'secondary → primary'],
  ['#555', 'FIN (dashed)'],
  ['#dc2626', 'dropped (×), reset (dashed across), corrupted (⚡ by the axis)'],
  ['#dc2626', 'cut link: tinted span, a bar at each end data cannot reach'],
  ['#f59e0b', 'held (clogged) link, same bars'],
  ['#9ca3af', 'node crashed'],
  ['#dc2626', 'disk lost its data (ring on the lane)'],
  ['#7c3aed', 'resync / snapshot'],
  ['#0d9488', 'expired'],
  ['#ea580c', 'clock jump'],
];

export interface PageParts {
  readonly title: string;
  readonly notes: readonly string[];
  readonly canvas: Canvas;
  /** The overview chart's SVG. */
  readonly overview: string;
  readonly body: string;
}

/** One self-contained HTML file: no external scripts, styles or fonts. */
export function page(parts: PageParts): string {
  const { canvas } = parts;
  const legend = LEGEND.map(([color, label]) => `<span><i style="background:${color}"></i>${escapeXml(label)}</span>`).join('');
  const notes = parts.notes.map((note) => `<p>${escapeXml(note)}</p>`).join('\n');
  const svg = element('svg', { class: 'diagram', 'data-pieces': JSON.stringify(canvas.pieces()), xmlns: 'http://www.w3.org/2000/svg', width: canvas.width, height: canvas.height, viewBox: `0 0 ${canvas.width} ${canvas.height}` }, parts.body);
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeXml(parts.title)}</title><style>${STYLE}</style></head>
<body>
<header><h1>${escapeXml(parts.title)}</h1>
${notes}
<p>Overview: each node's sequence over the run (the primary's as written, dashed), faults shaded, the heal, quiet stretches compressed. Click it to go to that moment in the diagram below.</p>
</header>
${parts.overview}
<header><p class="legend">${legend}</p>
<p>Time flows downwards. The primary has its own lane; each secondary has its link to itself: the primary's end (grey, dashed), the secondary's lane, its labels. Hover for details (each message names its frames); click a message to follow its connection.</p></header>
<div id="lanes" style="width:${canvas.width}px">${canvas.laneHeader()}</div>
${svg}
<div id="info"></div>
<script>${SCRIPT}</script>
</body></html>
`;
}
