// The live statechart visualizer (/debug/statecharts): one chart per machine (SVGs from
// /debug/charts, laid out by observe/statecharts), the live actors of each machine, and a timeline
// of transitions, kept current from /debug/events (server-sent events). The selected actor's state
// is drawn `state--active`, states other actors are in `state--occupied`. Self-contained: inline CSS
// and script, relative URLs (so it also works behind `herald lab visualize`'s path prefix), no
// external assets. Read-only.

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `
:root { --fg:#1d2330; --muted:#5b6475; --line:#d5dae3; --bg:#f6f7f9; --card:#fff; --occupied:#2563eb; --flash:#fff3b0; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.4 system-ui, sans-serif; color:var(--fg); background:var(--bg); }
header { display:flex; gap:16px; align-items:baseline; padding:10px 18px; background:#1d2330; color:#fff; position:sticky; top:0; z-index:2; }
header h1 { font-size:16px; margin:0; }
header .checks span { margin-right:10px; font-size:12px; }
.ok { color:#7ee2a8; } .bad { color:#ff9a9a; }
#connection { margin-left:auto; font-size:12px; }
main { display:grid; grid-template-columns: minmax(0,1fr) 380px; gap:16px; padding:16px; }
section.machine { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:12px; margin-bottom:16px; }
section.machine h2 { font-size:15px; margin:0 0 2px; }
section.machine p { margin:0 0 8px; color:var(--muted); }
.chart svg { max-width:100%; height:auto; }
/* The chart's own style draws .state--active; other actors' states get a dashed blue outline. */
.chart svg.statechart .state--occupied > .state__box { stroke:var(--occupied); stroke-width:3; stroke-dasharray:6 3; }
ul.actors { list-style:none; margin:8px 0 0; padding:0; max-height:220px; overflow:auto; }
li.actor { display:flex; gap:8px; padding:3px 6px; border-radius:4px; cursor:pointer; }
li.actor.selected { background:#e7f0ff; }
li.actor .state-name { font-weight:600; }
li.actor .since { color:var(--muted); margin-left:auto; font-size:12px; }
.flash { animation: flash 1.2s ease-out; }
@keyframes flash { from { background:var(--flash); } to { background:transparent; } }
aside { position:sticky; top:56px; align-self:start; }
aside .panel { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:12px; margin-bottom:16px; }
aside h2 { font-size:14px; margin:0 0 8px; }
#timeline { list-style:none; margin:0; padding:0; max-height:50vh; overflow:auto; font:12px/1.5 ui-monospace, monospace; }
#timeline li { padding:2px 0; border-bottom:1px solid #eef0f4; }
#timeline time { color:var(--muted); margin-right:6px; }
#context { font:12px ui-monospace, monospace; white-space:pre-wrap; max-height:40vh; overflow:auto; margin:0; }
input#filter { width:100%; padding:4px 6px; margin-bottom:8px; }
`;

// Plain browser JavaScript (no build step): the page's whole behaviour.
const SCRIPT = `
const actors = new Map();
const selected = new Map();
let timeline = [];
const byId = (id) => document.getElementById(id);
const fmtTime = (ms) => new Date(ms).toISOString().slice(11, 23);
const ago = (ms) => { const s = Math.max(0, (Date.now() - ms) / 1000); return s < 60 ? s.toFixed(1) + ' s' : Math.round(s / 60) + ' min'; };
const cssEscape = (s) => (window.CSS && CSS.escape) ? CSS.escape(s) : s.replace(/["\\\\]/g, '\\\\$&');
const prefixes = (state) => { const parts = state.split('.'); return parts.map((_, i) => parts.slice(0, i + 1).join('.')); };

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const c of children) node.append(c);
  return node;
}

function renderMachine(machine, flashActor) {
  const section = document.querySelector('section.machine[data-machine="' + cssEscape(machine) + '"]');
  if (!section) return;
  const filter = byId('filter').value.trim();
  const list = section.querySelector('ul.actors');
  const mine = [...actors.values()].filter((a) => a.machine === machine).sort((a, b) => a.id.localeCompare(b.id));
  if (!mine.some((a) => a.id === selected.get(machine))) selected.set(machine, mine[0] && mine[0].id);
  list.replaceChildren(...mine.filter((a) => !filter || a.id.includes(filter)).map((a) => {
    const li = el('li', { class: 'actor' + (a.id === selected.get(machine) ? ' selected' : ''), 'data-actor': a.id, 'data-machine': machine, 'data-state': a.state },
      el('span', { class: 'actor-id' }, a.id), el('span', { class: 'state-name' }, a.state), el('span', { class: 'since', 'data-since': String(a.since) }, ago(a.since)));
    li.addEventListener('click', () => { selected.set(machine, a.id); renderMachine(machine); renderContext(); });
    if (a.id === flashActor) li.classList.add('flash');
    return li;
  }));
  const svg = section.querySelector('.chart');
  svg.querySelectorAll('.state--active, .state--occupied').forEach((n) => n.classList.remove('state--active', 'state--occupied'));
  for (const a of mine) {
    const mark = a.id === selected.get(machine) ? 'state--active' : 'state--occupied';
    for (const p of a.paths || prefixes(a.state)) {
      const g = svg.querySelector('[data-state="' + cssEscape(p) + '"]');
      if (g && !(mark === 'state--occupied' && g.classList.contains('state--active'))) g.classList.add(mark);
    }
  }
  section.querySelector('.count').textContent = mine.length + (mine.length === 1 ? ' actor' : ' actors');
}

// The step the selected actor just took, drawn on its chart's arrow.
function markStep(machine, record) {
  const section = document.querySelector('section.machine[data-machine="' + cssEscape(machine) + '"]');
  if (!section || selected.get(machine) !== record.actor) return;
  section.querySelectorAll('.transition--active').forEach((n) => n.classList.remove('transition--active'));
  const arrows = section.querySelectorAll('[data-source="' + cssEscape(record.from) + '"][data-target="' + cssEscape(record.to) + '"][data-event="' + cssEscape(record.event) + '"]');
  arrows.forEach((n) => n.classList.add('transition--active'));
}

function renderContext() {
  const parts = [];
  for (const [machine, id] of selected) {
    const a = id && actors.get(id);
    if (a) parts.push(a.id + '  (' + machine + ': ' + a.state + ')\\n' + JSON.stringify(a.context, null, 2));
  }
  byId('context').textContent = parts.join('\\n\\n') || 'no live actors';
}

function renderTimeline() {
  byId('timeline').replaceChildren(...timeline.slice(0, 200).map((t) =>
    el('li', { 'data-actor': t.actor, 'data-from': t.from, 'data-to': t.to },
      el('time', {}, fmtTime(t.at)), t.actor + ': ' + t.from + ' \\u2192 ' + t.to + ' (' + t.reason + ')')));
}

function renderAll() {
  document.querySelectorAll('section.machine').forEach((s) => renderMachine(s.dataset.machine));
  renderTimeline();
  renderContext();
}

function renderReady(ready) {
  byId('checks').replaceChildren(...Object.entries(ready || {}).map(([k, v]) => el('span', { class: v ? 'ok' : 'bad' }, (v ? '\\u2714 ' : '\\u2718 ') + k)));
}

async function start() {
  const charts = await (await fetch('./charts')).json();
  byId('machines').replaceChildren(...charts.map((c) => {
    const chart = el('div', { class: 'chart' });
    chart.innerHTML = c.svg;
    return el('section', { class: 'machine', 'data-machine': c.id }, el('h2', {}, c.id + ' ', el('small', { class: 'count' }, '')), el('p', {}, c.description), chart, el('ul', { class: 'actors' }));
  }));
  byId('filter').addEventListener('input', renderAll);
  const events = new EventSource('./events');
  events.onopen = () => { byId('connection').textContent = 'live'; byId('connection').className = 'ok'; };
  events.onerror = () => { byId('connection').textContent = 'reconnecting…'; byId('connection').className = 'bad'; };
  events.addEventListener('snapshot', (e) => {
    const s = JSON.parse(e.data);
    actors.clear();
    for (const a of s.actors) actors.set(a.id, a);
    timeline = s.transitions.slice().reverse();
    renderReady(s.ready);
    renderAll();
  });
  events.addEventListener('transition', (e) => {
    const { record, actor } = JSON.parse(e.data);
    actors.set(actor.id, actor);
    timeline.unshift(record);
    if (timeline.length > 500) timeline.length = 500;
    renderMachine(actor.machine, actor.id);
    markStep(actor.machine, record);
    renderTimeline();
    renderContext();
  });
  events.addEventListener('started', (e) => { const a = JSON.parse(e.data); actors.set(a.id, a); renderMachine(a.machine, a.id); });
  events.addEventListener('stopped', (e) => { const { id, machine } = JSON.parse(e.data); actors.delete(id); renderMachine(machine); renderContext(); });
  setInterval(() => document.querySelectorAll('[data-since]').forEach((n) => { n.textContent = ago(Number(n.dataset.since)); }), 1000);
  setInterval(async () => { try { renderReady((await (await fetch('./state')).json()).ready); } catch {} }, 5000);
}
start();
`;

/** `role`: what runs here (speaker, controller), shown in the header. */
export function visualizerPage(node: string, role = 'speaker'): string {
  const name = escapeHtml(node);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Herald · ${name} · statecharts</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>Herald ${escapeHtml(role)} <span id="node">${name}</span></h1><div class="checks" id="checks"></div><span id="connection">connecting…</span></header>
<main>
<div id="machines"></div>
<aside>
<div class="panel"><h2>Actors</h2><input id="filter" placeholder="filter actors (e.g. default/web)"><pre id="context"></pre></div>
<div class="panel"><h2>Recent transitions</h2><ol id="timeline"></ol></div>
</aside>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
