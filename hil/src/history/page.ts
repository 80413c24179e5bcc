/** The morning view: one self-contained page (inline CSS, SVG and a few lines of script; no CDN, works offline). */
import { STYLE } from '../report/html';
import { escapeXml as esc } from '../report/junit';
import { type Series, trendChart } from './charts';
import { CELL_COLORS, renderGrid, safeHref } from './grid';
import type { GroupView, HistoryFile, NightRef, RunEntry, TestRow } from './model';

const PAGE_STYLE = `${STYLE}
h2{font-size:17px;margin:28px 0 6px}.sub{color:#666}.gridwrap{overflow-x:auto;max-width:100%}svg.grid{display:block}
svg.grid rect{shape-rendering:crispEdges}${Object.entries(CELL_COLORS)
  .map(([c, color]) => `svg.grid .${c}{fill:${color}}`)
  .join('')}svg.grid text.red{fill:#d33;font-weight:600}
.legend{margin:4px 0;font-size:12px}.key{margin-right:12px}.key i{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:-1px}
.trends{display:flex;flex-wrap:wrap;gap:12px;margin-top:8px}.trends svg{border:1px solid #eee}code{font-size:12px}
#tip{position:fixed;pointer-events:none;background:#222;color:#fff;font-size:12px;padding:3px 6px;border-radius:3px;display:none}
.b-red{background:#d33}.b-flaky{background:#e90}.b-green{background:#2a7}.b-bench{background:#a3c}`;

/** Cell click -> that night's report; hover -> what the cell is. Data from the #history-data block. */
const SCRIPT = `(()=>{const d=JSON.parse(document.getElementById('history-data').textContent);const tip=document.getElementById('tip');
const names=${JSON.stringify({ P: 'passed', F: 'failed', K: 'flaky', S: 'skipped', A: 'aborted', B: 'bench error', '-': 'no run' })};
function at(svg,e){const g=d[svg.dataset.group];const r=svg.getBoundingClientRect();const col=Math.floor((e.clientX-r.left-svg.dataset.x)/svg.dataset.cw);
const row=Math.floor((e.clientY-r.top-svg.dataset.y)/svg.dataset.rh);if(col<0||row<0||col>=g.nights.length||row>=g.tests.length)return null;return{g,col,row};}
for(const svg of document.querySelectorAll('svg.grid')){svg.addEventListener('click',e=>{const h=at(svg,e);if(h&&h.g.hrefs[h.col])location.href=h.g.hrefs[h.col];});
svg.addEventListener('mousemove',e=>{const h=at(svg,e);if(!h){tip.style.display='none';svg.style.cursor='';return;}const c=h.g.cells[h.row][h.col];
tip.textContent=h.g.tests[h.row]+' · '+h.g.nights[h.col]+' · '+names[c]+(h.g.commits[h.col]?' · '+h.g.commits[h.col]:'');
tip.style.left=(e.clientX+12)+'px';tip.style.top=(e.clientY+12)+'px';tip.style.display='block';svg.style.cursor=h.g.hrefs[h.col]?'pointer':'';});
svg.addEventListener('mouseleave',()=>{tip.style.display='none';});}})();`;

interface Lookup {
  run: (id: string | null) => RunEntry | undefined;
}

function nightLink(ref: NightRef | null, look: Lookup): string {
  if (!ref) return '<span class="sub">not in window</span>';
  const href = safeHref(look.run(ref.runId)?.report ?? null);
  return href ? `<a href="${esc(href)}">${ref.night}</a>` : ref.night;
}

function redTable(groups: readonly GroupView[], look: Lookup): string {
  const rows = groups.flatMap((g) => g.tests.filter((t) => t.status === 'red').map((t) => ({ g, t })));
  if (rows.length === 0) return '<p class="passed">Nothing is red.</p>';
  return `<table id="red"><tr><th>bench</th><th>test</th><th>red since</th><th>last green</th><th>suspect commits</th></tr>${rows
    .map(
      ({ g, t }) =>
        `<tr><td>${esc(g.key)}</td><td class="failed">${esc(t.id)}</td><td>${nightLink(t.firstRed, look)}</td><td>${nightLink(t.lastGreen, look)}</td><td>${commitCell(t)}</td></tr>`,
    )
    .join('')}</table>`;
}

function commitCell(t: TestRow): string {
  if (t.commitRange) return `<code>git log ${esc(t.commitRange)}</code>`;
  if (t.firstRed?.commit)
    return `<code>${esc(t.firstRed.commit)}</code> (no green night with a commit before it)`;
  return '<span class="sub">no commit recorded</span>';
}

function flakyTable(groups: readonly GroupView[]): string {
  const rows = groups
    .flatMap((g) => g.tests.filter((t) => t.flakyNights > 0).map((t) => ({ g, t })))
    .sort((a, b) => (b.t.flakeRate ?? 0) - (a.t.flakeRate ?? 0));
  if (rows.length === 0) return '<p class="passed">No flaky tests in the window.</p>';
  return `<table id="flaky"><tr><th>bench</th><th>test</th><th>flake rate</th><th>flaky nights / nights run</th></tr>${rows
    .slice(0, 50)
    .map(
      ({ g, t }) =>
        `<tr><td>${esc(g.key)}</td><td>${esc(t.id)}</td><td class="flaky">${((t.flakeRate ?? 0) * 100).toFixed(1)} %</td><td>${t.flakyNights} / ${t.ranNights}</td></tr>`,
    )
    .join('')}</table>${rows.length > 50 ? `<p class="sub">and ${rows.length - 50} more</p>` : ''}`;
}

function lastNight(g: GroupView, look: Lookup): string {
  const run = look.run(g.runIds[g.runIds.length - 1] ?? null);
  if (!run) return '<span class="sub">no run last night</span>';
  if (run.status === 'bench_error')
    return `<span class="badge b-bench">bench error ${esc(run.benchError ?? '')}</span>`;
  const count = (s: string) => run.tests.filter((t) => t.state === s).length;
  const badge = run.status === 'passed' ? 'b-green' : 'b-red';
  return `<span class="badge ${badge}">${esc(run.status)}</span> ${count('passed')} passed, ${count('failed')} failed, ${count('flaky')} flaky, ${count('skipped')} skipped${run.commit ? ` · <code>${esc(run.commit)}</code>` : ''}`;
}

function trends(g: GroupView): string {
  const t = g.trends;
  const s = (name: string, color: string, values: (number | null)[], dashed = false): Series => ({
    name,
    color,
    values,
    dashed,
  });
  const toS = (v: (number | null)[]) => v.map((x) => (x === null ? null : x / 1000));
  return `<div class="trends">${[
    trendChart('Actuation latency', 'ms', g.nights, [
      s('p50', '#2a7', t.latencyP50Ms),
      s('p99', '#d33', t.latencyP99Ms),
    ]),
    trendChart('PWM sweep worst error', 'ADC counts', g.nights, [
      s('error', '#36c', t.pwmWorstError),
      s('tolerance', '#d33', t.pwmTolerance, true),
    ]),
    trendChart('Boot and ready', 'ms', g.nights, [
      s('boot', '#36c', t.bootMs),
      s('ready', '#c80', t.readyMs),
    ]),
    trendChart('Run duration', 's', g.nights, [s('run', '#555', toS(t.durationMs))]),
  ].join('')}</div>`;
}

function groupData(g: GroupView, look: Lookup) {
  const runs = g.runIds.map((id) => look.run(id));
  return {
    nights: g.nights,
    hrefs: runs.map((r) => safeHref(r?.report ?? null)),
    commits: runs.map((r) => r?.commit ?? null),
    tests: g.tests.map((t) => t.id),
    cells: g.tests.map((t) => t.cells),
  };
}

/** JSON inside <script>: `<` escaped so no string in it can close the element. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

export function renderHistoryPage(h: HistoryFile, title = 'esphil HIL nightly history'): string {
  const byId = new Map(h.runs.map((r) => [r.id, r]));
  const look: Lookup = { run: (id) => (id === null ? undefined : byId.get(id)) };
  const red = h.groups.reduce((n, g) => n + g.tests.filter((t) => t.status === 'red').length, 0);
  const flaky = h.groups.reduce((n, g) => n + g.tests.filter((t) => t.flakyNights > 0).length, 0);
  const data = h.groups.map((g) => groupData(g, look));
  const sections = h.groups
    .map(
      (g, i) =>
        `<section class="group" id="group-${i}" data-key="${esc(g.key)}"><h2>${esc(g.key)}</h2><p>last night: ${lastNight(g, look)}</p>${renderGrid(g, i, data[i]!.hrefs)}${trends(g)}</section>`,
    )
    .join('\n');
  const window = h.window.from
    ? `${h.window.from} to ${h.window.to} (${h.window.nights}-night window)`
    : 'no runs yet';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${esc(title)}</title><style>${PAGE_STYLE}</style></head>
<body><h1>${esc(title)} <span class="badge ${red ? 'b-red' : 'b-green'}" id="red-count">${red} red</span> <span class="badge b-flaky">${flaky} flaky</span></h1>
<p class="sub">${window} · ${h.runs.length} runs · ${h.groups.length} bench/shard groups · built ${esc(h.generatedAt)}</p>
<h2>Red now</h2>${redTable(h.groups, look)}<h2>Flaky</h2>${flakyTable(h.groups)}
${sections}
<div id="tip"></div><script type="application/json" id="history-data">${scriptJson(data)}</script><script>${SCRIPT}</script></body></html>
`;
}
