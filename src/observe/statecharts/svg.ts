// A chart graph as a standalone SVG (no external fonts or assets), laid out by layout.ts.
// Every state is a `<g class="state" data-state="<dotted path>">`: a page highlights the live
// state by adding `state--active` to it. Each transition is a `g.transition` (its arrow) and a
// `g.transition-label` drawn above all arrows, both with data-event / data-source / data-target:
// add `transition--active` to both to show the last step. The <style> is scoped to
// `svg.statechart` so several charts can be inlined in one page; ids carry the machine id.
import type { ChartGraph } from './graph.js';
import { layoutChart, type LayoutOptions, type PlacedState } from './layout.js';
import { drawEdgeLabel, drawEdgePath } from './svg-edges.js';
import { escapeXml, FONT_FAMILY, NAME_TEXT, num, SMALL_TEXT } from './text.js';

export interface SvgOptions extends LayoutOptions {
  /** Shown as the chart's accessible title (default: the machine id). */
  readonly title?: string;
}

const STYLE = `
svg.statechart { font-family: ${FONT_FAMILY}; }
svg.statechart .statechart__background { fill: #ffffff; }
svg.statechart .state__box { fill: #f8fafc; stroke: #334155; stroke-width: 1.5; }
svg.statechart .state--compound > .state__box, svg.statechart .state--parallel > .state__box { fill: #f1f5f9; stroke: #64748b; }
svg.statechart .state__inner { fill: none; stroke: #334155; stroke-width: 1; }
svg.statechart .state__name { font-size: ${NAME_TEXT.size}px; font-weight: 700; fill: #0f172a; }
svg.statechart .state__details { font-size: ${SMALL_TEXT.size}px; fill: #475569; }
svg.statechart .state__rule { stroke: #cbd5e1; stroke-width: 1; }
svg.statechart .state--initial > .state__box { stroke-width: 2.5; }
svg.statechart .state--active > .state__box { fill: #fef3c7; stroke: #d97706; stroke-width: 3; }
svg.statechart .state--active > .state__name { fill: #78350f; }
svg.statechart .state--compound.state--active > .state__box, svg.statechart .state--parallel.state--active > .state__box { fill: #fffbeb; }
svg.statechart .pseudo--initial { fill: #0f172a; }
svg.statechart .pseudo--any > rect { fill: none; stroke: #64748b; stroke-width: 1; stroke-dasharray: 4 3; }
svg.statechart .pseudo--any > text { font-size: ${SMALL_TEXT.size}px; font-style: italic; fill: #475569; }
svg.statechart .transition__path { fill: none; stroke: #64748b; stroke-width: 1.25; }
svg.statechart .transition--internal > .transition__path { stroke-dasharray: 4 3; }
svg.statechart .transition--active > .transition__path { stroke: #d97706; stroke-width: 2.5; }
svg.statechart .transition__label-bg { fill: #ffffff; }
svg.statechart .transition__label { font-size: ${SMALL_TEXT.size}px; fill: #334155; }
svg.statechart .transition__event { font-weight: 700; fill: #0f172a; }
svg.statechart .transition-label.transition--active .transition__event { fill: #b45309; }
svg.statechart .transition__head { fill: #64748b; }
svg.statechart .transition--active > .transition__head { fill: #d97706; }
`;

export function svgChart(graph: ChartGraph, options: SvgOptions = {}): string {
  const layout = layoutChart(graph, options);
  const titleId = `statechart-title-${idSafe(graph.id)}`;
  const title = options.title ?? (graph.description === undefined ? graph.id : `${graph.id}: ${graph.description}`);
  const width = Math.max(layout.width, 40);
  const height = Math.max(layout.height, 40);
  const clusters = layout.states.filter((s) => s.cluster);
  const leaves = layout.states.filter((s) => !s.cluster);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="statechart" data-machine="${escapeXml(graph.id)}" ` +
      `width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${titleId}">`,
    `<title id="${titleId}">${escapeXml(title)}</title>`,
    `<style>${STYLE}</style>`,
    `<rect class="statechart__background" x="0" y="0" width="${width}" height="${height}"/>`,
    ...clusters.map(drawState),
    ...layout.edges.map((edge) => drawEdgePath(edge, layout.states)),
    ...layout.pseudos.map((p) =>
      p.kind === 'initial'
        ? `<circle class="pseudo pseudo--initial" data-container="${escapeXml(p.container)}" ` +
          `cx="${num(p.box.x + p.box.width / 2)}" cy="${num(p.box.y + p.box.height / 2)}" r="${num(p.box.width / 2)}"/>`
        : `<g class="pseudo pseudo--any" data-container="${escapeXml(p.container)}">` +
          `<rect x="${num(p.box.x)}" y="${num(p.box.y)}" width="${num(p.box.width)}" height="${num(p.box.height)}" rx="11"/>` +
          `<text x="${num(p.box.x + p.box.width / 2)}" y="${num(p.box.y + p.box.height / 2 + 4)}" text-anchor="middle">any state</text></g>`,
    ),
    ...leaves.map(drawState),
    ...layout.edges.map((edge) => drawEdgeLabel(edge, layout.states)),
    '</svg>',
  ];
  return `${out.join('\n')}\n`;
}

function drawState(placed: PlacedState): string {
  const { state, box } = placed;
  const classes = [
    'state',
    `state--${state.kind}`,
    ...(state.initial ? ['state--initial'] : []),
    ...(state.final ? ['state--final'] : []),
  ];
  const open = [
    `<g class="${classes.join(' ')}" data-state="${escapeXml(state.path)}">`,
    ...(state.description === undefined ? [] : [`<title>${escapeXml(state.description)}</title>`]),
  ];
  if (state.history !== undefined) {
    // UML's history pseudo-state: a circle with H (shallow) or H* (deep).
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    return [
      ...open,
      `<circle class="state__box" cx="${num(cx)}" cy="${num(cy)}" r="${num(box.width / 2)}"/>`,
      `<text class="state__name" x="${num(cx)}" y="${num(cy + 4.5)}" text-anchor="middle">${state.history === 'deep' ? 'H*' : 'H'}</text>`,
      '</g>',
    ].join('');
  }
  const parts = [
    ...open,
    `<rect class="state__box" x="${num(box.x)}" y="${num(box.y)}" width="${num(box.width)}" height="${num(box.height)}" rx="${placed.cluster ? 10 : 8}"/>`,
  ];
  if (state.final)
    parts.push(
      `<rect class="state__inner" x="${num(box.x + 3)}" y="${num(box.y + 3)}" width="${num(box.width - 6)}" ` +
        `height="${num(box.height - 6)}" rx="6"/>`,
    );
  const nameX = placed.cluster ? box.x + 10 : box.x + box.width / 2;
  const anchor = placed.cluster ? 'start' : 'middle';
  parts.push(
    `<text class="state__name" x="${num(nameX)}" y="${num(box.y + 19)}" text-anchor="${anchor}">${escapeXml(state.key)}</text>`,
  );
  if (placed.details.length > 0 && !placed.cluster) {
    const ruleY = box.y + 28;
    parts.push(`<line class="state__rule" x1="${num(box.x)}" y1="${num(ruleY)}" x2="${num(box.x + box.width)}" y2="${num(ruleY)}"/>`);
    placed.details.forEach((line, i) => {
      const y = ruleY + 4 + (i + 1) * SMALL_TEXT.lineHeight - 3;
      parts.push(`<text class="state__details" x="${num(box.x + 12)}" y="${num(y)}">${escapeXml(line)}</text>`);
    });
  }
  parts.push('</g>');
  return parts.join('');
}

function idSafe(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '_');
}
